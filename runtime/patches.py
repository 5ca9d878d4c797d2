"""Installs the runtime patches into Rasa 3.6.x (checked against 3.6.21), only on that series.

Why: see ``runtime/__init__.py``. The patches replace two members of
``rasa.core.actions.action.RemoteAction``: ``_validate_action_result``
(``runtime.validation``) and ``run`` (``runtime.local_actions`` first, then
``runtime.inprocess_actions``, which runs the actions of ``actions/`` in the
server, or, for any other action or with ``ACTIONS_IN_PROCESS=0``, the
original ``run`` inside ``runtime.admission`` and ``runtime.faults``). They also
wrap ``RasaModel.load`` and ``SpacyNLP.load_model`` (``runtime.model_load``),
``rasa.core.run.load_agent_on_start`` (``runtime.gc_freeze``),
``MessageProcessor`` (``runtime.parse_cache``, ``runtime.admission``, ``runtime.turn_cap``),
``Event.resolve_by_type`` (``runtime.event_types``) and ``Policy._prediction_states``
(``runtime.history_window``). Installing twice changes
nothing. ``RASA_PATCHES=0`` is the switch that turns all of them off. On another
Rasa version, or when a member is missing, nothing is patched and a warning is
logged: the assistant then behaves as stock Rasa.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Dict, Mapping, Optional

logger = logging.getLogger(__name__)

SUPPORTED_SERIES = "3.6."
# The switch: RASA_PATCHES=0 (or false/no/off) installs none of the patches; Rasa then runs
# as stock 3.6 (actions over HTTP to the action server, no parse cache, no turn cap ...).
SWITCH_ENV = "RASA_PATCHES"
OFF_VALUES = frozenset({"0", "false", "no", "off"})
MARKER = "_bvo_runtime_patch"
PATCHED = ("run", "_validate_action_result")
# Who runs an action of actions/ with ACTIONS_IN_PROCESS=1 (log line of a failure).
IN_PROCESS_RUNNER = "the Rasa server (actions/ in process)"
# Rasa's own members, kept when they are replaced (tests and bench/validation.py compare).
_originals: Dict[str, Callable] = {}


def supported(version: str) -> bool:
    """Whether the patches were written for this Rasa version (3.6.x).

    Args:
        version: A Rasa version string, e.g. ``3.6.21``.

    Returns:
        True for 3.6.x.
    """
    return version.startswith(SUPPORTED_SERIES)


def switched_on(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether the patches may be installed: ``RASA_PATCHES`` is unset or not 0/false/no/off.

    Args:
        environ: The environment; ``os.environ`` when None.
    """
    value = (os.environ if environ is None else environ).get(SWITCH_ENV, "").strip().lower()
    return value not in OFF_VALUES


def _marked(function: Callable) -> Callable:
    setattr(function, MARKER, True)
    return function


def installed() -> bool:
    """Whether both patches are active in this process."""
    from rasa.core.actions.action import RemoteAction

    return all(getattr(getattr(RemoteAction, name, None), MARKER, False) for name in PATCHED)


def original(name: str) -> Callable:
    """Rasa's own ``RemoteAction`` member ``name``, patched or not.

    Args:
        name: ``run`` or ``_validate_action_result``.

    Returns:
        The function as Rasa defines it.
    """
    from rasa.core.actions.action import RemoteAction

    return _originals.get(name) or getattr(RemoteAction, name)


def install(version: Optional[str] = None) -> bool:
    """Patches ``RemoteAction`` for speed (validation, local actions) and faults (timeout, apology).

    Args:
        version: The Rasa version to check; the installed one when None (tests pass others).

    Returns:
        True when the patches are active, False when they were skipped.
    """
    if not switched_on():
        logger.warning("runtime patches off (%s=0): Rasa runs as stock 3.6; every custom action goes to "
                       "the action server", SWITCH_ENV)
        return False
    import rasa
    from rasa.core.actions.action import RemoteAction

    from runtime import faults, inprocess_actions, local_actions, validation

    version = rasa.__version__ if version is None else version
    if not supported(version):
        logger.warning("runtime patches skipped: written for Rasa 3.6.x, this is Rasa %s; action-server "
                       "answers are validated as in stock Rasa and calls have no short timeout", version)
        return False
    missing = [name for name in ("run", "_validate_action_result", "action_response_format_spec")
               if not hasattr(RemoteAction, name)]
    if missing:
        logger.warning("runtime patches skipped: RemoteAction has no %s", ", ".join(missing))
        return False
    install_model_load()
    _install_parse_cache()
    _install_event_types()
    _install_admission()
    _install_turn_cap()
    _install_history_window()
    if installed():
        return True
    for name in PATCHED:
        _originals[name] = getattr(RemoteAction, name)
    RemoteAction._validate_action_result = _marked(validation.validate_action_result)
    package = inprocess_actions.InProcessActions()
    _install_gc_freeze(lambda: inprocess_actions.preload(package))
    RemoteAction.run = _marked(action_run(RemoteAction.run, package))
    timeout = faults.configure()
    logger.info("runtime patches active: action answers validated by a prebuilt validator; "
                "action calls limited to %.1f s, %s when an action fails; run in the server: %s; %s",
                timeout, faults.RESPONSE, ", ".join(sorted(local_actions.LOCAL_ACTIONS)),
                f"the actions of {package.package}/ ({inprocess_actions.ENV}=1)"
                if inprocess_actions.enabled()
                else f"none of {package.package}/ ({inprocess_actions.ENV}=0: all on the action server)")
    return True


