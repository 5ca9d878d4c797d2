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

from typing import Any, Optional

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.redact import redact_text, redact_value
from privacy.settings import retention_days

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
    """In-memory tracker store that redacts personal data (the default)."""


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
