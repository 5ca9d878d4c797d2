"""Custom actions that the Rasa server runs itself, without a call to the action server.

``action_offer_feedback`` follows every FAQ answer (``data/rules``) and most of the
time sends nothing. Over HTTP each run costs the whole tracker serialised to
JSON, a round trip to the action server and the answer checked again; under
load the FAQ answer also waits for that round trip in the event loop's queue.
Its decision needs only the session's bot messages, so the server runs the
same function as the action server (``actions.feedback.offer_feedback``) on
them and turns what it sends into events exactly as ``RemoteAction`` does
(``RemoteAction._utter_responses``: same response, same buttons, same metadata).

``action_answer`` (actions/answer.py) answers every FAQ question, feeling and
urgent message; it needs the newest message's parse and the bot messages since
the previous user turn, so it runs here too: answers never wait for, or depend
on, the action server.

A local action that raises sends nothing (logged): the feedback question is
optional, and the FAQ answer before it goes out as it is. Only the answer
action, which must not leave a person without a reply, then sends the apology
of a failed action (``utter_action_unavailable``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List

from rasa_sdk.executor import CollectingDispatcher

from actions.answer import send_answer
from actions.feedback import offer_feedback

if TYPE_CHECKING:
    from rasa.core.channels.channel import OutputChannel
    from rasa.core.nlg import NaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    from runtime.faults import RunMethod

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class LocalState:
    """What a local action reads of the conversation.

    Attributes:
        events: Session starts, user turns (without text) and bot messages (with
            their metadata), as the action server would get them, oldest first.
        latest_message: The newest message's parse.
        language: The conversation's language (``nl`` or ``en``).
    """

    events: List[Dict[str, Any]]
    latest_message: Dict[str, Any]
    language: str


LocalAction = Callable[[CollectingDispatcher, LocalState], None]
LOCAL_ACTIONS: Dict[str, LocalAction] = {
    "action_offer_feedback": lambda dispatcher, state: offer_feedback(dispatcher, state.events),
    "action_answer": lambda dispatcher, state: send_answer(
        dispatcher, state.latest_message, state.events, state.language),
}
# A local action whose failure must not leave the person without a reply: it then
# sends the apology that a failed action server gives (runtime.faults).
ESSENTIAL = frozenset({"action_answer"})


def session_event_dicts(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The events a local action reads, as the action server would get them.

    Args:
        tracker: The conversation.

    Returns:
        ``{"event": "session_started"}``, ``{"event": "user"}`` and
        ``{"event": "bot", "metadata": ...}`` dictionaries, oldest first.
    """
    from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered

    events: List[Dict[str, Any]] = []
    for event in tracker.events:
        if isinstance(event, BotUttered):
            events.append({"event": BotUttered.type_name, "metadata": event.metadata})
        elif isinstance(event, UserUttered):
            events.append({"event": UserUttered.type_name})
        elif isinstance(event, SessionStarted):
            events.append({"event": SessionStarted.type_name})
    return events


def local_state(tracker: DialogueStateTracker) -> LocalState:
    """What a local action reads of ``tracker``."""
    message = tracker.latest_message.parse_data if tracker.latest_message else {}
    language = tracker.get_slot("language")
    return LocalState(events=session_event_dicts(tracker), latest_message=dict(message),
                      language="en" if language == "en" else "nl")


async def run_local(action: Any, local: LocalAction, output_channel: OutputChannel,
                    nlg: NaturalLanguageGenerator, tracker: DialogueStateTracker) -> List[Event]:
    """Runs a local action and turns its messages into events as ``RemoteAction`` would.

    Args:
        action: The ``RemoteAction`` being run (its ``_utter_responses`` makes the events).
        local: The action's function.
        output_channel: The channel (selects channel-specific responses).
        nlg: Generates the responses.
        tracker: The conversation.

    Returns:
        The ``BotUttered`` events; none when the action raised.
    """
    dispatcher = CollectingDispatcher()
    try:
        local(dispatcher, local_state(tracker))
        return list(await action._utter_responses(dispatcher.messages, output_channel, nlg, tracker))
    except Exception as error:  # noqa: BLE001 - never break the answer before it
        if action.name() not in ESSENTIAL:
            logger.error("local action %s failed (%r); sent nothing", action.name(), error)
            return []
        logger.error("local action %s failed (%r); sent the apology", action.name(), error)
        from runtime.faults import RESPONSE

        apology = CollectingDispatcher()
        apology.utter_message(response=RESPONSE)
        return list(await action._utter_responses(apology.messages, output_channel, nlg, tracker))


def local_first(remote_run: RunMethod) -> RunMethod:
    """Wraps ``RemoteAction.run``: actions in ``LOCAL_ACTIONS`` run here, the others as before.

    Args:
        remote_run: The ``run`` that calls the action server.

    Returns:
        The replacement ``run``.
    """

    async def run(self: Any, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
                  tracker: DialogueStateTracker, domain: Domain) -> List[Event]:
        """Runs a local action in the server, any other through the action server."""
        local = LOCAL_ACTIONS.get(self.name())
        if local is None:
            return await remote_run(self, output_channel, nlg, tracker, domain)
        return await run_local(self, local, output_channel, nlg, tracker)

    run.__wrapped__ = remote_run  # type: ignore[attr-defined]
    return run
