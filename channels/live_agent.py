"""The handover to a person in the channels: offer buttons, relaying, the agent's replies, pause and resume.

``MessageGuard`` asks the gate (``current()``) about every checked message
before Rasa sees it:

- ``/handover_accept`` (the offer's "Ja"): inside office hours a Chatwoot
  conversation is opened (or the user's last one reopened) with the summary as
  a private note, the Rasa conversation gets ``ConversationPaused`` and the
  user hears their place in the queue or "zo snel mogelijk"; outside office
  hours when people are there again and the official channels; Chatwoot down:
  an apology and the official channels, nothing paused.
- ``/handover_decline`` ("Nee"): the official channels; Rasa goes on.
- any message of a conversation that is handed over: its redacted text goes
  to Chatwoot, Rasa does not see it, so the user never gets two answers.

The agent's replies and the end of a handover come from Chatwoot's webhook
(``channels.chatwoot``) and go out on the channel the user came from: every
channel registers a deliverer (``register_delivery``); REST clients fetch them.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.shared.core.events import ConversationPaused, ConversationResumed, Event

from handover import texts
from handover.chatwoot import ChatwootClient, ChatwootError
from handover.hours import OfficeHours, describe
from handover.settings import HandoverSettings
from handover.store import Handover, Handovers, Store
from handover.summary import summary
from handover.webhook import AgentEvent

logger = logging.getLogger(__name__)

Deliver = Callable[[Handover, List[Dict[str, Any]]], Awaitable[None]]
# Kept for a later handover of the same user (reuse of the Chatwoot conversation).
LAST_CONVERSATION_TTL_S = 30 * 86_400
LANGUAGE_SLOT = "language"
# Marks a staff member's message (the page labels it "Medewerker:" instead of "Digitale assistent:").
PERSON = "person"

_DELIVERERS: Dict[str, Deliver] = {}
_GATE: Optional[LiveAgentGate] = None


def register_delivery(channel: str, deliver: Deliver) -> None:
    """Sets how the agent's messages reach a user of ``channel`` (each channel calls it at start-up)."""
    _DELIVERERS[channel] = deliver


def current() -> Optional[LiveAgentGate]:
    """The gate when the handover is on, else None."""
    return _GATE


def install(gate: Optional[LiveAgentGate]) -> None:
    """Sets (or with None removes) the gate of this process."""
    global _GATE
    _GATE = gate


