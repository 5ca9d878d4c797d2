"""A tracker copied by its state (runtime/tracker_copy.py) equals Rasa's own copy by replay."""

from __future__ import annotations

import random
from typing import Any, Dict, List

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from runtime import patches
from runtime.history_window import WindowTracker
from runtime.tracker_copy import copy_state, copy_without_replay, copyable, plain, replays_alike
from tests.test_runtime_history_window import DOMAIN, conversation

ORIGINAL = patches.original("DialogueStateTracker.copy")


def _latest(event: Any, events: Any) -> Any:
    """An event as a dict; an empty placeholder (made at each reset, not an event) without its time."""
    if event is None:
        return None
    data = event.as_dict()
    if not any(event is logged for logged in events):
        assert event.as_dict()["text"] is None
        data.pop("timestamp")
    return data


def state_of(tracker: DialogueStateTracker) -> Dict[str, Any]:
    """Everything of a tracker that events set or that a copy carries over."""
    return {
        "events": [event.as_dict() for event in tracker.events],
        "current_state": tracker.current_state(EventVerbosity.ALL),
        "slots": {name: (slot.value, slot.has_been_set, type(slot)) for name, slot in tracker.slots.items()},
        "slots_type": type(tracker.slots),
        "latest_message": _latest(tracker.latest_message, tracker.events),
        "latest_bot_utterance": _latest(tracker.latest_bot_utterance, tracker.events),
        "latest_action": tracker.latest_action,
        "followup_action": tracker.followup_action,
        "active_loop": tracker.active_loop,
        "paused": tracker.is_paused(),
        "ids": (tracker.sender_id, tracker.sender_source, tracker.model_id, tracker.assistant_id,
                tracker.is_rule_tracker, tracker._max_event_history, tracker.events.maxlen),
        "past_states": tracker.past_states(DOMAIN),
    }


def _extra_events(seed: int) -> List[Event]:
    rng = random.Random(seed)
    events: List[Event] = []
    for _ in range(3):
        roll = rng.random()
        if roll < 0.3:
            events += [ConversationPaused(), ActionExecuted("action_listen")]
        elif roll < 0.5:
            events += [ConversationResumed(), FollowupAction("utter_greet")]
        elif roll < 0.6:
            events += [Restarted(), ActionExecuted("action_listen")]
        else:
            events += [UserUttered("nog iets", {"name": "greet", "confidence": 1.0}), SlotSet("language", "en")]
    return events


def replayed(sender: str, events: List[Event]) -> DialogueStateTracker:
    """A tracker as Rasa's tracker stores rebuild it: the applied events replayed."""
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.events.extend(events)
    tracker.replay_events()
    return tracker


def without_forms(events: List[Event]) -> List[Event]:
    """The FAQ part of a conversation: no form, revert or restart (what most conversations are)."""
    return [event for event in events if not isinstance(event, ActiveLoop | UserUtteranceReverted | Restarted)]


@pytest.mark.parametrize("seed", range(16))
def test_the_copy_has_the_state_of_rasas_copy_at_every_point_of_a_conversation(seed):
    events = conversation(seed, turns=60, reverts=seed % 2 == 0) + _extra_events(seed)
    if seed % 2:
        events = without_forms(events)
    copied = copy_without_replay(ORIGINAL)
    fast, ends = 0, list(range(1, len(events), 5)) + [len(events)]
    for end in ends:
        for tracker in (DialogueStateTracker.from_events("copy-test", events[:end], DOMAIN.slots),
                        replayed("copy-test", events[:end])):
            tracker.model_id, tracker.assistant_id = "model", "assistant"
            fast += copyable(tracker)
            ours, rasas = copied(tracker), ORIGINAL(tracker)
            assert state_of(ours) == state_of(rasas), end
            assert ours.events is not tracker.events and ours.slots is not tracker.slots
    assert fast == 2 * len(ends) if seed % 2 else fast >= 0


@pytest.mark.parametrize("seed", range(8))
def test_the_state_copy_is_rasas_copy_for_trackers_built_event_by_event(seed):
    events = conversation(seed, turns=40, reverts=True)
    for end in range(1, len(events), 7):
        tracker = DialogueStateTracker.from_events("copy-test", events[:end], DOMAIN.slots)
        assert state_of(copy_state(tracker)) == state_of(ORIGINAL(tracker)), end


def test_a_replayed_tracker_with_a_form_or_a_revert_is_not_copied_by_its_state():
    listen, user = ActionExecuted("action_listen"), UserUttered("x", {"name": "greet"})
    turn = [listen, user, ActionExecuted("utter_greet")]
    assert replays_alike(turn * 3 + [ActiveLoop(None)])
    for odd in (ActiveLoop("situation_form"), UserUtteranceReverted(), ActionReverted(), Restarted()):
        assert not replays_alike(turn + [odd] + turn)
    form = [listen, UserUttered("x", {"name": "greet"}), ActionExecuted("situation_form"),
            ActiveLoop("situation_form"), listen, UserUttered("y", {"name": "deny"}),
            ActionExecuted("situation_form"), listen]
    tracker = replayed("copy-test", form)
    assert not copyable(tracker)
    assert state_of(copy_state(tracker)) != state_of(ORIGINAL(tracker))  # why: the replay undid a form turn


def test_changing_the_copy_leaves_the_source_as_it_was():
    events = conversation(3, turns=30)
    tracker = DialogueStateTracker.from_events("copy-test", events, DOMAIN.slots)
    tracker.change_loop_to("situation_form")
    before = state_of(tracker)
    duplicate = copy_state(tracker)
    duplicate.update(SlotSet("language", "en"))
    duplicate.update(UserUttered("nieuw", {"name": "greet", "confidence": 1.0}))
    duplicate.interrupt_loop(True)
    duplicate.set_latest_action({"action_name": "utter_greet"})
    assert state_of(tracker) == before


def test_trackers_without_slots_and_unnamed_senders_are_copied_as_rasa_does():
    events = [ActionExecuted("action_listen"), SlotSet("anything", "x"), UserUttered("hoi", {"name": "greet"})]
    for sender in ("", None):
        tracker = DialogueStateTracker.from_events(sender, events, None)
        assert state_of(copy_state(tracker)) == state_of(ORIGINAL(tracker))


def test_subclasses_and_cut_trackers_are_copied_by_rasa():
    events = without_forms(conversation(5, turns=40, reverts=False))
    cut = DialogueStateTracker.from_events("copy-test", events, DOMAIN.slots, max_event_history=20)
    assert not plain(cut) and not copyable(cut)
    whole = DialogueStateTracker.from_events("copy-test", events, DOMAIN.slots, max_event_history=10_000)
    assert copyable(whole)
    assert state_of(copy_state(whole)) == state_of(ORIGINAL(whole))
    assert not plain(WindowTracker(whole, 10, {}))


@pytest.mark.patches
def test_installed_copy_is_the_state_copy(runtime_changes):
    tracker = DialogueStateTracker.from_events("copy-test", conversation(1, turns=20), DOMAIN.slots)
    assert DialogueStateTracker.copy is not ORIGINAL
    assert state_of(tracker.copy()) == state_of(ORIGINAL(tracker))
