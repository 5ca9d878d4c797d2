"""Whether a tracker's events go on from events seen earlier: a check that costs the same at turn 1000.

Several caches keep what they computed from a conversation's events (``applied_events``,
``event_dicts``, ``turn_cap``, ``history_window``, the in-memory store) and go on from
there when the tracker's events start with the events they saw. Comparing every
event (``all(map(is_, kept, events))``) cost about 0.3 ms per check at turn 1000 of
one conversation, several checks per turn (issue 17).

A conversation's event list only ever grows at its end: Rasa's processor appends
(``DialogueStateTracker.update``), the store's copies and ``copy_state`` share the
event objects, and a ``max_event_history`` cut drops events at the front. So a list
that holds at least as many events, with the same object first and the same object
at the position of the last one seen, goes on from them. A list built otherwise
(another conversation, a copy made by replay or ``deepcopy``, a cut) has other
objects at one of the two places, and the caches start again from scratch.

So a cache keeps an ``EventMark`` (how many events it read, the first and the last
of them), not the events themselves: the check needs nothing else, and a mark costs
the same to keep and to make at turn 1000 as at turn 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence


@dataclass(frozen=True, eq=False)
class EventMark:
    """How far a cache read a conversation's events: their count and the first and last of them.

    Attributes:
        count: How many first events were read.
        first: The first of them (None when ``count`` is 0).
        last: The last of them (None when ``count`` is 0).
    """

    count: int
    first: Any = None
    last: Any = None

    @classmethod
    def of(cls, events: Sequence[Any], count: Optional[int] = None) -> EventMark:
        """The mark of the first ``count`` of ``events`` (default: all of them).

        Args:
            events: A conversation's events, oldest first (a list, tuple or deque).
            count: How many first events were read (at most ``len(events)``).

        Returns:
            The mark.
        """
        done = len(events) if count is None else count
        return cls(done, events[0], events[done - 1]) if done else cls(0)

    def continued_by(self, events: Sequence[Any]) -> bool:
        """Whether ``events`` starts with the events marked (the same objects, judged at both ends).

        Args:
            events: The tracker's events now, oldest first.

        Returns:
            True when ``events`` holds at least ``count`` events, with the marked first and
            last objects at their positions (always True for a mark of no events).
        """
        done = self.count
        if len(events) < done:
            return False
        return done == 0 or (events[0] is self.first and events[done - 1] is self.last)


def continues(seen: Sequence[Any], events: Sequence[Any], count: Optional[int] = None) -> bool:
    """Whether ``events`` starts with the events ``seen`` (the same objects), judged at both ends.

    Args:
        seen: Events a cache saw earlier, oldest first.
        events: The tracker's events now (a list, tuple or deque), oldest first.
        count: Only the first ``count`` events of ``seen`` (default: all).

    Returns:
        True when ``events`` is at least as long and holds the first and last of those
        objects at their positions (always True for no events).
    """
    return EventMark.of(seen, count).continued_by(events)
