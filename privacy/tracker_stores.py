"""Tracker stores that redact personal data once more before anything is saved.

The channels already redact each message; these stores catch what bypasses
them (the HTTP API ``/conversations/<id>/messages``, events posted by other
tools, slots set by actions). Before the parent store saves the tracker (and
streams its events to the event broker), they redact in place: the text of
each user message, its parse data (text and entity values), its metadata, and
every string slot value.

Configure in endpoints.yml, e.g.::

    tracker_store:
      type: privacy.tracker_stores.RedactingSQLTrackerStore
      dialect: sqlite
      db: conversations.db
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import islice
from operator import is_
from typing import Any, Dict, Optional

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from privacy.redact import redact_text, redact_value
from privacy.settings import max_conversations, retention_days
from runtime.event_dicts import CACHE_ATTRIBUTE as EVENT_DICTS
from runtime.event_dicts import extended, kept_dicts
from runtime.tracker_copy import copy_state, plain, replays_alike

SECONDS_PER_DAY = 24 * 60 * 60
# Parts of a user message's parse data that can hold what the user typed.
_PARSE_DATA_KEYS = ("text", "entities", "metadata")


def redact_event(event: Event) -> None:
    """Redacts one event in place: user messages, slot values, and any event's metadata.

    Args:
        event: Any Rasa event.
    """
    if getattr(event, "metadata", None):
        event.metadata = redact_value(event.metadata)
    if isinstance(event, UserUttered):
        if event.text:
            event.text = redact_text(event.text)
        event.entities = redact_value(event.entities)
        parse_data: Any = event.parse_data
        for key in _PARSE_DATA_KEYS:
            if parse_data.get(key):
                parse_data[key] = redact_value(parse_data[key])
    elif isinstance(event, SlotSet):
        event.value = redact_value(event.value)


def redact_tracker(tracker: DialogueStateTracker) -> None:
    """Redacts every event and the current string slot values of a tracker, in place.

    Args:
        tracker: The tracker about to be saved.
    """
    for event in tracker.events:
        redact_event(event)
    redact_slots(tracker)


def redact_slots(tracker: DialogueStateTracker) -> None:
    """Redacts the current string slot values of a tracker, in place.

    Args:
        tracker: The tracker about to be saved.
    """
    for slot in tracker.slots.values():
        redacted = redact_value(slot.value)
        if redacted != slot.value:
            slot.value = redacted


class RedactingTrackerStoreMixin(TrackerStore):
    """Redacts the tracker before the tracker store it is mixed into saves it."""

    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        """Redacts, then saves with the parent store.

        Args:
            tracker: The tracker to save.
            *args: Passed on to the parent's ``save``.
            **kwargs: Passed on to the parent's ``save``.
        """
        redact_tracker(tracker)
        await super().save(tracker, *args, **kwargs)


@dataclass
class KeptConversation:
    """What the in-memory store keeps of one conversation.

    Attributes:
        tracker: A private copy of the tracker as saved (redacted); never handed out.
        domain: The store's domain when it was saved (its slots are the tracker's).
        latest_session_start: Index of the newest ``action_session_start`` after the
            first event; 0 when the events hold one session.
        replay: Whether a tracker must be rebuilt by Rasa's replay of the applied events
            (after a revert, a restart or a form: ``runtime.tracker_copy.replays_alike``).
    """

    tracker: DialogueStateTracker
    domain: Any
    latest_session_start: int
    replay: bool


def _session_start_after_first(events: Any, first: int, previous: int) -> int:
    """The newest index >= ``first`` (and > 0) of an ``action_session_start``, else ``previous``."""
    latest = previous
    for index, event in enumerate(islice(events, first, None), start=first):
        if index > 0 and isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME:
            latest = index
    return latest


class RedactingInMemoryTrackerStore(RedactingTrackerStoreMixin, InMemoryTrackerStore):
    """In-memory tracker store that redacts personal data (the default), at a cost that does not grow.

    Rasa's ``InMemoryTrackerStore`` keeps each conversation as one JSON text: every
    turn it parses all of it, rebuilds every event and replays them, and at the save
    writes all of it again; the redacting mixin redacted every event again too. So
    each turn cost more than the last. This store keeps a private copy of the saved
    tracker instead (``KeptConversation``; ``runtime.tracker_copy.copy_state``: the
    event list and the slots, no replay) and hands out a copy of it; after a revert,
    a restart or a form, where Rasa's replay of the applied events gives another
    state than the saved tracker has, it replays the kept events as Rasa does (no
    JSON, no rebuilding of events). It also makes the dictionary of each saved event
    once, after redacting it, for the action calls of later turns
    (``runtime.event_dicts``). A tracker
    that continues the kept one (the same event objects first, as the copy handed out
    has) has only its new events redacted; any other is redacted whole. The
    current string slot values are redacted at every save (a bounded number).
    Where the copy would not be what Rasa's store gives (another domain since the
    save, a ``max_event_history``, a subclass of tracker), the conversation goes
    through Rasa's own JSON text and replay. ``retrieve`` returns the latest
    session, as Rasa's does. ``serialised`` gives Rasa's JSON text of what is kept.

    A long-running server also forgets conversations ``RETENTION_DAYS`` after
    their last save (checked at most once per ``PRUNE_INTERVAL_S``), and keeps
    at most ``MAX_CONVERSATIONS``: beyond it, the least recently saved
    conversation is forgotten first. Rasa keeps only the latest session of a
    conversation here (it reads the latest session and saves it back), so a
    new session (``MAX_TURNS``, ``runtime.turn_cap``) also bounds each one.
    """

    PRUNE_INTERVAL_S = 3600.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Initialises the store and its record of when each conversation was last saved."""
        super().__init__(*args, **kwargs)
        self.store: Dict[str, KeptConversation] = {}  # type: ignore[assignment]
        self.last_saved: Dict[str, float] = {}  # in order of the last save, oldest first
        self.max_conversations = max_conversations()
        self._last_prune = time.time()

    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        """Redacts what is new, keeps a copy; forgets the oldest beyond the cap, now and then expired ones.

        Args:
            tracker: The tracker to save.
            *args: Not used (Rasa's ``save`` takes none).
            **kwargs: Not used.
        """
        kept = self.store.get(tracker.sender_id)
        redacted = self._continues(kept, tracker)
        for event in islice(tracker.events, redacted, None):
            redact_event(event)
        redact_slots(tracker)
        await self.stream_events(tracker)
        continued = kept if kept is not None and redacted else None
        new_events = list(islice(tracker.events, redacted, None))
        private = self._private_copy(tracker)
        previous = kept_dicts(continued.tracker) if continued else None
        private.__dict__[EVENT_DICTS] = extended(private, previous, redacted if previous else 0)
        self.store[tracker.sender_id] = KeptConversation(
            private, self.domain,
            _session_start_after_first(tracker.events, redacted,
                                       continued.latest_session_start if continued else 0),
            (continued is not None and continued.replay) or not replays_alike(new_events))
        now = time.time()
        self.last_saved.pop(tracker.sender_id, None)
        self.last_saved[tracker.sender_id] = now
        self.evict_oldest()
        if now - self._last_prune >= self.PRUNE_INTERVAL_S:
            self.prune(now)

    @staticmethod
    def _continues(kept: Optional[KeptConversation], tracker: DialogueStateTracker) -> int:
        """How many first events of ``tracker`` are the kept (redacted) ones; 0: it does not continue."""
        if kept is None:
            return 0
        old, new = kept.tracker.events, tracker.events
        if len(new) < len(old) or not all(map(is_, old, new)):
            return 0
        return len(old)

    @staticmethod
    def _private_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
        if plain(tracker):
            return copy_state(tracker)
        return DialogueStateTracker.from_events(tracker.sender_id, list(tracker.events),
                                                tracker.slots.values())

    def _fits(self, kept: KeptConversation) -> bool:
        """Whether a copy of the kept tracker is what Rasa's store would rebuild from its JSON text."""
        return (kept.domain is self.domain and self.max_event_history is None
                and list(kept.tracker.slots) == [slot.name for slot in self.domain.slots])

    def serialised(self, sender_id: str) -> Optional[str]:
        """Rasa's JSON text of the kept conversation (what Rasa's in-memory store would hold), or None.

        Args:
            sender_id: The conversation.
        """
        kept = self.store.get(sender_id)
        return None if kept is None else InMemoryTrackerStore.serialise_tracker(kept.tracker)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """A copy of the kept tracker: all sessions, or the latest only (as Rasa's store).

        Args:
            sender_id: Conversation ID to fetch the tracker for.
            fetch_all_sessions: Whether to fetch all sessions or only the last one.
        """
        kept = self.store.get(sender_id)
        if kept is None:
            return None
        if self._fits(kept) and not kept.replay:
            tracker = copy_state(kept.tracker)
            tracker.sender_id, tracker.is_rule_tracker = sender_id, False
        elif self._fits(kept):
            tracker = self.init_tracker(sender_id)  # as Rasa's deserialise_tracker, without the JSON
            tracker.events.extend(kept.tracker.events)
            tracker.replay_events()
            dicts = kept_dicts(kept.tracker)
            if dicts is not None:
                tracker.__dict__[EVENT_DICTS] = dicts
        else:
            tracker = self.deserialise_tracker(sender_id, self.serialised(sender_id) or "")
            if tracker is None:
                return None
        if fetch_all_sessions or not kept.latest_session_start:
            return tracker
        sessions = get_trackers_for_conversation_sessions(tracker)
        return sessions[-1] if len(sessions) > 1 else tracker

    def evict_oldest(self) -> int:
        """Forgets the least recently saved conversations beyond ``MAX_CONVERSATIONS``.

        Returns:
            The number of conversations forgotten.
        """
        forgotten = 0
        while len(self.last_saved) > self.max_conversations:
            sender = next(iter(self.last_saved))
            del self.last_saved[sender]
            self.store.pop(sender, None)
            forgotten += 1
        return forgotten

    def prune(self, now: Optional[float] = None) -> int:
        """Forgets conversations saved last more than ``RETENTION_DAYS`` ago.

        Args:
            now: Current time (seconds since the epoch); the real time when None.

        Returns:
            The number of conversations forgotten.
        """
        now = time.time() if now is None else now
        self._last_prune = now
        cutoff = now - retention_days() * SECONDS_PER_DAY
        expired = [sender for sender, saved in self.last_saved.items() if saved < cutoff]
        for sender in expired:
            self.store.pop(sender, None)
            del self.last_saved[sender]
        return len(expired)


class RedactingSQLTrackerStore(RedactingTrackerStoreMixin, SQLTrackerStore):
    """SQL tracker store (SQLite, PostgreSQL, ...) that redacts personal data."""


class RedactingRedisTrackerStore(RedactingTrackerStoreMixin, RedisTrackerStore):
    """Redis tracker store that redacts personal data and lets conversations expire.

    Without an explicit ``record_exp`` (seconds) each conversation expires
    ``RETENTION_DAYS`` after its last save.
    """

    def __init__(self, *args: Any, record_exp: Optional[float] = None, **kwargs: Any) -> None:
        """Initialises the Redis store with a default expiry from ``RETENTION_DAYS``."""
        super().__init__(*args, record_exp=record_exp or retention_days() * SECONDS_PER_DAY, **kwargs)
