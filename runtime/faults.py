"""Action server down, slow or failing: a time limit per call and a short apology instead of silence.

Stock Rasa 3.6 waits up to 5 minutes for the action server (``DEFAULT_REQUEST_TIMEOUT``,
far beyond the 60 s lifetime of the conversation lock) and, when the call fails, logs
the error, drops the action's events and sends nothing: the user gets an empty reply,
and a form stays active. ``guarded_run`` wraps ``RemoteAction.run``:

- the whole call is limited to ``ACTION_TIMEOUT_S`` seconds (default 1.5, so the
  answer comes within 2 s; at most ``MAX_TIMEOUT_S``);
- when the call times out or fails (no connection, HTTP error, an answer that is not
  valid), the action's events are the response ``utter_action_unavailable`` (a short
  apology with the main official link, domain.yml), the end of an active form
  with the flow slots cleared, and ``FollowupAction(action_listen)``: the turn ends
  and the assistant waits for the user, so nobody is stuck in a form it cannot run;
- a rejection by the action server (HTTP 400, ``ActionExecutionRejection``) is an
  answer, not a fault, and is raised as before;
- the actions of custom slot mappings (run by ``action_extract_slots`` on every
  message) keep stock behaviour (``RasaException``, logged and ignored by Rasa), so
  an action server outage never adds an apology to an answer that needs no action.

FAQ answers (``utter_faq``) and other responses need no custom action. With
``ACTIONS_IN_PROCESS=1`` the custom actions run in the server
(``runtime.inprocess_actions``) inside this same wrapper.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Awaitable, Callable, List, Mapping, Optional, Set

import settings

if TYPE_CHECKING:
    from rasa.core.channels.channel import OutputChannel
    from rasa.core.nlg import NaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

RESPONSE = "utter_action_unavailable"
TIMEOUT_ENV = "ACTION_TIMEOUT_S"
# Default 1.5 s; at most 15 s, a quarter of Rasa's conversation lock lifetime (60 s): settings/catalogue.py.
DEFAULT_TIMEOUT_S = settings.setting(TIMEOUT_ENV).default
MAX_TIMEOUT_S = settings.setting(TIMEOUT_ENV).high
# Slots of the next-steps flows that are not form slots (actions/flows.py FLOW_SLOTS);
# cleared with the forms' own slots when a call fails, as the closing actions would.
FLOW_SLOTS = ("flow", "flow_exit")

RunMethod = Callable[..., Awaitable[List["Event"]]]

_timeout_s = DEFAULT_TIMEOUT_S


def timeout_from_env(environ: Optional[Mapping[str, str]] = None) -> float:
    """Reads ``ACTION_TIMEOUT_S``; a missing, invalid or out-of-range value gives the default (logged).

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        Seconds, more than 0 and at most ``MAX_TIMEOUT_S``.
    """
    return float(settings.get(TIMEOUT_ENV, environ))


def configure(timeout_s: Optional[float] = None) -> float:
    """Sets the time limit of action calls: ``timeout_s``, else from the environment.

    Args:
        timeout_s: Seconds; None reads ``ACTION_TIMEOUT_S``.

    Returns:
        The time limit now in force.
    """
    global _timeout_s
    _timeout_s = timeout_from_env() if timeout_s is None else timeout_s
    return _timeout_s


def timeout_s() -> float:
    """The time limit of one action call, in seconds."""
    return _timeout_s


def slot_mapping_actions(domain: Domain) -> Set[str]:
    """Actions that ``action_extract_slots`` calls (custom slot mappings, slot validation).

    Args:
        domain: The model's domain.

    Returns:
        Their names.
    """
    from rasa.shared.core.constants import ACTION_VALIDATE_SLOT_MAPPINGS

    names = {ACTION_VALIDATE_SLOT_MAPPINGS}
    for slot in domain.slots:
        names.update(mapping["action"] for mapping in slot.mappings if mapping.get("action"))
    return names


def reset_events(tracker: DialogueStateTracker, domain: Domain) -> List[Event]:
    """Ends an active form and clears the slots of all forms and flows that hold a value.

    Args:
        tracker: The conversation.
        domain: The model's domain.

    Returns:
        ``ActiveLoop(None)`` if a form is active, then one ``SlotSet(slot, None)`` per slot to clear.
    """
    from rasa.shared.core.constants import REQUESTED_SLOT
    from rasa.shared.core.events import ActiveLoop, SlotSet

    events: List[Event] = [ActiveLoop(None)] if tracker.active_loop_name else []
    names = [REQUESTED_SLOT, *(slot for form in domain.form_names
                               for slot in domain.required_slots_for_form(form)), *FLOW_SLOTS]
    for name in dict.fromkeys(names):
        if name in tracker.slots and tracker.slots[name].value is not None:
            events.append(SlotSet(name, None))
    return events


async def unavailable_events(output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
                             tracker: DialogueStateTracker, domain: Domain) -> List[Event]:
    """The events of an action the action server could not run: apology, form end, listen.

    Args:
        output_channel: The channel (its name selects channel-specific responses).
        nlg: Generates the response (in the conversation's language).
        tracker: The conversation.
        domain: The model's domain.

    Returns:
        ``BotUttered`` (``utter_action_unavailable``), the ``reset_events``, and
        ``FollowupAction(action_listen)``.
    """
    from rasa.core.actions.action import create_bot_utterance
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import FollowupAction

    events: List[Event] = []
    draft = await nlg.generate(RESPONSE, tracker, output_channel.name())
    if draft:
        draft["utter_action"] = RESPONSE
        events.append(create_bot_utterance(draft))
    else:
        logger.error("response %s is not in the model's domain: train the model again", RESPONSE)
    return events + reset_events(tracker, domain) + [FollowupAction(ACTION_LISTEN_NAME)]


def guarded_run(original: RunMethod, runner: str = "action server") -> RunMethod:
    """Wraps ``RemoteAction.run`` (Rasa 3.6) with the time limit and the apology.

    Args:
        original: Rasa's ``RemoteAction.run`` (or ``runtime.inprocess_actions``'s run).
        runner: Who runs the action, for the log line of a failure.

    Returns:
        The replacement ``run``.
    """
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.exceptions import RasaException

    async def run(self: Any, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
                  tracker: DialogueStateTracker, domain: Domain) -> List[Event]:
        """Runs the custom action within the time limit; the apology's events when it fails."""
        limit = timeout_s()
        try:
            return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), limit)
        except ActionExecutionRejection:
            raise
        # Any failure of the call ends in the apology: stock Rasa would log it and send nothing.
        except Exception as error:  # noqa: BLE001
            reason = f"no answer within {limit} s" if isinstance(error, asyncio.TimeoutError) else repr(error)
            if self.name() in slot_mapping_actions(domain):
                raise RasaException(f"Failed to execute custom action '{self.name()}': {reason}") from error
            logger.error("%s could not run %s (%s); sending %s", runner, self.name(), reason, RESPONSE)
            return await unavailable_events(output_channel, nlg, tracker, domain)

    run.__wrapped__ = original  # type: ignore[attr-defined]
    return run