class LiveAgentGate:
    """Decides per message whether it is about a handover, and carries out the handover.

    Args:
        config: The handover settings.
        store: Returns the key-value store (chosen on first use, when the agent is known).
        agent: Returns Rasa's agent (tracker store and lock store), or None.
        client: The Chatwoot client; one from ``config`` when None.
        hours: The office hours; read from ``config.hours_file`` when None.
        clock: Current Unix time (tests).
    """

    def __init__(self, config: HandoverSettings, store: Callable[[], Store], agent: Callable[[], Any],
                 client: Optional[ChatwootClient] = None, hours: Optional[OfficeHours] = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._store_factory = store
        self._agent = agent
        self.client = client or ChatwootClient(config)
        self.hours = hours or OfficeHours.load(config.hours_file)
        self._clock = clock

    @property
    def handovers(self) -> Handovers:
        """The records, in the store the channel chose (``ChatwootInput.store``)."""
        return Handovers(self._store_factory())

    # --- the user's messages ---------------------------------------------------------------------

    async def intercept(self, text: str, output: Any, sender_id: str, channel: str) -> bool:
        """Handles a checked, redacted message if it belongs to a handover.

        Args:
            text: The redacted text (or an offer's button payload).
            output: The output channel of this message.
            sender_id: The Rasa conversation id.
            channel: The input channel's name.

        Returns:
            True when the message was handled here and Rasa must not see it.
        """
        if text == texts.ACCEPT:
            await self.accept(output, sender_id, channel)
            return True
        if text == texts.DECLINE:
            language = (await self._tracker_facts(sender_id))[0]
            await output.send_response(sender_id, {"text": texts.text("declined", language)})
            return True
        handover = await self.handovers.get(channel, sender_id)
        if handover is None:
            return False
        if handover.expired:
            logger.info("handover: ended after HANDOVER_TTL_S; the assistant answers again")
            await self._finish(handover)
            return False
        try:
            await self.client.send_message(handover.conversation_id, text)
        except ChatwootError:
            await self._finish(handover)
            await output.send_response(sender_id, {"text": texts.text("unavailable", handover.language)})
        return True

    async def accept(self, output: Any, sender_id: str, channel: str) -> None:
        """The offer's "Ja": hand over inside office hours, else say when and give the official channels."""
        language, events = await self._tracker_facts(sender_id)
        active = await self.handovers.get(channel, sender_id)
        if active is not None and not active.expired:
            await output.send_response(sender_id, {"text": texts.text("soon", active.language)})
            return
        now = self._clock()
        if not self.hours.is_open(_moment(now)):
            opening = self.hours.next_opening(_moment(now))
            text = (texts.text("closed", language, next=describe(opening, language)) if opening
                    else texts.text("closed_unknown", language))
            await output.send_response(sender_id, {"text": text})
            return
        try:
            conversation_id = await self._open_conversation(channel, sender_id)
            await self.client.send_message(conversation_id, summary(events, channel, language), private=True)
        except ChatwootError:
            await output.send_response(sender_id, {"text": texts.text("unavailable", language)})
            return
        try:
            position = await self.client.queue_position()
        except ChatwootError:
            position = None
        event = getattr(output, "event", None)
        handover = Handover(channel, sender_id, conversation_id, language, until=now + self.config.ttl_s,
                            address=getattr(event, "address", None),
                            reply_from=getattr(event, "reply_from", None))
        await self.handovers.save(handover)
        await self.handovers.remember_conversation(channel, sender_id, conversation_id,
                                                   LAST_CONVERSATION_TTL_S)
        await self._mark(sender_id, ConversationPaused())
        text = texts.text("queued", language, position=position) if position else texts.text("soon", language)
        await output.send_response(sender_id, {"text": text})

    async def _open_conversation(self, channel: str, sender_id: str) -> int:
        previous = await self.handovers.previous_conversation(channel, sender_id)
        if previous is not None:
            try:
                await self.client.set_status(previous, "open")
                return previous
            except ChatwootError:
                logger.info("handover: the last conversation could not be reopened; a new one")
        contact = await self.client.create_contact(name=f"Bezoeker {sender_id[-6:]}")
        return await self.client.create_conversation(contact)

    # --- Chatwoot's webhook ---------------------------------------------------------------------

    async def on_agent_event(self, event: AgentEvent) -> bool:
        """Delivers an agent's reply, or ends the handover when the agent resolved it.

        Returns:
            True when the event belonged to an active handover.
        """
        handover = await self.handovers.by_conversation(event.conversation_id)
        if handover is None:
            return False
        if event.reply is not None:
            await self.deliver(handover, [{"text": event.reply, "from": PERSON}])
        if event.resolved:
            await self._finish(handover)
            await self.deliver(handover, [{"text": texts.text("resumed", handover.language)}])
        return True

    async def deliver(self, handover: Handover, messages: List[Dict[str, Any]]) -> None:
        """Sends messages on the user's channel; clients that fetch (REST) find them in the outbox."""
        deliver = _DELIVERERS.get(handover.channel)
        if deliver is None:
            await self.handovers.queue(handover.channel, handover.sender, messages)
            return
        try:
            await deliver(handover, messages)
        except Exception as error:  # noqa: BLE001 - a failed delivery must not fail the webhook (no text logged)
            logger.error("handover: delivery on %s failed: %s", handover.channel, type(error).__name__)

    async def take(self, channel: str, sender_id: str) -> List[Dict[str, Any]]:
        """The agent's messages waiting for a client that fetches them."""
        return await self.handovers.take(channel, sender_id)

    # --- the Rasa conversation -------------------------------------------------------------------

    async def _finish(self, handover: Handover) -> None:
        await self.handovers.end(handover)
        await self._mark(handover.sender, ConversationResumed())

    async def _tracker_facts(self, sender_id: str) -> Tuple[str, List[Any]]:
        """The conversation's language and events (Dutch and none without a tracker store)."""
        store = getattr(self._agent(), "tracker_store", None)
        if store is None:
            return "nl", []
        tracker = await store.retrieve(sender_id)
        if tracker is None:
            return "nl", []
        language = tracker.get_slot(LANGUAGE_SLOT)
        return (language if language in texts.LANGUAGES else "nl"), list(tracker.events)

    async def _mark(self, sender_id: str, event: Event) -> None:
        """Appends ``ConversationPaused``/``ConversationResumed`` to the Rasa conversation, under its lock."""
        agent = self._agent()
        store, locks = getattr(agent, "tracker_store", None), getattr(agent, "lock_store", None)
        if store is None or locks is None:
            return
        try:
            async with locks.lock(sender_id):
                tracker = await store.get_or_create_tracker(sender_id)
                tracker.update(event)
                await store.save(tracker)
        except Exception as error:  # noqa: BLE001 - logged without text; the handover itself goes on
            logger.error("handover: could not mark the conversation %s: %s", type(event).__name__,
                         type(error).__name__)


def _moment(unix_time: float) -> Any:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(unix_time, tz=timezone.utc)
