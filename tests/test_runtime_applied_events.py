"""The events that count, walked on from the last call (runtime/applied_events.py), are Rasa's own."""

from __future__ import annotations

from typing import List

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import applied_events as applied_module
from runtime import patches
from runtime.applied_events import CACHE_ATTRIBUTE, applied_events
from runtime.tracker_copy import copy_state
from tests.test_runtime_history_window import DOMAIN, conversation
from tests.test_runtime_tracker_copy import without_forms

ORIGINAL = patches.original("DialogueStateTracker.applied_events")
WALK = applied_module._walk


def _same(ours: List[Event], rasas: List[Event]) -> bool:
    """The same event objects in the same order (not only equal events)."""
    return len(ours) == len(rasas) and all(a is b for a, b in zip(ours, rasas, strict=True))


@pytest.mark.parametrize("seed", range(16))
def test_every_step_of_a_conversation_gives_rasas_applied_events(seed, monkeypatch):
    events = conversation(seed, turns=80, reverts=seed % 2 == 0)
    if seed % 4 == 1:
        events = without_forms(events)
    walks: List[int] = []  # how many events each call walked

    def counting_walk(tracker, events, loop_names, applied):
        events = list(events)
        walks.append(len(events))
        return WALK(tracker, events, loop_names, applied)

    monkeypatch.setattr(applied_module, "_walk", counting_walk)
    tracker = DialogueStateTracker("applied-test", DOMAIN.slots)
    walked_on = 0
    for number, event in enumerate(events):
        tracker.update(event)
        if number % 3:
            continue  # several events between two calls, as in a turn
        walks.clear()
        assert _same(applied_events(tracker), ORIGINAL(tracker)), number
        walked_on += not walks or walks[-1] < len(tracker.events)
        if number % 7 == 0:
            tracker = copy_state(tracker)  # the next message's tracker: the store's copy
    assert walked_on > len(events) // 6


def test_a_new_form_name_or_changed_events_make_it_walk_everything_again():
    listen, greet = ActionExecuted("action_listen"), UserUttered("x", {"name": "greet"})
    tracker = DialogueStateTracker.from_events("s", [listen, greet, ActionExecuted("situation_form"), listen,
                                                     greet], DOMAIN.slots)
    applied_events(tracker)
    # a form named only now: the earlier execution of situation_form is undone by Rasa's walk
    for event in (ActiveLoop("situation_form"), ActionExecuted("situation_form"), listen):
        tracker.update(event)
    assert _same(applied_events(tracker), ORIGINAL(tracker))
    tracker.events[-1] = UserUttered("y", {"name": "deny"})  # the newest event seen replaced
    assert _same(applied_events(tracker), ORIGINAL(tracker))
    tracker.events[0] = ActionExecuted("action_session_start")  # the first one
    assert _same(applied_events(tracker), ORIGINAL(tracker))
    tracker.events.popleft()
    assert _same(applied_events(tracker), ORIGINAL(tracker))
    tracker.events.clear()
    assert applied_events(tracker) == ORIGINAL(tracker) == []


def test_the_result_is_a_new_list_each_time():
    tracker = DialogueStateTracker.from_events("s", conversation(3, turns=10), DOMAIN.slots)
    first = applied_events(tracker)
    first.append(SessionStarted())
    first.clear()
    assert _same(applied_events(tracker), ORIGINAL(tracker)) and applied_events(tracker)


@pytest.mark.patches
def test_installed_for_rasas_tracker_only(runtime_changes):
    from runtime.history_window import WindowTracker

    tracker = DialogueStateTracker.from_events("s", conversation(4, turns=30, reverts=False), DOMAIN.slots)
    assert DialogueStateTracker.applied_events is not ORIGINAL
    assert _same(tracker.applied_events(), ORIGINAL(tracker))
    assert CACHE_ATTRIBUTE in tracker.__dict__
    view = WindowTracker(tracker, 10, {})
    assert _same(view.applied_events(), ORIGINAL(view)) and CACHE_ATTRIBUTE not in view.__dict__
