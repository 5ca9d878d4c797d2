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
from typing import Any, Dict, Optional

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.redact import redact_text, redact_value
from privacy.settings import max_conversations, retention_days

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


class RedactingInMemoryTrackerStore(RedactingTrackerStoreMixin, InMemoryTrackerStore):
    """In-memory tracker store that redacts personal data (the default).

    A long-running server also forgets conversations ``RETENTION_DAYS`` after
    their last save (checked at most once per ``PRUNE_INTERVAL_S``), and keeps
    at most ``MAX_CONVERSATIONS``: beyond it, the least recently saved
    conversation is forgotten first. Rasa keeps only the latest session of a
    conversation here (it reads the latest session and saves it back), so a
    new session (``MAX_TURNS``, ``runtime.turn_cap``) also bounds each one.

    It keeps each conversation as Rasa's JSON text, so every turn reads, replays,
    redacts and writes the whole session; the server's store of ``endpoints.yml``
    (``runtime.memory_store.TrackerKeepingStore``) keeps trackers instead.
    """

    PRUNE_INTERVAL_S = 3600.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Initialises the store and its record of when each conversation was last saved."""
        super().__init__(*args, **kwargs)
        self.last_saved: Dict[str, float] = {}  # in order of the last save, oldest first
        self.max_conversations = max_conversations()
        self._last_prune = time.time()

    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        """Redacts and saves the tracker; forgets the oldest beyond the cap, and now and then expired ones."""
        await super().save(tracker, *args, **kwargs)
        self.note_saved(tracker.sender_id)

    def note_saved(self, sender_id: str) -> None:
        """Records a save; forgets the oldest conversations beyond the cap, and now and then expired ones.

        Args:
            sender_id: The conversation just saved.
        """
        now = time.time()
        self.last_saved.pop(sender_id, None)
        self.last_saved[sender_id] = now
        self.evict_oldest()
        if now - self._last_prune >= self.PRUNE_INTERVAL_S:
            self.prune(now)

    def serialised(self, sender_id: str) -> Optional[str]:
        """The JSON text kept of a conversation (Rasa's ``serialise_tracker``), or None.

        Args:
            sender_id: The conversation.
        """
        return self.store.get(sender_id)

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
