"""The events of a tracker as dictionaries, each made once after its save, not at every action call.

Every custom action call sends the whole conversation (``RemoteAction._action_call_format``
-> ``tracker.current_state(EventVerbosity.ALL)``: ``as_dict`` of every event), also
in process (``runtime.inprocess_actions``). At turn 1000 of one conversation that was
13 ms of a turn (issue 17).

The in-memory store (``privacy.tracker_stores.RedactingInMemoryTrackerStore``) makes
the dictionaries of the events it saves, once each, after redacting them
(``extended``), and the tracker it hands out carries them (``EventDicts``, immutable;
``runtime.tracker_copy.copy_state`` passes them on). ``current_state`` with
``EventVerbosity.ALL`` then gives the kept dictionaries, each copied when it is first
read (``runtime.event_view.CopiedOnRead``; a shallow copy is as fresh as ``as_dict``'s:
the values are the event's own objects either way), and ``as_dict`` of the events
added since the save; when the kept events are not the tracker's first events (the
same objects, ``runtime.event_prefix``), Rasa's own method runs. An event is not changed after it was
saved (Rasa's processor only adds events; the store redacts each once, before making
its dictionary). ``tests/test_runtime_event_dicts.py`` compares the result with
Rasa's own ``current_state`` over conversations saved and read back turn by turn.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Dict, Optional, Tuple

from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from runtime.event_prefix import EventMark
from runtime.event_view import CopiedOnRead

# Where a tracker carries them (``copy_state`` copies it).
CACHE_ATTRIBUTE = "_bvo_event_dicts"


@dataclass(frozen=True)
class EventDicts:
    """The mark of the saved events and their ``as_dict``, made after the save's redaction."""

    mark: EventMark
    dicts: Tuple[Dict[str, Any], ...]


def extended(tracker: DialogueStateTracker, previous: Optional[EventDicts], done: int) -> EventDicts:
    """The dictionaries of ``tracker``'s events: ``previous``'s first ``done``, then the rest made now.

    Args:
        tracker: The tracker just saved (redacted).
        previous: The dictionaries of its first ``done`` events, or None (``done`` must be 0).
        done: How many first events ``previous`` holds.

    Returns:
        The dictionaries of every event of ``tracker``.
    """
    kept = previous.dicts[:done] if previous is not None else ()
    new = tuple(event.as_dict() for event in islice(tracker.events, done, None))
    return EventDicts(EventMark.of(tracker.events), kept + new)


def kept_dicts(tracker: DialogueStateTracker) -> Optional[EventDicts]:
    """The dictionaries ``tracker`` carries, or None."""
    return tracker.__dict__.get(CACHE_ATTRIBUTE)


def current_state_with_kept_dicts(original: Callable[..., Dict[str, Any]]) -> Callable[..., Dict[str, Any]]:
    """Wraps ``DialogueStateTracker.current_state``: with ``EventVerbosity.ALL``, the kept dictionaries.

    Args:
        original: Rasa's method.

    Returns:
        The wrapped method.
    """

    @functools.wraps(original)
    def current_state(self: DialogueStateTracker,
                      event_verbosity: EventVerbosity = EventVerbosity.NONE) -> Dict[str, Any]:
        cache = self.__dict__.get(CACHE_ATTRIBUTE) if event_verbosity == EventVerbosity.ALL else None
        if cache is None:
            return original(self, event_verbosity)
        events, done = self.events, cache.mark.count
        if not cache.mark.continued_by(events):
            return original(self, event_verbosity)
        state = original(self, EventVerbosity.NONE)
        state["events"] = CopiedOnRead(cache.dicts, [event.as_dict() for event in islice(events, done, None)])
        return state

    return current_state
