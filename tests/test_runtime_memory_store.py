"""The in-memory store that keeps trackers (runtime/memory_store.py) against Rasa's JSON store.

Every turn of random conversations goes through both: the redacting store of this
project and Rasa's own ``InMemoryTrackerStore`` with the redaction as it was before
(every event redacted at every save, the tracker kept as Rasa's JSON text). Both
must hand out trackers with the same state, keep the same JSON text, redact the
same, and split sessions the same; and this store must redact only what is new.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.tracker_stores import RedactingInMemoryTrackerStore
from runtime import memory_store
from runtime.memory_store import TrackerKeepingStore
from tests.test_runtime_history_window import DOMAIN, conversation
from tests.test_runtime_tracker_copy import state_of, without_forms

PERSONAL = ["mijn BSN is 123.456.782", "bel 06-12345678", "mail jan@example.nl", "IBAN NL91ABNA0417164300"]
RAW = ["123.456.782", "06-12345678", "jan@example.nl", "NL91ABNA0417164300"]



@pytest.fixture(autouse=True)
def keeping_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store as the server has it (it follows RASA_PATCHES, which a test run may set to 0)."""
    monkeypatch.delenv("RASA_PATCHES", raising=False)

class RasasStore(RedactingInMemoryTrackerStore):
    """Rasa's in-memory store (JSON text) with the redaction of every event at every save (the former default)."""


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def _with_personal_data(events: List[Event], seed: int) -> List[Event]:
    rng = random.Random(seed)
    for event in events:
        if isinstance(event, UserUttered) and rng.random() < 0.3:
            event.text = f"{event.text} {rng.choice(PERSONAL)}"
            event.parse_data["text"] = event.text
        elif isinstance(event, SlotSet) and isinstance(event.value, str) and rng.random() < 0.3:
            event.value = f"{event.value} {rng.choice(PERSONAL)}"
    return events


def _turns(events: List[Event]) -> List[List[Event]]:
    """The events cut before each user message (what one turn adds)."""
    turns, current = [], []
    for event in events:
        if isinstance(event, UserUttered) and current:
            turns.append(current)
            current = []
        current.append(event)
    return turns + [current]


def _twin(events: List[Event]) -> List[Event]:
    return [Event.from_parameters(event.as_dict()) for event in events]


async def _play(seed: int, turns: int) -> None:
    ours, rasas = TrackerKeepingStore(DOMAIN), RasasStore(DOMAIN)
    assert ours.keeps_trackers
    events = conversation(seed, turns=turns, reverts=seed % 2 == 0)
    events = _with_personal_data(without_forms(events) if seed % 2 else events, seed)
    sender = f"conversation-{seed}"
    for number, turn in enumerate(_turns(events)):
        mine = await ours.get_or_create_tracker(sender, append_action_listen=False)
        theirs = await rasas.get_or_create_tracker(sender, append_action_listen=False)
        assert state_of(mine) == state_of(theirs), number
        mine.model_id = theirs.model_id = "model"  # as the processor sets them
        for event, twin in zip(turn, _twin(turn), strict=True):
            mine.update(event)
            theirs.update(twin)
        await ours.save(mine)
        await rasas.save(theirs)
        assert json.loads(ours.serialised(sender)) == json.loads(rasas.store[sender]), number
        full_mine, full_theirs = await ours.retrieve_full_tracker(sender), await rasas.retrieve_full_tracker(sender)
        assert state_of(full_mine) == state_of(full_theirs), number
    for raw in RAW:
        assert raw not in ours.serialised(sender)


@pytest.mark.parametrize("seed", range(10))
def test_every_turn_gives_the_tracker_and_text_rasas_store_gives(seed):
    """Odd seeds: FAQ conversations (the copy); even seeds: with forms and reverts (Rasa's replay)."""
    run(_play(seed, turns=50))


