"""Retention: the purge command deletes old conversations from a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from scripts import purge_conversations
from tests.conftest import ROOT

DAY = 24 * 3600


def save_conversation(store, domain, sender, age_days, now):
    stamp = now - age_days * DAY
    events = [ActionExecuted("action_listen", timestamp=stamp - 5),
              UserUttered("Wat is er gebeurd?", {"name": "faq"}, timestamp=stamp)]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, domain.slots)))


def senders(db_path):
    with sqlite3.connect(db_path) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def test_purge_deletes_only_conversations_past_the_retention_period(domain, tmp_path):
    db_path, now = tmp_path / "c.db", time.time()
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(db_path))
    for sender, age in (("new", 1), ("edge", 29.9), ("old", 31), ("ancient", 400)):
        save_conversation(store, domain, sender, age, now)
    assert purge_conversations.purge_sql(store, 30, now=now) == 2
    assert senders(db_path) == {"new", "edge"}
    assert purge_conversations.purge_sql(store, 1, now=now + DAY) == 2
    assert senders(db_path) == set()


def test_command_reads_the_endpoints_file_and_days(domain, tmp_path, capsys, monkeypatch):
    db_path, now = tmp_path / "c.db", time.time()
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(db_path))
    save_conversation(store, domain, "week-old", 7, now)
    save_conversation(store, domain, "today", 0, now)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {
        "type": "privacy.tracker_stores.RedactingSQLTrackerStore", "dialect": "sqlite", "db": str(db_path)}}))
    monkeypatch.setenv("RETENTION_DAYS", "10")
    assert purge_conversations.main(["--endpoints", str(endpoints)]) == 0
    assert senders(db_path) == {"week-old", "today"}
    assert purge_conversations.main(["--endpoints", str(endpoints), "--days", "5"]) == 0
    assert senders(db_path) == {"today"}
    assert "deleted 1 conversation(s) older than 5 day(s)" in capsys.readouterr().out


def test_stores_without_files_need_no_purge(capsys):
    assert purge_conversations.main(["--endpoints", str(ROOT / "endpoints.yml")]) == 0
    assert "in-memory" in capsys.readouterr().out
    assert purge_conversations.main(["--endpoints", str(ROOT / "deploy" / "endpoints.redis.yml")]) == 0
    assert "expire" in capsys.readouterr().out
