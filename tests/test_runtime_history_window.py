"""The policies read a bounded window (runtime/history_window.py) and predict exactly as with the whole history."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import (
    RULES,
    RULES_FOR_LOOP_UNHAPPY_PATH,
    RULES_NOT_IN_STORIES,
    RulePolicy,
)
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import history_window, patches
from runtime.history_window import WindowTracker, scan_slots, window, window_start
from runtime.tracker_copy import copy_state

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Domain.load([str(ROOT / "domain.yml"), str(ROOT / "data" / "responses")])
ORIGINAL = patches.original("Policy._prediction_states")
INTENTS = [intent for intent in DOMAIN.intents if not intent.startswith("session")]
UTTERANCES = [name for name in DOMAIN.user_actions if name.startswith("utter_")]
FORMS = list(DOMAIN.form_names)


def _slot_value(rng: random.Random, name: str) -> Any:
    slot = DOMAIN.slots[[s.name for s in DOMAIN.slots].index(name)]
    values = getattr(slot, "values", None)
    return rng.choice(values[:-1]) if values else rng.choice([None, "ja", "nee", "2"])


def conversation(seed: int, turns: int, reverts: bool = True) -> List[Event]:
    """A random conversation in the project's domain: FAQ answers, slots, forms, fallbacks, new sessions."""
    rng = random.Random(seed)
    slot_names = [slot.name for slot in DOMAIN.slots]
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    form = None
    for _ in range(turns):
        events.append(UserUttered("tekst", {"name": rng.choice(INTENTS), "confidence": 0.9}))
        roll = rng.random()
        if form:
            if roll < 0.2:
                events += [ActionExecutionRejected(form), ActionExecuted(rng.choice(UTTERANCES)),
                           LoopInterrupted(True)]
            else:
                events += [ActionExecuted(form), SlotSet(rng.choice(slot_names), _slot_value(rng, "flow"))]
            if roll > 0.6:
                events += [ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_share_guidance"),
                           BotUttered("klaar")]
                form = None
        elif roll < 0.45:
            events += [ActionExecuted("action_answer", hide_rule_turn=True),
                       BotUttered("antwoord", metadata={"utter_action": "utter_faq/what_happened"}),
                       ActionExecuted("action_offer_feedback", hide_rule_turn=True)]
        elif roll < 0.6:
            name = rng.choice(slot_names)
            events += [ActionExecuted(rng.choice(UTTERANCES)), SlotSet(name, _slot_value(rng, name))]
        elif roll < 0.7 and FORMS:
            form = rng.choice(FORMS)
            events += [ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", "situation")]
        elif roll < 0.8:
            events += [ActionExecuted("action_handle_fallback"), SlotSet("fallback_stage", "suggest")]
        elif roll < 0.83:
            events += [ActionExecuted("action_listen"), ActionExecuted("action_session_start"), SessionStarted(),
                       SlotSet("language", "en")]
        elif roll < 0.85:
            events += [ActionExecuted(rng.choice(UTTERANCES)), AllSlotsReset()]
        elif roll < 0.87 and reverts:
            events += [ActionExecuted("action_handle_fallback"), UserUtteranceReverted()]
        else:
            events += [ActionExecuted(rng.choice(UTTERANCES)), BotUttered("iets")]
        events.append(ActionExecuted("action_listen"))
    return events


def tracker_of(events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("test", events, DOMAIN.slots)


@pytest.mark.parametrize("seed", range(12))
def test_the_window_gives_the_newest_states_of_the_whole_history(seed):
    events = conversation(seed, turns=120, reverts=seed % 3 == 0)
    used = 0
    for end in range(10, len(events), 7):
        tracker = tracker_of(events[:end])
        view = window(tracker, 8)
        if view is None:
            continue
        used += 1
        for ignore in (False, True):
            whole = tracker.past_states(DOMAIN, ignore_rule_only_turns=ignore)
            part = view.past_states(DOMAIN, ignore_rule_only_turns=ignore)
            if not ignore:
                # the window's first state is its start; every later one is Rasa's, in order
                assert len(part) >= 9
                assert part[1:] == whole[-(len(part) - 1):], end
    assert used > 5 or seed % 3 == 0


def test_no_window_across_a_revert_an_active_form_or_a_new_session():
    listen, user = ActionExecuted("action_listen"), UserUttered("x", {"name": "greet"})
    turn = [listen, user, ActionExecuted("utter_greet")]
    assert window_start(turn * 10, 4) is not None
    assert window_start(turn * 5 + [UserUtteranceReverted()] + turn * 5, 4) is None
    assert window_start(turn * 5 + [ActiveLoop("situation_form")] + turn * 5, 4) is None
    assert window_start(turn * 5 + [ActiveLoop("situation_form"), ActiveLoop(None)] + turn * 5, 4) is not None
    assert window_start(turn * 2 + [SessionStarted()] + turn, 4) is None


def test_the_window_starts_from_the_slot_values_of_the_whole_session():
    listen, user = ActionExecuted("action_listen"), UserUttered("x", {"name": "greet"})
    events = [SlotSet("flow", "checklist"), SlotSet("language", "en"), AllSlotsReset(), SlotSet("flow", "situation"),
              *([listen, user, ActionExecuted("utter_greet")] * 10)]
    start, slots = window_start(events, 4)
    assert slots == {"flow": "situation"}
    assert isinstance(events[start], ActionExecuted) and isinstance(events[start + 1], UserUttered)


def _rule_policy(tmp_path: Path, lookup: Dict[str, Any]) -> RulePolicy:
    policy = RulePolicy.create({**RulePolicy.get_default_config(), "enable_fallback_prediction": True},
                               LocalModelStorage(tmp_path), Resource("rules"),
                               ExecutionContext(GraphSchema({}), "test"))
    policy.lookup = lookup
    return policy


def _lookup_from(events: List[Event], rng: random.Random) -> Dict[str, Any]:
    """Rules made of real state sequences of a conversation (1 to 3 states), so many of them apply."""
    states = tracker_of(events).past_states(DOMAIN)
    actions = ["utter_greet", "action_answer", "action_listen", "action_handle_fallback"]
    rules = {}
    for _ in range(60):
        end = rng.randrange(1, len(states))
        size = rng.randint(1, 3)
        key = json.dumps(states[max(0, end - size):end], sort_keys=True)
        rules[key] = rng.choice(actions)
    keys = list(rules)
    return {RULES: rules, RULES_FOR_LOOP_UNHAPPY_PATH: {keys[0]: "do_not_predict_loop_action"},
            RULES_NOT_IN_STORIES: keys[:30], "rule_only_slots": [], "rule_only_loops": []}


@pytest.mark.parametrize("seed", range(4))
def test_rule_policy_predicts_the_same_with_the_window(tmp_path, seed, monkeypatch):
    rng = random.Random(seed)
    events = conversation(100 + seed, turns=80, reverts=False)
    policy = _rule_policy(tmp_path, _lookup_from(events, rng))
    compared = 0
    for end in range(20, len(events), 5):
        tracker = tracker_of(events[:end])
        monkeypatch.setattr(Policy, "_prediction_states", ORIGINAL)
        whole = policy._predict(tracker, DOMAIN)
        monkeypatch.setattr(Policy, "_prediction_states", history_window.windowed_prediction_states(ORIGINAL))
        part = policy._predict(tracker_of(events[:end]), DOMAIN)
        assert part[0].probabilities == whole[0].probabilities, end
        assert part[0].hide_rule_turn == whole[0].hide_rule_turn, end
        assert part[0].events == whole[0].events, end
        compared += 1
    assert compared > 50


@pytest.mark.patches
def test_the_policies_see_a_bounded_history_at_turn_1000(tmp_path, runtime_changes):
    """Installed: RulePolicy and an empty MemoizationPolicy get at most a few dozen events, not 4000."""
    seen: List[int] = []
    listen = ActionExecuted("action_listen")
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), listen]
    for number in range(1000):
        events += [UserUttered(f"vraag {number}", {"name": "faq"}), ActionExecuted("action_answer"),
                   BotUttered("antwoord"), ActionExecuted("action_offer_feedback"), listen]
    tracker = tracker_of(events)
    rule_policy = _rule_policy(tmp_path, {RULES: {json.dumps([{"prev_action": {"action_name": "action_listen"},
                                                               "user": {"intent": "faq"}}]): "action_answer"},
                                          RULES_FOR_LOOP_UNHAPPY_PATH: {}, RULES_NOT_IN_STORIES: [],
                                          "rule_only_slots": [], "rule_only_loops": []})
    memo = MemoizationPolicy.create(MemoizationPolicy.get_default_config(), LocalModelStorage(tmp_path),
                                    Resource("memo"), ExecutionContext(GraphSchema({}), "test"))

    rasas_past_states = DialogueStateTracker.past_states

    def recording(self, *args, **kwargs):  # Rasa's own method, with a record of what it was given
        seen.append(len(self.events))
        return rasas_past_states(self, *args, **kwargs)

    DialogueStateTracker.past_states = recording
    try:
        for policy in (rule_policy, memo):
            policy.predict_action_probabilities(tracker, DOMAIN)
    finally:
        DialogueStateTracker.past_states = rasas_past_states
    assert len(tracker.events) > 5000
    assert seen and max(seen) <= 60, seen
    assert isinstance(window(tracker, 8), WindowTracker)


