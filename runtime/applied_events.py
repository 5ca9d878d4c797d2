"""``DialogueStateTracker.applied_events`` goes on from where it was, instead of walking every event again.

Rasa 3.6 walks every event of the conversation, with several isinstance checks
through abc each, whenever it asks which events count (``applied_events``): twice
per message for the session check alone (``MessageProcessor._update_tracker_session``
and ``_has_session_expired``'s ``get_last_event_for``), and in the policies. At
turn 1000 of one conversation that was 45 ms of a turn (issue 17).

The walk keeps a list and goes forward; the only thing it reads ahead is the set of
form names (``ActiveLoop`` events with a name, anywhere). So the result for
``events + new`` is the walk over ``new`` continued from the result for ``events``,
as long as ``new`` names no form that ``events`` did not. The tracker keeps the
mark of the events it last walked (``runtime.event_prefix.EventMark``), the form
names and the result (``AppliedCache``, an
immutable value that ``runtime.tracker_copy.copy_state`` passes on to a copy, so the
tracker of the next message starts from it); a call walks only the events added
since, with Rasa's own step (``_undo_till_previous`` and the rest are Rasa's
methods), and walks all of them when the earlier events are not the same objects
any more or a new form name appears. ``tests/test_runtime_applied_events.py``
compares every result with Rasa's own over random conversations with forms, reverts,
restarts and session starts, event by event.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, FrozenSet, List, Tuple

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.event_prefix import EventMark

# Where a tracker keeps its cache (``copy_state`` copies it).
CACHE_ATTRIBUTE = "_bvo_applied_events"


@dataclass(frozen=True)
class AppliedCache:
    """The mark of the events last walked, the form names among them, and the walk's result."""

    mark: EventMark
    loop_names: FrozenSet[str]
    applied: Tuple[Event, ...]


def _loop_names(events: Any) -> FrozenSet[str]:
    return frozenset(event.name for event in events if isinstance(event, ActiveLoop) and event.name)


def _walk(tracker: DialogueStateTracker, events: Any, loop_names: FrozenSet[str],
          applied_events: List[Event]) -> List[Event]:
    """Rasa's walk of ``applied_events`` over ``events``, going on from ``applied_events``."""
    for event in events:
        if isinstance(event, Restarted | SessionStarted):
            applied_events = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied_events)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied_events)
            tracker._undo_till_previous(ActionExecuted, applied_events)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied_events)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied_events)
        else:
            applied_events.append(event)
    return applied_events


def applied_events(tracker: DialogueStateTracker) -> List[Event]:
    """The events that count (Rasa's ``applied_events``), walking only what was added since the last call.

    Args:
        tracker: The conversation.

    Returns:
        A new list, equal to what Rasa's method returns.
    """
    events = tracker.events
    cached = tracker.__dict__.get(CACHE_ATTRIBUTE)
    if cached is not None and cached.mark.continued_by(events):
        new = list(islice(events, cached.mark.count, None))
        if not new:
            return list(cached.applied)
        new_names = _loop_names(new)
        if new_names <= cached.loop_names:
            applied = _walk(tracker, new, cached.loop_names, list(cached.applied))
            tracker.__dict__[CACHE_ATTRIBUTE] = AppliedCache(EventMark.of(events), cached.loop_names,
                                                              tuple(applied))
            return applied
    loop_names = _loop_names(events)
    applied = _walk(tracker, events, loop_names, [])
    tracker.__dict__[CACHE_ATTRIBUTE] = AppliedCache(EventMark.of(events), loop_names, tuple(applied))
    return applied


def continued_applied_events(original: Callable[[DialogueStateTracker], List[Event]]
                             ) -> Callable[[DialogueStateTracker], List[Event]]:
    """Wraps ``DialogueStateTracker.applied_events``: ``applied_events`` above for Rasa's own tracker class.

    Subclasses (the rule trackers of training, ``runtime.history_window.WindowTracker``)
    keep Rasa's method.

    Args:
        original: Rasa's method.

    Returns:
        The wrapped method.
    """

    @functools.wraps(original)
    def wrapped(self: DialogueStateTracker) -> List[Event]:
        if type(self) is DialogueStateTracker:
            return applied_events(self)
        return original(self)

    return wrapped
