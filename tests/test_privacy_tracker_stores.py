"""Redacting tracker stores: real trackers saved to real in-memory, SQLite and broker targets."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.core.brokers.file import FileEventBroker
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from privacy.tracker_stores import (
    RedactingInMemoryTrackerStore,
    RedactingRedisTrackerStore,
    RedactingSQLTrackerStore,
    redact_tracker,
)

RAW = ["123456782", "123.456.782", "06-12345678", "jan@example.nl", "NL91ABNA0417164300"]


def tracker_with_personal_data(domain, sender="privacy-test"):
    text = "Mijn BSN is 123.456.782, bel 06-12345678 of mail jan@example.nl"
    user = UserUttered(
        text,
        intent={"name": "faq", "confidence": 0.9},
        entities=[{"entity": "bsn", "value": "123456782", "start": 12, "end": 23}],
        parse_data={"text": text, "intent": {"name": "faq", "confidence": 0.9},
                    "entities": [{"entity": "bsn", "value": "123456782", "start": 12, "end": 23}]},
        metadata={"note": "IBAN NL91ABNA0417164300"},
    )
    events = [ActionExecuted("action_listen"), user,
              SlotSet("suggestion_1_title", "bel 06-12345678"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def assert_clean(serialised: str):
    for raw in RAW:
        assert raw not in serialised
    assert "[BSN]" in serialised and "[PHONE]" in serialised and "[EMAIL]" in serialised


def test_redact_tracker_covers_text_parse_data_entities_metadata_and_slots(domain):
    tracker = tracker_with_personal_data(domain)
    redact_tracker(tracker)
    user = tracker.latest_message
    assert user.text == "Mijn BSN is [BSN], bel [PHONE] of mail [EMAIL]"
    assert user.parse_data["text"] == user.text
    assert user.parse_data["entities"][0]["value"] == "[BSN]"
    assert user.entities[0]["value"] == "[BSN]"
    assert user.metadata == {"note": "IBAN [IBAN]"}
    assert tracker.get_slot("suggestion_1_title") == "bel [PHONE]"
    assert tracker.get_slot("language") == "nl"


def test_in_memory_store_keeps_only_redacted_text(domain):
    store = RedactingInMemoryTrackerStore(domain)
    asyncio.run(store.save(tracker_with_personal_data(domain)))
    assert_clean(store.store["privacy-test"])


def test_sqlite_store_rows_and_event_broker_hold_only_redacted_text(domain, tmp_path):
    broker_file = tmp_path / "events.log"
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"),
                                     event_broker=FileEventBroker(str(broker_file)))
    asyncio.run(store.save(tracker_with_personal_data(domain)))
    with sqlite3.connect(tmp_path / "t.db") as db:
        rows = "\n".join(str(row) for row in db.execute("SELECT * FROM events"))
    assert_clean(rows)
    assert_clean(broker_file.read_text(encoding="utf-8"))
    restored = asyncio.run(store.retrieve("privacy-test"))
    assert restored.latest_message.text == "Mijn BSN is [BSN], bel [PHONE] of mail [EMAIL]"


def test_store_is_loaded_from_an_endpoints_entry(domain, tmp_path):
    config = EndpointConfig.from_dict({"type": "privacy.tracker_stores.RedactingSQLTrackerStore",
                                       "dialect": "sqlite", "db": str(tmp_path / "e.db")})
    store = create_tracker_store(config, domain)
    asyncio.run(store.save(tracker_with_personal_data(domain)))
    with sqlite3.connect(tmp_path / "e.db") as db:
        assert_clean("\n".join(str(row) for row in db.execute("SELECT data FROM events")))


def test_redis_store_expires_conversations_after_the_retention_period(domain, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "7")
    assert RedactingRedisTrackerStore(domain, host="localhost").record_exp == 7 * 24 * 3600
    assert RedactingRedisTrackerStore(domain, host="localhost", record_exp=60).record_exp == 60


@pytest.mark.parametrize("value", [None, 3, True, "Wat is er gebeurd?"])
def test_values_without_personal_data_are_left_alone(domain, value):
    tracker = DialogueStateTracker.from_events("s", [SlotSet("suggestion_1_title", value)], domain.slots)
    redact_tracker(tracker)
    assert tracker.get_slot("suggestion_1_title") == value


def test_in_memory_store_forgets_conversations_after_the_retention_period(domain, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "2")
    store = RedactingInMemoryTrackerStore(domain)
    asyncio.run(store.save(tracker_with_personal_data(domain, "old")))
    asyncio.run(store.save(tracker_with_personal_data(domain, "new")))
    store.last_saved["old"] -= 3 * 24 * 3600
    assert store.prune() == 1
    assert set(store.store) == {"new"}
    assert asyncio.run(store.retrieve("old")) is None


def test_redis_store_keeps_only_redacted_text_and_expires_it(domain, monkeypatch):
    import redis

    from tests.services import redis_server

    monkeypatch.setenv("RETENTION_DAYS", "2")
    with redis_server() as port:
        store = RedactingRedisTrackerStore(domain, host="127.0.0.1", port=port)
        asyncio.run(store.save(tracker_with_personal_data(domain)))
        client = redis.Redis(host="127.0.0.1", port=port)
        keys = client.keys("*")
        assert keys
        stored = "\n".join(client.get(key).decode("utf-8") for key in keys)
        assert_clean(stored)
        assert all(0 < client.ttl(key) <= 2 * 24 * 3600 for key in keys)
        restored = asyncio.run(store.retrieve("privacy-test"))
        assert restored.latest_message.text == "Mijn BSN is [BSN], bel [PHONE] of mail [EMAIL]"


def test_repeated_saves_reuse_redactions_without_keeping_raw_text(domain):
    from privacy import redact as redact_module

    redact_module._memo.clear()
    store = RedactingInMemoryTrackerStore(domain)
    tracker = tracker_with_personal_data(domain, sender="memo-test")
    asyncio.run(store.save(tracker))
    size = len(redact_module._memo)
    assert size > 0
    for _ in range(3):
        again = asyncio.run(store.retrieve("memo-test"))
        asyncio.run(store.save(again))
    assert len(redact_module._memo) == size  # nothing new to redact: every text was remembered
    kept = " ".join(redact_module._memo.values())
    assert all(raw not in kept for raw in RAW)
    assert all(isinstance(key, bytes) and len(key) == 16 for key in redact_module._memo)
    assert_clean(store.store["memo-test"])


def test_placeholders_are_left_as_they_are():
    from privacy.redact import PLACEHOLDERS, redact

    text = " en ".join(PLACEHOLDERS.values())
    assert redact(text).text == text
    assert redact(text).kinds == ()