def test_the_slot_scan_goes_on_only_from_the_same_events():
    listen, user = ActionExecuted("action_listen"), UserUttered("x", {"name": "greet"})
    events = [SlotSet("flow", "checklist"), *([listen, user, ActionExecuted("utter_greet")] * 10)]
    start, slots = window_start(events, 4)
    assert slots == {"flow": "checklist"}
    slots["flow"] = "changed by the caller"
    assert window_start(events, 4)[1] == {"flow": "checklist"}
    earlier = scan_slots(events, start - 3)
    # a scan goes on from an earlier one of the same events: what it holds is not read again
    marked = dataclasses.replace(earlier, slots={"flow": "kept"})
    assert scan_slots(events, start, marked).result() == {"flow": "kept"}
    changed = [SlotSet("flow", "situation"), *events[1:]]  # the same window start, another first event
    assert scan_slots(changed, start, marked).result() == {"flow": "situation"}
    assert window_start(changed, 4) == (start, {"flow": "situation"})
    assert scan_slots(events, start - 6, marked).result() == {"flow": "checklist"}  # an earlier start
    reverted = [UserUtteranceReverted(), *events[1:]]
    assert window_start(reverted, 4) is None
    assert scan_slots(reverted, start, marked).result() is None


@pytest.mark.parametrize("seed", range(6))
def test_a_growing_conversation_scans_each_event_once_and_gets_rasas_states(seed):
    events = conversation(500 + seed, turns=80, reverts=seed % 3 == 0)
    tracker = tracker_of(events[:3])
    compared = 0
    for end in range(4, len(events) + 1):
        tracker.update(events[end - 1])
        if not isinstance(events[end - 1], UserUttered):
            continue
        view = window(tracker, 8)
        carried = tracker.__dict__.get(history_window.SLOT_SCAN_ATTRIBUTE)
        if view is None:
            continue
        fresh = scan_slots(list(tracker.events), carried.upto)
        assert carried.result() == fresh.result() and carried.upto == fresh.upto
        whole = tracker.past_states(DOMAIN)
        part = view.past_states(DOMAIN)
        assert part[1:] == whole[-(len(part) - 1):], end
        compared += 1
        tracker = copy_state(tracker)  # the next message's tracker, as the store hands it out
        assert tracker.__dict__.get(history_window.SLOT_SCAN_ATTRIBUTE) is carried
    assert compared > 10 or seed % 3 == 0


