"""The custom actions of ``actions/`` run inside the Rasa server, with the Rasa SDK's own executor.

Every custom action of this assistant is pure Python on the conversation and the
domain: no network, no files, no database. Over HTTP each call costs the tracker
and the whole domain (about 96 KB) encoded to JSON, a request to the action
server, the JSON decoded there and the answer encoded and decoded again; under
load the message also waits for the action server's turn on the CPU. With
``ACTIONS_IN_PROCESS=1`` (the default) the Rasa server hands the same request
body, as Python objects, to ``rasa_sdk.executor.ActionExecutor.run`` (the code
behind the action server's ``/webhook``) and treats its answer as
``RemoteAction.run`` treats the action server's: responses through
``_utter_responses``, events through ``deserialise_events`` (the JSON-schema check
of a foreign server's answer is left out, see ``in_process_run``). The time limit and
the apology of ``runtime.faults`` apply as before (an action that raises is a
failed call). ``ACTIONS_IN_PROCESS=0`` sends every call to the action server again:
one way per deployment, chosen when ``runtime.patches`` installs the changes.

Isolation: the request body is made from the tracker for this one call, but
the latest message and the slot values in it are the tracker's own objects, and
the domain dictionary is shared by all calls; they are deep-copied (small) or
passed read-only (the domain: no action writes to it, ``tests/test_inprocess_actions.py``
checks that running every action leaves tracker and domain unchanged).
"""

from __future__ import annotations

import copy
import importlib
import logging
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Mapping, Optional

import settings

if TYPE_CHECKING:
    from rasa.core.channels.channel import OutputChannel
    from rasa.core.nlg import NaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    from runtime.faults import RunMethod

logger = logging.getLogger(__name__)

ENV = "ACTIONS_IN_PROCESS"
PACKAGE = "actions"


def enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Reads ``ACTIONS_IN_PROCESS``: on unless it is 0/false/no/off (an unknown value keeps it on, logged).

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        Whether the Rasa server runs the custom actions itself.
    """
    return bool(settings.get(ENV, environ))


class ActionsUnavailable(RuntimeError):
    """The actions package could not be imported (reported once; every call then fails)."""


class InProcessActions:
    """The Rasa SDK executor with the actions of one package, called without HTTP.

    The package is imported by ``preload`` once the model is loaded (or at the
    first call), so installing the patches imports no action code.
    """

    def __init__(self, package: str = PACKAGE) -> None:
        """Remembers the package; nothing is imported yet.

        Args:
            package: The actions package, as ``rasa run actions --actions`` takes it.
        """
        self.package = package
        self._executor: Any = None
        self._error: Optional[str] = None

    @property
    def executor(self) -> Any:
        """The ``ActionExecutor`` with the package's actions registered (imported on first use).

        Raises:
            ActionsUnavailable: The package could not be imported (now or before).
        """
        if self._error is not None:
            raise ActionsUnavailable(self._error)
        if self._executor is None:
            from rasa_sdk.executor import ActionExecutor

            executor = ActionExecutor()
            try:
                # Imported here first, so that the reason (e.g. the guidance registry's
                # problems, actions/__init__.py) is in the one log line of ``preload``.
                importlib.import_module(self.package)
                executor.register_package(self.package)
            except ImportError as error:
                reason = " ".join(line.strip() for line in str(error).splitlines())  # one log line
                self._error = f"{self.package}/ could not be imported: {reason}"
                raise ActionsUnavailable(self._error) from error
            # The SDK logs an ImportError with its traceback and calls sys.exit(1), which
            # would end the whole Rasa server here (FAQ answers included).
            except (SystemExit, Exception) as error:  # noqa: BLE001
                self._error = f"{self.package}/ could not be imported ({error!r}; the log above says why)"
                raise ActionsUnavailable(self._error) from error
            self._executor = executor
        return self._executor

    @property
    def names(self) -> FrozenSet[str]:
        """The names of the package's actions.

        Raises:
            ActionsUnavailable: The package could not be imported.
        """
        return frozenset(self.executor.actions)

    async def call(self, body: Dict[str, Any], action_name: str) -> Dict[str, Any]:
        """Runs one action call; errors become the exceptions ``RemoteAction.run`` raises for HTTP errors.

        Args:
            body: The request body (``RemoteAction._action_call_format``).
            action_name: The action's name (for the errors).

        Returns:
            The answer: ``{"events": [...], "responses": [...]}``.

        Raises:
            ActionExecutionRejection: The action rejected the call (HTTP 400 on the action server).
            RasaException: Any other failure (HTTP 500 or 404 on the action server).
        """
        from rasa.core.actions.action import ActionExecutionRejection
        from rasa.shared.exceptions import RasaException
        from rasa_sdk import ActionExecutionRejection as SdkRejection

        try:
            response = await self.executor.run(body)
        except ActionsUnavailable as error:
            raise RasaException(f"Failed to execute custom action '{action_name}': {error}") from error
        except SdkRejection as rejection:
            raise ActionExecutionRejection(rejection.action_name, rejection.message) from rejection
        except Exception as error:  # noqa: BLE001 - as the action server's 500
            raise RasaException(f"Failed to execute custom action '{action_name}': {error!r}") from error
        if response is None:
            raise RasaException(f"Failed to execute custom action '{action_name}': no answer")
        return response


def preload(actions: InProcessActions) -> bool:
    """Imports the actions package now (server start) instead of at the first action call.

    The first user of a flow then does not wait for the import, and a package that
    cannot be imported (``actions/__init__.py`` checks the guidance registry) is
    reported at start. It is not fatal: FAQ answers need no action, and every
    action call then fails into the apology of ``runtime.faults``, as when the
    action server cannot start.

    Args:
        actions: The package's actions.

    Returns:
        Whether the package could be imported (always True with ``ACTIONS_IN_PROCESS=0``,
        which imports nothing).
    """
    if not enabled():
        return True
    try:
        count = len(actions.names)
    except ActionsUnavailable as error:
        logger.error("the actions of %s/ cannot be loaded, so every flow will answer with the apology: %s",
                     actions.package, error)
        return False
    logger.info("%d actions of %s/ loaded in the Rasa server", count, actions.package)
    return True


def request_body(action: Any, tracker: DialogueStateTracker, domain: Domain) -> Dict[str, Any]:
    """The action call as Rasa sends it; the tracker's own objects that an action could change are copied.

    Args:
        action: The ``RemoteAction``.
        tracker: The conversation.
        domain: The model's domain.

    Returns:
        The request body.
    """
    body = action._action_call_format(tracker, domain)
    state = body["tracker"]
    state["latest_message"] = plain_copy(state.get("latest_message"))
    state["slots"] = plain_copy(state.get("slots"))
    return body


_IMMUTABLE = (str, int, float, bool, type(None))


def plain_copy(value: Any) -> Any:
    """A deep copy of JSON-like data (what the action server gets as JSON), without ``copy.deepcopy``'s cost.

    ``copy.deepcopy`` of the newest message's parse data (intent ranking, FAQ
    ranking) was about a tenth of the event loop's time at 50 users. Dictionaries
    and lists are copied, strings and numbers kept; anything else (a tuple, a
    numpy number) goes to ``copy.deepcopy``.

    Args:
        value: The data.

    Returns:
        An equal copy that shares no dictionary or list with ``value``.
    """
    kind = type(value)
    if kind is dict:
        return {key: plain_copy(item) for key, item in value.items()}
    if kind is list:
        return [plain_copy(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


def in_process_run(actions: InProcessActions) -> RunMethod:
    """A ``RemoteAction.run`` that runs the action with the SDK executor in this process.

    Args:
        actions: The executor with this assistant's actions.

    Returns:
        The ``run`` (for the actions in ``actions.names``).
    """
    from rasa.shared.core import events as rasa_events

    async def run(self: Any, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
                  tracker: DialogueStateTracker, domain: Domain) -> List[Event]:
        """Runs the action here and reads its answer as ``RemoteAction.run`` reads the action server's."""
        # No JSON-schema check of the answer (``runtime.validation``, 3 ms for a form step's
        # answer, 40% of that step): it guards against a foreign server's JSON; here the
        # SDK's executor made the answer from this package's events and already dropped
        # any event that is not a dictionary (``ActionExecutor.validate_events``).
        response = await actions.call(request_body(self, tracker, domain), self.name())
        responses = response.get("responses", [])
        bot_messages = await self._utter_responses(responses, output_channel, nlg, tracker)
        return list(bot_messages) + rasa_events.deserialise_events(response.get("events", []))

    return run
