"""The server's in-memory tracker store: keeps trackers, not JSON, so a turn costs the same at turn 1000.

Rasa's ``InMemoryTrackerStore`` keeps each conversation as one JSON text: every turn
it parses all of it, rebuilds every event and replays them, and at the save writes
all of it again; the redacting store (``privacy.tracker_stores.RedactingInMemoryTrackerStore``)
also redacted every event again. So each turn cost more than the last (issue 17).

``TrackerKeepingStore`` (the parent of ``channels.startup.StartupTrackerStore``,
the store of ``endpoints.yml``) keeps a private copy of the saved tracker instead
(``KeptConversation``; ``runtime.tracker_copy.copy_state``: the event list and the
slots, no replay) and hands out a copy of it:

* **Redaction, once per event.** A tracker that continues the kept one (its first
  events the same objects, as a handed-out copy has) has only its new events
  redacted; any other is redacted whole. The current string slot values are
  redacted at every save, as before (a bounded number).
* **Rasa's state.** Rasa's store rebuilds a tracker by replaying the *applied*
  events; after a revert, a restart or a form that can differ from the state the
  saved tracker had (the replay undoes earlier form turns). Such a conversation is
  replayed from the kept events as Rasa does (no JSON, no rebuilding of events).
  Another domain since the save (a model reloaded) or a ``max_event_history`` goes
  through Rasa's JSON text. ``retrieve`` returns the latest session, as Rasa's does.
* **For the action calls** it makes the dictionary of each saved event once, after
  redacting it (``runtime.event_dicts``).
* **Limits** as the parent: ``MAX_CONVERSATIONS``, ``RETENTION_DAYS``.

With ``RASA_PATCHES=0`` it is the parent store (Rasa's JSON text), so the switch
gives stock Rasa's costs. ``tests/test_runtime_memory_store.py`` plays random
conversations through this store and the parent, turn by turn: the same tracker
state handed out, the same JSON text kept, the same redaction, the same sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Dict, Optional

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from privacy.tracker_stores import RedactingInMemoryTrackerStore, redact_event, redact_slots
from runtime.event_dicts import CACHE_ATTRIBUTE as EVENT_DICTS
from runtime.event_dicts import extended, kept_dicts
from runtime.event_prefix import continues
from runtime.tracker_copy import copy_state, plain, replays_alike


@dataclass
class KeptConversation:
    """What the store keeps of one conversation.

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


class TrackerKeepingStore(RedactingInMemoryTrackerStore):
    """Redacting in-memory store that keeps trackers (see the module); its parent with RASA_PATCHES=0."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Initialises the store; whether it keeps trackers follows the switch ``RASA_PATCHES``."""
        super().__init__(*args, **kwargs)
        from runtime.patches import switched_on

        self.keeps_trackers = switched_on()
        self.kept: Dict[str, KeptConversation] = {}
        if self.keeps_trackers:
            self.store = self.kept  # type: ignore[assignment]  # keys(), evict_oldest and prune use it

    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        """Redacts what is new, keeps a copy; then the parent's limits.

        Args:
            tracker: The tracker to save.
            *args: Passed on to the parent's ``save`` with ``RASA_PATCHES=0``.
            **kwargs: Passed on to the parent's ``save`` with ``RASA_PATCHES=0``.
        """
        if not self.keeps_trackers:
            await super().save(tracker, *args, **kwargs)
            return
        kept = self.kept.get(tracker.sender_id)
        redacted = self._continues(kept, tracker)
        for event in islice(tracker.events, redacted, None):
            redact_event(event)
        redact_slots(tracker)
        await self.stream_events(tracker)
        continued = kept if kept is not None and redacted else None
        private = self._private_copy(tracker)
        previous = kept_dicts(continued.tracker) if continued else None
        private.__dict__[EVENT_DICTS] = extended(private, previous, redacted if previous else 0)
        self.kept[tracker.sender_id] = KeptConversation(
            private, self.domain,
            _session_start_after_first(tracker.events, redacted,
                                       continued.latest_session_start if continued else 0),
            (continued is not None and continued.replay)
            or not replays_alike(list(islice(tracker.events, redacted, None))))
        self.note_saved(tracker.sender_id)

    @staticmethod
    def _continues(kept: Optional[KeptConversation], tracker: DialogueStateTracker) -> int:
        """How many first events of ``tracker`` are the kept (redacted) ones; 0: it does not continue."""
        if kept is None:
            return 0
        old, new = kept.tracker.events, tracker.events
        if not continues(old, new):
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
        if not self.keeps_trackers:
            return super().serialised(sender_id)
        kept = self.kept.get(sender_id)
        return None if kept is None else InMemoryTrackerStore.serialise_tracker(kept.tracker)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """A copy of the kept tracker: all sessions, or the latest only (as Rasa's store).

        Args:
            sender_id: Conversation ID to fetch the tracker for.
            fetch_all_sessions: Whether to fetch all sessions or only the last one.
        """
        if not self.keeps_trackers:
            return await super()._retrieve(sender_id, fetch_all_sessions)
        kept = self.kept.get(sender_id)
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
