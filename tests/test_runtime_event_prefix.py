"""``runtime.event_prefix.continues``: an event list goes on from the events a cache saw."""

from collections import deque

from rasa.shared.core.events import ActionExecuted, UserUttered

from runtime.event_prefix import continues


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
