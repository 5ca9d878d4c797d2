"""An action call's tracker state from the kept event dictionaries (runtime/event_dicts.py) equals Rasa's own."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from runtime import patches
from runtime.event_dicts import CACHE_ATTRIBUTE, current_state_with_kept_dicts, kept_dicts
from runtime.memory_store import TrackerKeepingStore
from runtime.tracker_copy import copy_state
from tests.test_runtime_history_window import DOMAIN, conversation
from tests.test_runtime_memory_store import _turns, _with_personal_data
from tests.test_runtime_tracker_copy import without_forms

ORIGINAL = patches.original("DialogueStateTracker.current_state")
CURRENT_STATE = current_state_with_kept_dicts(ORIGINAL)


async def _play(seed: int) -> int:
    store = TrackerKeepingStore(DOMAIN)
    events = conversation(seed, turns=40, reverts=seed % 2 == 0)
    events = _with_personal_data(without_forms(events) if seed % 2 else events, seed)
    used = 0
    for turn in _turns(events):
        tracker = await store.get_or_create_tracker("s", append_action_listen=False)
        tracker.model_id = "model"
        for number, event in enumerate(turn):
            tracker.update(event)
            if number % 2 == 0:  # an action call in the middle of the turn
                for view in (tracker, copy_state(tracker)):
                    assert CURRENT_STATE(view, EventVerbosity.ALL) == ORIGINAL(view, EventVerbosity.ALL)
                used += kept_dicts(tracker) is not None
        for verbosity in (EventVerbosity.NONE, EventVerbosity.APPLIED, EventVerbosity.AFTER_RESTART):
            assert CURRENT_STATE(tracker, verbosity) == ORIGINAL(tracker, verbosity)
        await store.save(tracker)
    return used


@pytest.mark.parametrize("seed", range(8))
def test_the_state_sent_to_actions_is_rasas_turn_after_turn(seed):
    assert asyncio.run(_play(seed)) > 20



@pytest.fixture(autouse=True)
def keeping_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store as the server has it (it follows RASA_PATCHES, which a test run may set to 0)."""
    monkeypatch.delenv("RASA_PATCHES", raising=False)

def test_the_kept_dictionaries_are_made_after_redaction_and_copied_for_each_call():
    store = TrackerKeepingStore(DOMAIN)
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"), UserUttered(
        "bel 06-12345678", {"name": "greet", "confidence": 1.0}), SlotSet("language", "en")], DOMAIN.slots)
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("s"))
    first = CURRENT_STATE(again, EventVerbosity.ALL)["events"]
    assert first[1]["text"] == "bel [PHONE]"
    first[1]["text"] = "changed by an action"
    assert CURRENT_STATE(again, EventVerbosity.ALL)["events"][1]["text"] == "bel [PHONE]"


def test_other_events_than_the_kept_ones_get_rasas_state():
    store = TrackerKeepingStore(DOMAIN)
    asyncio.run(store.save(DialogueStateTracker.from_events("s", conversation(1, turns=5), DOMAIN.slots)))
    again = asyncio.run(store.retrieve("s"))
    assert again.__dict__.get(CACHE_ATTRIBUTE) is not None
    again.events[-1] = ActionExecuted("utter_greet")  # the newest kept event replaced
    assert CURRENT_STATE(again, EventVerbosity.ALL) == ORIGINAL(again, EventVerbosity.ALL)
    assert CURRENT_STATE(again, EventVerbosity.ALL)["events"][-1]["name"] == "utter_greet"
    again.events[0] = ActionExecuted("utter_goodbye")  # and the first
    assert CURRENT_STATE(again, EventVerbosity.ALL)["events"][0]["name"] == "utter_goodbye"
