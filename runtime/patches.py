"""The one place where Rasa 3.6 is changed: a list of changes, installed all or nothing, and undone.

Each entry of ``CHANGES`` names one member of Rasa (``module:Class.member``),
the function that builds its replacement from Rasa's own, the other Rasa and
rasa-sdk names the replacement relies on, and, where a setting can turn it
off, when it is active. ``runtime/README.md`` says for each what it replaces,
why, what it gained and how it is tested.

``install()`` is called once at server start by ``runtime.server_start``
(named in credentials.yml, so ``rasa run`` calls it whatever way the server is
started) and by ``bench.profile``. It first resolves every name of every
change; on another Rasa version than 3.6.x, or when any name is missing, it
logs one warning and changes nothing. ``RASA_PATCHES=0`` turns all changes
off: Rasa then runs as stock 3.6, only slower. ``uninstall()`` puts every
original back (the tests' ``runtime_changes`` fixture uses it).

Adding a change: one ``Change(...)`` entry in ``CHANGES`` and a row in
``runtime/README.md``.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import settings

logger = logging.getLogger(__name__)

SUPPORTED_SERIES = "3.6."
SWITCH_ENV = "RASA_PATCHES"
MARKER = "_bvo_runtime_patch"
# Who runs an action of actions/ in the Rasa server (log line of a failure).
IN_PROCESS_RUNNER = "the Rasa server (actions/ in process)"

Builder = Callable[[Callable], Callable]


@dataclass(frozen=True)
class Change:
    """One replaced member of Rasa.

    Attributes:
        target: ``module:Class.member`` or ``module:function``, e.g.
            ``rasa.core.processor:MessageProcessor.handle_message``.
        build: Makes the replacement from Rasa's function (a classmethod's or
            staticmethod's function is passed unwrapped and wrapped again).
        why: One line for the log at start-up.
        uses: Other Rasa and rasa-sdk names the replacement relies on (checked too).
        active: Whether the settings leave this change on (``PARSE_CACHE_SIZE=0`` ...).
    """

    target: str
    build: Builder
    why: str
    uses: Tuple[str, ...] = ()
    active: Callable[[], bool] = field(default=lambda: True)

    @property
    def key(self) -> str:
        """``Class.member`` (or the function's name): the name ``original`` takes."""
        return self.target.split(":", 1)[1]


@dataclass
class _Installed:
    owner: Any
    attribute: str
    raw: Any
    key: str


_installed: List[_Installed] = []
_state: Dict[str, Any] = {}


# --- the builders (each imports its module only when the change is installed) -------------

def _validation(original: Callable) -> Callable:
    from runtime import validation

    return validation.validate_action_result


def _actions_package() -> Any:
    """The in-process actions of this installation (made once per ``install``)."""
    from runtime import inprocess_actions

    if "package" not in _state:
        _state["package"] = inprocess_actions.InProcessActions()
    return _state["package"]


def _action_run(original: Callable) -> Callable:
    return action_run(original, _actions_package(), bool(settings.get("ACTIONS_IN_PROCESS")))


def action_run(original: Callable, package: Any, in_process: bool) -> Callable:
    """The ``RemoteAction.run`` of a deployment: every custom action in the server, or every one over HTTP.

    Args:
        original: Rasa's ``RemoteAction.run`` (HTTP to the action server).
        package: The ``runtime.inprocess_actions.InProcessActions`` to run in process.
        in_process: ``ACTIONS_IN_PROCESS``.

    Returns:
        In process: the SDK's executor in this process, with the time limit and the
        apology of ``runtime.faults``. Over HTTP: Rasa's call with the action server's
        token (``runtime.action_token``), the time limit and the apology, outside the
        admission limit while slow (``runtime.admission``).
    """
    from runtime import action_token, admission, faults, inprocess_actions

    if in_process:
        return faults.guarded_run(inprocess_actions.in_process_run(package), runner=IN_PROCESS_RUNNER)
    return admission.outside_limit(faults.guarded_run(action_token.with_token(original)))


def _history_window(original: Callable) -> Callable:
    from runtime import history_window

    return history_window.windowed_prediction_states(original)


def _rule_index(original: Callable) -> Callable:
    from runtime import rule_index

    return rule_index.indexed_possible_keys(original)


def _sparse_combine(original: Callable) -> Callable:
    from runtime import nlu_shortcuts

    return nlu_shortcuts.quick_sparse_combine(original)


def _response_keys(original: Callable) -> Callable:
    from runtime import nlu_shortcuts

    return nlu_shortcuts.known_response_keys(original)


def _tracker_copy(original: Callable) -> Callable:
    from runtime import tracker_copy

    return tracker_copy.copy_without_replay(original)


def _applied_events(original: Callable) -> Callable:
    from runtime import applied_events

    return applied_events.continued_applied_events(original)


def _event_dicts(original: Callable) -> Callable:
    from runtime import event_dicts

    return event_dicts.current_state_with_kept_dicts(original)


def _lean_load(original: Callable) -> Callable:
    from runtime import model_load

    return model_load.lean_load(original)


def _shared_spacy(original: Callable) -> Callable:
    from runtime import model_load

    return model_load.shared_spacy_model(original)


def _gc_freeze(original: Callable) -> Callable:
    from runtime import gc_freeze, inprocess_actions

    package = _actions_package()
    return gc_freeze.after_loading(original, [lambda: inprocess_actions.preload(package)])


def _shared_parse_cache() -> Any:
    """The parse cache of this installation (made once per ``install``), shared by the two parse paths."""
    from runtime import parse_cache

    if "parse_cache" not in _state:
        _state["parse_cache"] = parse_cache.ParseCache(
            parse_cache.configured_size(), parse_cache.configured_stats_every())
    return _state["parse_cache"]


def _parse_cache(original: Callable) -> Callable:
    from runtime import parse_cache

    return parse_cache.cached_parse(original, _shared_parse_cache())


def _nlu_batch(original: Callable) -> Callable:
    from runtime import nlu_batch, parse_cache

    cache = _shared_parse_cache()
    batcher_for = nlu_batch.batcher_factory(
        nlu_batch.configured_size(),
        lambda processor, request: parse_cache.lookup(cache, processor, request.message,
                                                      request.only_output_properties),
        lambda processor, request, parse_data: parse_cache.remember(
            cache, processor, request.message, request.only_output_properties, parse_data))
    return nlu_batch.batched_parse_message(original, batcher_for, nlu_batch.rasa_finish)


def _batched_process(original: Callable) -> Callable:
    from runtime import batch_inference

    return batch_inference.batched_process(original)


def _precomputed_predict(original: Callable) -> Callable:
    from runtime import batch_inference

    return batch_inference.precomputed_predict(original)


def _piped_spacy(original: Callable) -> Callable:
    from runtime import batch_inference

    return batch_inference.piped_spacy_process(original)


def _sequential_run(original: Callable) -> Callable:
    from runtime import graph_runner

    return graph_runner.sequential_run(original)


def _empty_memo(original: Callable) -> Callable:
    from runtime import policy_shortcuts

    return policy_shortcuts.empty_memo_shortcut(original)


def _constant_empty_domain(original: Callable) -> Callable:
    from runtime import policy_shortcuts

    return policy_shortcuts.constant_empty_domain(original)


def _batches_on() -> bool:
    return int(settings.get("NLU_BATCH_SIZE")) > 1


def _event_types(original: Callable) -> Callable:
    from runtime import event_types

    return event_types.cached_resolve_by_type(original)


def _admission(original: Callable) -> Callable:
    from runtime import admission

    return admission.limited(original, admission.Admission(admission.configured_limit()))


def _capped_expiry(original: Callable) -> Callable:
    from runtime import turn_cap

    return turn_cap.capped_expiry(original, int(settings.get("MAX_TURNS")))


def _notifying_update(original: Callable) -> Callable:
    from runtime import turn_cap

    return turn_cap.notifying_update(original, int(settings.get("MAX_TURNS")))


_ACTION = "rasa.core.actions.action"
_PROCESSOR = "rasa.core.processor:MessageProcessor"
_EVENTS = "rasa.shared.core.events"
_CONSTANTS = "rasa.shared.core.constants"
_DIET = "rasa.nlu.classifiers.diet_classifier"
_MEMO = "rasa.core.policies.memoization"

CHANGES: Tuple[Change, ...] = (
    Change(f"{_ACTION}:RemoteAction._validate_action_result", _validation,
           "action-server answers checked by a validator built once",
           uses=(f"{_ACTION}:RemoteAction.action_response_format_spec",
                 "rasa.shared.constants:DOCS_BASE_URL")),
    Change(f"{_ACTION}:RemoteAction.run", _action_run,
           "custom actions in the server (ACTIONS_IN_PROCESS=1) or over HTTP; time limit, apology",
           uses=(f"{_ACTION}:RemoteAction._action_call_format", f"{_ACTION}:RemoteAction._utter_responses",
                 f"{_ACTION}:RemoteAction.name", f"{_ACTION}:ActionExecutionRejection",
                 f"{_ACTION}:create_bot_utterance", f"{_EVENTS}:deserialise_events", f"{_EVENTS}:ActiveLoop",
                 f"{_EVENTS}:SlotSet", f"{_EVENTS}:FollowupAction", f"{_CONSTANTS}:ACTION_LISTEN_NAME",
                 f"{_CONSTANTS}:REQUESTED_SLOT", f"{_CONSTANTS}:ACTION_VALIDATE_SLOT_MAPPINGS",
                 "rasa.shared.exceptions:RasaException", "rasa_sdk.executor:ActionExecutor.run",
                 "rasa_sdk.executor:ActionExecutor.register_package",
                 "rasa_sdk:ActionExecutionRejection")),
    Change("rasa.utils.tensorflow.models:RasaModel.load", _lean_load,
           "model loaded for prediction only (no training step at load)",
           uses=("rasa.utils.tensorflow.models:RasaModel.run_inference",
                 "rasa.utils.tensorflow.models:RasaModel.load_weights",
                 "rasa.utils.tensorflow.models:RasaModel.prepare_for_predict")),
    Change("rasa.nlu.utils.spacy_utils:SpacyNLP.load_model", _shared_spacy, "one spaCy pipeline per name"),
    Change("rasa.core.run:load_agent_on_start", _gc_freeze,
           "objects of the loaded server frozen for the garbage collector; actions/ imported at start"),
    Change(f"{_PROCESSOR}._parse_message_with_graph", _parse_cache,
           "NLU results of identical messages kept (hash-keyed, no text)",
           active=lambda: int(settings.get("PARSE_CACHE_SIZE")) > 0),
    Change(f"{_PROCESSOR}.parse_message", _nlu_batch,
           "messages that arrive together are understood in one NLU graph run, in a worker thread",
           uses=(f"{_PROCESSOR}._parse_message_with_graph", f"{_PROCESSOR}._update_full_retrieval_intent",
                 f"{_PROCESSOR}._check_for_unseen_features",
                 "rasa.engine.runner.dask:DaskGraphRunner.run",
                 "rasa.shared.core.trackers:DialogueStateTracker.from_events"),
           active=_batches_on),
    Change(f"{_DIET}:DIETClassifier.process", _batched_process,
           "the intent classifier's network runs once per batch of messages",
           uses=(f"{_DIET}:DIETClassifier._create_model_data",
                 "rasa.utils.tensorflow.models:RasaModel.run_inference",
                 "rasa.utils.tensorflow.model_data:RasaModelData.number_of_examples"),
           active=_batches_on),
    Change(f"{_DIET}:DIETClassifier._predict", _precomputed_predict,
           "a message of a batch gets its row of the batch's output", active=_batches_on),
    Change("rasa.nlu.selectors.response_selector:ResponseSelector.process", _batched_process,
           "the FAQ selector's network runs once per batch of messages", active=_batches_on),
    Change("rasa.nlu.utils.spacy_utils:SpacyNLP.process", _piped_spacy,
           "spaCy parses the texts of a batch in one nlp.pipe call",
           uses=("rasa.nlu.utils.spacy_utils:SpacyNLP._preprocess_text",
                 "rasa.nlu.constants:DENSE_FEATURIZABLE_ATTRIBUTES", "rasa.nlu.constants:SPACY_DOCS"),
           active=_batches_on),
    Change("rasa.shared.nlu.training_data.features:Features._combine_sparse_features", _sparse_combine,
           "two sparse feature blocks joined directly, as scipy's hstack joins them",
           uses=("scipy.sparse:coo_matrix", "scipy.sparse._sputils:get_index_dtype",
                 "scipy.sparse._sputils:upcast")),
    Change("rasa.nlu.selectors.response_selector:ResponseSelector._resolve_intent_response_key",
           _response_keys, "the FAQ selector resolves each label's response key once"),
    Change("rasa.engine.runner.dask:DaskGraphRunner.run", _sequential_run,
           "the prediction graph runs its nodes in an order planned once, without dask's scheduler",
           uses=("rasa.engine.runner.dask:DaskGraphRunner._instantiate_nodes",
                 "rasa.engine.graph:GraphSchema.minimal_graph_schema",
                 "rasa.engine.exceptions:GraphRunError")),
    Change(f"{_MEMO}:MemoizationPolicy.predict_action_probabilities", _empty_memo,
           "a memoization policy with nothing memorised predicts nothing without building states",
           uses=(f"{_MEMO}:MemoizationPolicy.recall", f"{_MEMO}:MemoizationPolicy._prediction",
                 f"{_MEMO}:MemoizationPolicy._default_predictions")),
    Change("rasa.shared.core.domain:Domain.is_empty", _constant_empty_domain,
           "the empty domain's dictionary made once, not for every parsed message",
           uses=("rasa.shared.core.domain:Domain.empty", "rasa.shared.core.domain:Domain.as_dict")),
    Change(f"{_EVENTS}:Event.resolve_by_type", _event_types, "event classes looked up from a table"),
    Change(f"{_PROCESSOR}.handle_message", _admission,
           "a limit on messages in progress, served in arrival order",
           active=lambda: int(settings.get("MAX_CONCURRENT_MESSAGES")) > 0),
    Change(f"{_PROCESSOR}._has_session_expired", _capped_expiry,
           "at most MAX_TURNS user messages per session",
           uses=(f"{_CONSTANTS}:ACTION_SESSION_START_NAME", f"{_EVENTS}:ActionExecuted",
                 f"{_EVENTS}:UserUttered")),
    Change(f"{_PROCESSOR}._update_tracker_session", _notifying_update,
           "a short notice when MAX_TURNS starts a new session"),
    Change("rasa.core.policies.policy:Policy._prediction_states", _history_window,
           "the rule policy reads the newest actions of a conversation, not the whole session",
           uses=("rasa.core.policies.rule_policy:RulePolicy",
                 "rasa.core.policies.memoization:MemoizationPolicy",
                 "rasa.shared.core.trackers:DialogueStateTracker", f"{_CONSTANTS}:ACTION_LISTEN_NAME",
                 *(f"{_EVENTS}:{name}" for name in (
                     "ActionExecuted", "ActionReverted", "ActiveLoop", "AllSlotsReset", "Restarted",
                     "SessionStarted", "SlotSet", "UserUtteranceReverted", "UserUttered")))),
    Change("rasa.core.policies.rule_policy:RulePolicy._get_possible_keys", _rule_index,
           "the rule policy checks only the rules whose newest state can match the conversation's",
           uses=("rasa.core.policies.rule_policy:RulePolicy._rule_key_to_state",
                 "rasa.core.policies.rule_policy:RulePolicy._is_rule_applicable",
                 f"{_CONSTANTS}:PREVIOUS_ACTION", f"{_CONSTANTS}:SHOULD_NOT_BE_SET", f"{_CONSTANTS}:USER",
                 "rasa.shared.nlu.constants:ACTION_NAME", "rasa.shared.nlu.constants:INTENT")),
    Change("rasa.shared.core.trackers:DialogueStateTracker.copy", _tracker_copy,
           "a tracker is copied from its state, not by replaying every event",
           uses=("rasa.shared.core.trackers:DialogueStateTracker.init_copy",
                 "rasa.shared.core.trackers:DialogueStateTracker.travel_back_in_time",
                 "rasa.shared.constants:DEFAULT_SENDER_ID")),
    Change("rasa.shared.core.trackers:DialogueStateTracker.applied_events", _applied_events,
           "the events that count are found by walking only the events added since the last time",
           uses=tuple(f"rasa.shared.core.trackers:DialogueStateTracker.{name}" for name in (
               "_undo_till_previous", "_first_loop_execution_or_unhappy_path",
               "_undo_till_previous_loop_execution"))),
    Change("rasa.shared.core.trackers:DialogueStateTracker.current_state", _event_dicts,
           "an action call reuses the dictionaries of the events saved before",
           uses=("rasa.shared.core.trackers:EventVerbosity",)),
)


# --- resolving, installing, undoing ---------------------------------------------------------

def supported(version: str) -> bool:
    """Whether the changes were written for this Rasa version (3.6.x).

    Args:
        version: A Rasa version string, e.g. ``3.6.21``.
    """
    return version.startswith(SUPPORTED_SERIES)


def switched_on(environ: Optional[Dict[str, str]] = None) -> bool:
    """Whether the changes may be installed: ``RASA_PATCHES`` is unset or not 0/false/no/off.

    Args:
        environ: The environment; ``os.environ`` when None.
    """
    return bool(settings.get(SWITCH_ENV, environ))


def _resolve(target: str) -> Tuple[Any, str]:
    """The object that holds ``target``'s last name, and that name.

    Raises:
        ImportError, AttributeError: A module or name is missing.
    """
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attribute = path.split(".")
    for name in parents:
        owner = getattr(owner, name)
    return owner, attribute


def _raw(owner: Any, attribute: str) -> Any:
    """The member as stored (a class's own ``__dict__`` keeps classmethod and staticmethod wrappers)."""
    if isinstance(owner, type):
        if attribute not in vars(owner):
            raise AttributeError(f"{owner.__name__} does not define {attribute} itself")
        return vars(owner)[attribute]
    return getattr(owner, attribute)


def missing_names(changes: Tuple[Change, ...] = CHANGES) -> List[str]:
    """Every target and used name of ``changes`` that this Rasa / rasa-sdk does not have.

    Args:
        changes: The changes to check.

    Returns:
        The missing names with the reason, empty when all are there.
    """
    missing = []
    for change in changes:
        for index, name in enumerate((change.target, *change.uses)):
            try:
                owner, attribute = _resolve(name)
                if index == 0:
                    _raw(owner, attribute)
                else:
                    getattr(owner, attribute)
            except (ImportError, AttributeError) as error:
                missing.append(f"{name} ({error})")
    return missing


def installed() -> bool:
    """Whether the changes are installed in this process."""
    return bool(_installed)


def original(key: str) -> Callable:
    """Rasa's own function behind ``key`` (e.g. ``RemoteAction.run``), installed or not.

    Args:
        key: ``Class.member`` or the function's name, as in ``Change.key``.

    Raises:
        KeyError: No change has this key.
    """
    for done in _installed:
        if done.key == key:
            return _function(done.raw)
    for change in CHANGES:
        if change.key == key:
            return _function(_raw(*_resolve(change.target)))
    raise KeyError(key)


def _function(raw: Any) -> Callable:
    return raw.__func__ if isinstance(raw, classmethod | staticmethod) else raw


def _wrapped_like(raw: Any, function: Callable) -> Any:
    setattr(function, MARKER, True)
    if isinstance(raw, classmethod):
        return classmethod(function)
    if isinstance(raw, staticmethod):
        return staticmethod(function)
    return function


def install(version: Optional[str] = None, changes: Tuple[Change, ...] = CHANGES) -> bool:
    """Installs every change, or none: checked against the Rasa version and every name first.

    Installing twice changes nothing.

    Args:
        version: The Rasa version to check; the installed one when None (tests pass others).
        changes: The changes (tests pass their own).

    Returns:
        True when the changes are installed, False when they were left out (logged).
    """
    if not switched_on():
        logger.warning("changes to Rasa off (%s=0): Rasa runs as stock 3.6; every custom action goes to "
                       "the action server", SWITCH_ENV)
        return False
    if _installed:
        return True
    import rasa

    version = rasa.__version__ if version is None else version
    if not supported(version):
        logger.warning("changes to Rasa left out: written for Rasa 3.6.x, this is Rasa %s; it runs as stock "
                       "Rasa (custom actions over HTTP, no time limit of 1.5 s, no apology)", version)
        return False
    missing = missing_names(changes)
    if missing:
        logger.warning("changes to Rasa left out: this Rasa %s lacks %s; it runs as stock Rasa",
                       version, "; ".join(missing))
        return False
    stale = [change.key for change in changes
             if getattr(_function(_raw(*_resolve(change.target))), MARKER, False)]
    if stale:
        logger.warning("changes to Rasa left out: %s already replaced outside runtime.patches "
                       "(a leftover of a test?)", ", ".join(stale))
        return False
    from runtime import faults

    faults.configure()
    for change in changes:
        if not change.active():
            logger.info("left out (setting): %s", change.why)
            continue
        owner, attribute = _resolve(change.target)
        raw = _raw(owner, attribute)
        setattr(owner, attribute, _wrapped_like(raw, change.build(_function(raw))))
        _installed.append(_Installed(owner, attribute, raw, change.key))
        logger.info("changed %s: %s", change.key, change.why)
    logger.info("runtime changes active (%d of %d); action calls limited to %.1f s; custom actions %s",
                len(_installed), len(changes), faults.timeout_s(),
                "in the Rasa server (ACTIONS_IN_PROCESS=1)" if settings.get("ACTIONS_IN_PROCESS")
                else "on the action server (ACTIONS_IN_PROCESS=0)")
    return True


def uninstall() -> None:
    """Puts every original member of Rasa back, newest change first (tests; nothing else needs it)."""
    while _installed:
        done = _installed.pop()
        setattr(done.owner, done.attribute, done.raw)
    _state.clear()