def action_run(original: Callable, package: Any) -> Callable:
    """The patched ``RemoteAction.run``: local actions, then the package in process, else HTTP.

    Args:
        original: Rasa's ``RemoteAction.run`` (HTTP to the action server).
        package: The ``runtime.inprocess_actions.InProcessActions`` to run in process.

    Returns:
        ``local_first`` over ``route``: in process with the time limit and the apology
        (``runtime.faults``), or over HTTP with them, with the action server's token
        (``runtime.action_token``) and outside the admission limit while slow
        (``runtime.admission``).
    """
    from runtime import action_token, admission, faults, inprocess_actions, local_actions

    in_process = faults.guarded_run(inprocess_actions.in_process_run(package), runner=IN_PROCESS_RUNNER)
    over_http = admission.outside_limit(faults.guarded_run(action_token.with_token(original)))
    return local_actions.local_first(inprocess_actions.route(in_process, over_http, package))


def install_model_load() -> None:
    """Replaces ``RasaModel.load`` and ``SpacyNLP.load_model`` by ``runtime.model_load`` once.

    Must run before the model is loaded; ``rasa run`` loads it when the server
    starts, after the channels (which call ``install``) built their routes.
    """
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    from runtime import model_load

    if getattr(RasaModel.load, MARKER, False):
        return
    _originals["RasaModel.load"] = RasaModel.load.__func__
    _originals["SpacyNLP.load_model"] = SpacyNLP.load_model
    RasaModel.load = classmethod(_marked(model_load.lean_load(RasaModel.load.__func__)))
    SpacyNLP.load_model = staticmethod(_marked(model_load.shared_spacy_model(SpacyNLP.load_model)))
    logger.info("model loaded for prediction only: no training step at load, one spaCy pipeline per name")


def _install_gc_freeze(*prepare: Callable[[], object]) -> None:
    """Wraps ``rasa.core.run.load_agent_on_start`` with ``runtime.gc_freeze`` once.

    ``rasa run`` looks the function up when it registers its listener, after the
    channels (which call ``install``) built their routes.

    Args:
        *prepare: Run after the model is loaded, before the freeze.
    """
    import rasa.core.run

    from runtime import gc_freeze

    current = rasa.core.run.load_agent_on_start
    if getattr(current, MARKER, False):
        return
    _originals["load_agent_on_start"] = current
    rasa.core.run.load_agent_on_start = _marked(gc_freeze.after_loading(current, prepare))


def _install_parse_cache() -> None:
    """Wraps ``MessageProcessor._parse_message_with_graph`` with ``runtime.parse_cache`` once."""
    from rasa.core.processor import MessageProcessor

    from runtime import parse_cache

    current = getattr(MessageProcessor, "_parse_message_with_graph", None)
    if current is None or getattr(current, MARKER, False):
        return
    size = parse_cache.configured_size()
    if size <= 0:
        logger.info("NLU parse cache off (%s=0)", parse_cache.SIZE_VARIABLE)
        return
    _originals["_parse_message_with_graph"] = current
    MessageProcessor._parse_message_with_graph = _marked(
        parse_cache.cached_parse(current, parse_cache.ParseCache(size)))
    logger.info("NLU parse cache active: %d results of identical messages (hash-keyed, no text kept)", size)


def _install_event_types() -> None:
    """Replaces ``Event.resolve_by_type`` by ``runtime.event_types`` once."""
    from rasa.shared.core.events import Event

    from runtime import event_types

    current = Event.resolve_by_type
    if getattr(current, MARKER, False):
        return
    _originals["resolve_by_type"] = current
    Event.resolve_by_type = staticmethod(_marked(event_types.cached_resolve_by_type(current)))
    logger.info("event classes looked up from a table (runtime.event_types)")


def _install_admission() -> None:
    """Wraps ``MessageProcessor.handle_message`` with ``runtime.admission`` once (unless the limit is 0)."""
    from rasa.core.processor import MessageProcessor

    from runtime import admission

    current = MessageProcessor.handle_message
    if getattr(current, MARKER, False):
        return
    limit = admission.configured_limit()
    if limit == 0:
        logger.info("no limit on messages in progress (%s=0)", admission.LIMIT_VARIABLE)
        return
    _originals["handle_message"] = current
    MessageProcessor.handle_message = _marked(admission.limited(current, admission.Admission(limit)))
    logger.info("at most %d messages in progress per process, the others wait in arrival order", limit)


def _install_turn_cap() -> None:
    """Wraps ``MessageProcessor``'s session check with ``runtime.turn_cap`` once (``MAX_TURNS``)."""
    from rasa.core.processor import MessageProcessor

    from privacy.settings import max_turns
    from runtime import turn_cap

    expiry = MessageProcessor._has_session_expired
    update = MessageProcessor._update_tracker_session
    if getattr(expiry, MARKER, False):
        return
    limit = max_turns()
    _originals["_has_session_expired"] = expiry
    _originals["_update_tracker_session"] = update
    MessageProcessor._has_session_expired = _marked(turn_cap.capped_expiry(expiry, limit))
    MessageProcessor._update_tracker_session = _marked(turn_cap.notifying_update(update, limit))
    logger.info("a session holds at most %d user messages; the next starts a new one", limit)


def _install_history_window() -> None:
    """Wraps ``Policy._prediction_states`` with ``runtime.history_window`` once."""
    from rasa.core.policies.policy import Policy

    from runtime import history_window

    current = Policy._prediction_states
    if getattr(current, MARKER, False):
        return
    _originals["_prediction_states"] = current
    Policy._prediction_states = _marked(history_window.windowed_prediction_states(current))
    logger.info("the rule policy (and a memoization policy that learned nothing) reads the newest actions "
                "of a conversation, its longest rule + %d, not the whole session (runtime.history_window)",
                history_window.MARGIN_ACTIONS + 1)
