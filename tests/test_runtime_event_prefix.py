"""``runtime.event_prefix``: an event list goes on from the events a cache saw, and the caches keep only a mark."""

import dataclasses
from collections import deque
from typing import Sequence

from rasa.shared.core.events import ActionExecuted, Event, UserUttered

from runtime.applied_events import CACHE_ATTRIBUTE as applied_cache
from runtime.applied_events import applied_events
from runtime.event_dicts import extended
from runtime.event_prefix import EventMark, continues
from runtime.history_window import SLOT_SCAN_ATTRIBUTE, window
from runtime.turn_cap import CACHE_ATTRIBUTE as turn_cache
from runtime.turn_cap import turns_in_session
from tests.test_runtime_history_window import conversation, tracker_of


def events(count: int) -> list:
    return [ActionExecuted("action_listen") if i % 2 == 0 else UserUttered(f"m{i}") for i in range(count)]


def test_the_same_events_and_more_continue():
    seen = events(10)
    assert continues(seen, seen)
    assert continues(tuple(seen), deque(seen + events(3)))
    assert continues(seen, seen[:5] + seen[5:], count=5)
    assert continues([], events(2)) and continues([], [])


def test_other_events_at_either_end_or_fewer_events_do_not():
    seen = events(10)
    assert not continues(seen, seen[:9])
    assert not continues(seen, events(1) + seen[1:])  # another first event
    assert not continues(seen, seen[:9] + events(1) + seen[10:])  # another last one
    assert not continues(seen, seen[1:] + events(2))  # cut at the front (max_event_history)
    assert not continues(seen, events(12))  # equal events, other objects (a replay or deepcopy)
    assert not continues(seen, seen[:4] + events(1) + seen[5:], count=5)


def test_a_mark_judges_as_the_events_themselves():
    seen = events(10)
    for kept in (seen, tuple(seen), deque(seen)):
        mark = EventMark.of(kept)
        assert (mark.count, mark.first, mark.last) == (10, seen[0], seen[9])
        assert mark.continued_by(seen) and mark.continued_by(deque(seen + events(3)))
        assert not mark.continued_by(seen[:9]) and not mark.continued_by(events(1) + seen[1:])
        assert not mark.continued_by(seen[:9] + events(1)) and not mark.continued_by(seen[1:] + events(2))
        assert not mark.continued_by(events(12))
    part = EventMark.of(seen, 5)
    assert part.last is seen[4] and part.continued_by(seen[:5] + events(3))
    assert not part.continued_by(seen[:4] + events(1) + seen[5:])
    assert EventMark.of([]).continued_by([]) and EventMark.of(seen, 0).continued_by(events(1))


def _holds_the_events(value: object, events_now: Sequence[Event]) -> bool:
    return (isinstance(value, list | tuple | deque) and len(value) == len(events_now)
            and all(a is b for a, b in zip(value, events_now, strict=True)))


def test_the_caches_keep_a_mark_not_a_copy_of_the_events():
    tracker = tracker_of(conversation(2, turns=60, reverts=False))  # one that ends in a window
    applied_events(tracker)
    turns_in_session(tracker)
    assert window(tracker, 8) is not None
    kept = {
        "applied events": (tracker.__dict__[applied_cache], {"applied"}),  # the result itself
        "turn count": (tracker.__dict__[turn_cache], set()),
        "slot scan": (tracker.__dict__[SLOT_SCAN_ATTRIBUTE], set()),
        "event dicts": (extended(tracker, None, 0), {"dicts"}),
    }
    for name, (cache, results) in kept.items():
        fields = {field.name: getattr(cache, field.name) for field in dataclasses.fields(cache)}
        assert isinstance(fields["mark"], EventMark), name
        for field, value in fields.items():
            assert field in results or not _holds_the_events(value, tracker.events), (name, field)
    assert tracker.__dict__[turn_cache].mark.count == len(tracker.events)