def test_changes_to_a_handed_out_tracker_stay_out_until_saved():
    store = TrackerKeepingStore(DOMAIN)
    tracker = DialogueStateTracker.from_events("s", conversation(2, turns=10), DOMAIN.slots)
    run(store.save(tracker))
    kept = store.serialised("s")
    handed_out = run(store.retrieve("s"))
    handed_out.update(UserUttered("bel 06-12345678", {"name": "greet", "confidence": 1.0}))
    handed_out.update(SlotSet("language", "en"))
    handed_out.change_loop_to("situation_form")
    assert store.serialised("s") == kept
    again = run(store.retrieve("s"))
    assert again is not handed_out and state_of(again) == state_of(
        DialogueStateTracker.from_dict("s", json.loads(kept)["events"], DOMAIN.slots))


def test_a_saved_turn_redacts_only_its_new_events(monkeypatch):
    store = TrackerKeepingStore(DOMAIN)
    tracker = DialogueStateTracker.from_events("long", conversation(4, turns=300, reverts=False), DOMAIN.slots)
    run(store.save(tracker))
    latest_session = run(store.retrieve("long"))  # the conversation has several: Rasa saves the latest back
    run(store.save(latest_session))
    assert len(latest_session.events) > 100
    redacted: List[Event] = []
    original = memory_store.redact_event
    monkeypatch.setattr(memory_store, "redact_event", lambda event: (redacted.append(event), original(event)))
    again = run(store.retrieve("long"))
    new = [ActionExecuted("action_listen"), UserUttered("bel 06-12345678", {"name": "greet", "confidence": 1.0}),
           ActionExecuted("utter_greet")]
    for event in new:
        again.update(event)
    run(store.save(again))
    assert redacted == new
    assert "06-12345678" not in store.serialised("long") and "[PHONE]" in store.serialised("long")


def test_a_tracker_that_does_not_continue_the_kept_one_is_redacted_whole():
    store = TrackerKeepingStore(DOMAIN)
    run(store.save(DialogueStateTracker.from_events("s", conversation(6, turns=5), DOMAIN.slots)))
    other = _with_personal_data(conversation(6, turns=8), seed=1)
    other.append(UserUttered("mail jan@example.nl", {"name": "greet", "confidence": 1.0}))
    run(store.save(DialogueStateTracker.from_events("s", other, DOMAIN.slots)))
    kept = store.serialised("s")
    assert all(raw not in kept for raw in RAW) and "[EMAIL]" in kept


def test_another_domain_since_the_save_gets_rasas_replay():
    store = TrackerKeepingStore(DOMAIN)
    run(store.save(DialogueStateTracker.from_events("s", conversation(8, turns=20), DOMAIN.slots)))
    store.domain = Domain.from_dict(DOMAIN.as_dict())  # a reloaded model: an equal domain, another object
    assert store.domain is not DOMAIN
    rasas = RasasStore(store.domain)
    rasas.store["s"] = store.serialised("s")
    assert state_of(run(store.retrieve("s"))) == state_of(run(rasas.retrieve("s")))


def test_with_the_switch_off_it_is_rasas_json_store(monkeypatch):
    monkeypatch.setenv("RASA_PATCHES", "0")
    store = TrackerKeepingStore(DOMAIN)
    assert not store.keeps_trackers
    tracker = DialogueStateTracker.from_events("s", _with_personal_data(conversation(3, turns=10), 3), DOMAIN.slots)
    run(store.save(tracker))
    assert isinstance(store.store["s"], str) and store.serialised("s") == store.store["s"]
    assert all(raw not in store.store["s"] for raw in RAW)
    rasas = RasasStore(DOMAIN)
    rasas.store["s"] = store.store["s"]
    assert state_of(run(store.retrieve("s"))) == state_of(run(rasas.retrieve("s")))


def test_the_store_keeps_at_most_max_conversations(monkeypatch):
    monkeypatch.setenv("MAX_CONVERSATIONS", "2")
    store = TrackerKeepingStore(DOMAIN)
    for sender in ("a", "b", "c"):
        run(store.save(DialogueStateTracker.from_events(sender, conversation(1, turns=2), DOMAIN.slots)))
    assert sorted(store.kept) == ["b", "c"] and run(store.retrieve("a")) is None