@pytest.mark.parametrize("seed", range(3))
def test_a_window_builds_its_states_once_and_each_caller_gets_its_own(seed, monkeypatch):
    built: List[int] = []
    rasas_history = Domain.states_for_tracker_history
    monkeypatch.setattr(Domain, "states_for_tracker_history",
                        lambda self, *a, **k: built.append(1) or rasas_history(self, *a, **k))
    events = conversation(300 + seed, turns=60, reverts=False)
    compared = 0
    for end in range(12, len(events), 3):
        view = window(tracker_of(events[:end]), 8)
        if view is None:
            continue
        for ignore, data in ((False, None), (True, {"rule_only_slots": ["flow"], "rule_only_loops": []}),
                             (False, {"rule_only_slots": [], "rule_only_loops": []})):
            want = DialogueStateTracker.past_states(view, DOMAIN, ignore_rule_only_turns=ignore,
                                                    rule_only_data=data)
            before = len(built)
            first = view.past_states(DOMAIN, ignore_rule_only_turns=ignore, rule_only_data=data)
            for state in first:  # what Rasa's featurizer does to the newest user state
                state.get("user", {}).pop("intent", None)
                state.pop("slots", None)
            second = view.past_states(DOMAIN, ignore_rule_only_turns=ignore, rule_only_data=data)
            assert second == want and second is not first
            assert len(built) - before <= 1, "built at most once per window and arguments"
            compared += 1
    assert compared > 50


def test_a_window_is_kept_only_for_the_same_events_and_length():
    tracker = tracker_of(conversation(2, turns=60, reverts=False))
    view = window(tracker, 8)
    assert view is not None and window(tracker, 8) is view  # the turn's next prediction
    other = window(tracker, 9)
    assert other is not view and window(tracker, 9) is other
    tracker.events[0] = copy.copy(tracker.events[0])  # the same length and newest event, another first
    assert window(tracker, 9) is not other
    again = window(tracker, 9)
    tracker.update(ActionExecuted("action_listen"))
    assert window(tracker, 9) is not again
