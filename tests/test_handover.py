"""The handover to a person, piece by piece: settings, office hours, signatures, summary, texts, off by default."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import date, datetime
from datetime import time as day_time
from zoneinfo import ZoneInfo

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import send_answer
from actions.fallback import ActionHandleFallback
from channels import live_agent
from channels.chatwoot import ChatwootInput
from channels.guard import MessageGuard
from channels.kv import MemoryStore
from handover import texts
from handover.hours import OfficeHours, describe
from handover.settings import REQUIRED, load_settings
from handover.store import Handover, Handovers
from handover.summary import summary, topics
from handover.webhook import parse_event, signature, valid
from operations.check import text_problems
from tests.conftest import ROOT, make_tracker, user_turn

ZONE = ZoneInfo("Europe/Amsterdam")
ON = {"CHATWOOT_URL": "http://127.0.0.1:9/", "CHATWOOT_API_TOKEN": "t", "CHATWOOT_INBOX_ID": "3",
      "CHATWOOT_WEBHOOK_SECRET": "s"}


@pytest.fixture
def handover_off(monkeypatch):
    """Today's configuration: none of the four settings."""
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)
    live_agent.install(None)
    return monkeypatch


# --- settings ------------------------------------------------------------------------------------

def test_the_handover_is_off_without_settings_and_refuses_some_of_them():
    assert load_settings({}) is None
    config = load_settings(ON)
    assert (config.url, config.inbox_id, config.account_id, config.timeout_s) == ("http://127.0.0.1:9", 3, 1, 5.0)
    for name in REQUIRED:
        with pytest.raises(ValueError, match=name):
            load_settings({key: value for key, value in ON.items() if key != name})


# --- office hours --------------------------------------------------------------------------------

def test_the_shipped_hours_file_reads_and_holidays_close_a_weekday():
    hours = OfficeHours.load(ROOT / "handover" / "hours.yml")
    monday_10 = datetime(2026, 12, 7, 10, 0, tzinfo=ZONE)
    assert hours.is_open(monday_10)
    assert not hours.is_open(datetime(2026, 12, 7, 17, 0, tzinfo=ZONE))
    assert not hours.is_open(datetime(2026, 12, 12, 10, 0, tzinfo=ZONE))  # Saturday
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=ZONE)
    assert christmas.weekday() == 4 and not hours.is_open(christmas)
    assert hours.next_opening(datetime(2026, 12, 24, 18, 0, tzinfo=ZONE)) == datetime(2026, 12, 28, 9, 0,
                                                                                     tzinfo=ZONE)


def test_hours_are_amsterdam_time_and_the_next_opening_is_said_plainly():
    hours = OfficeHours(ZONE, {0: [(day_time(9, 0), day_time(17, 0))]}, frozenset({date(2026, 12, 14)}))
    utc_8 = datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("UTC"))  # 9.30 in Amsterdam
    assert hours.is_open(utc_8)
    following = hours.next_opening(datetime(2026, 12, 7, 18, 0, tzinfo=ZONE))
    assert following == datetime(2026, 12, 21, 9, 0, tzinfo=ZONE)  # 14 Dec is a holiday
    assert describe(following, "nl") == "maandag 21 december om 9.00 uur"
    assert describe(following, "en") == "Monday 21 December at 9:00"
    assert OfficeHours(ZONE, {}, frozenset()).next_opening(following) is None


def test_a_day_can_run_until_midnight(tmp_path):
    path = tmp_path / "hours.yml"
    path.write_text("weekly:\n  sunday: ['20:00-24:00']\n", encoding="utf-8")
    assert OfficeHours.load(path).is_open(datetime(2026, 12, 6, 23, 59, 59, tzinfo=ZONE))


def test_a_bad_hours_file_is_refused(tmp_path):
    path = tmp_path / "hours.yml"
    path.write_text("weekly:\n  funday: ['09:00-17:00']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="funday"):
        OfficeHours.load(path)
    path.write_text("weekly:\n  monday: ['17:00-09:00']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ends before"):
        OfficeHours.load(path)


# --- webhook signature and events ------------------------------------------------------------------

def test_the_signature_is_chatwoots_hmac_over_timestamp_and_body():
    body, stamp = b'{"event":"message_created"}', "1765000000"
    expected = "sha256=" + hmac.new(b"secret", b"1765000000." + body, hashlib.sha256).hexdigest()
    assert signature("secret", stamp, body) == expected
    assert valid("secret", expected, stamp, body, clock=lambda: 1765000100)


@pytest.mark.parametrize("change", ["secret", "body", "timestamp", "old", "missing", "not a number"])
def test_any_change_to_a_signed_webhook_is_refused(change):
    body, stamp, now = b'{"event":"message_created"}', "1765000000", lambda: 1765000010
    good = signature("secret", stamp, body)
    cases = {"secret": ("other", good, stamp, body, now), "body": ("secret", good, stamp, body + b" ", now),
             "timestamp": ("secret", good, "1765000001", body, now),
             "old": ("secret", good, stamp, body, lambda: 1765000000 + 301),
             "missing": ("secret", None, stamp, body, now), "not a number": ("secret", good, "soon", body, now)}
    secret, given, timestamp, raw, clock = cases[change]
    assert not valid(secret, given, timestamp, raw, clock=clock)


def test_only_public_agent_replies_and_resolving_count():
    reply = {"event": "message_created", "message_type": "outgoing", "private": False, "content": " Hallo ",
             "conversation": {"id": 9}}
    assert parse_event(reply).reply == "Hallo" and parse_event(reply).conversation_id == 9
    assert parse_event({**reply, "private": True}) is None  # a note among agents
    assert parse_event({**reply, "message_type": "incoming"}) is None  # the user's own message, relayed
    assert parse_event({"event": "conversation_status_changed", "id": 9, "status": "resolved"}).resolved
    assert parse_event({"event": "conversation_status_changed", "id": 9, "status": "open"}) is None
    assert parse_event(["not", "an", "object"]) is None


# --- summary and texts -----------------------------------------------------------------------------

def test_the_summary_names_topics_never_the_users_words(domain):
    tracker = make_tracker(domain, [
        [user_turn("faq", "Mijn naam is Jan, welke gegevens zijn gestolen?", faq_ranking=[("which_data", 0.9)]),
         ActionExecuted("action_answer"), BotUttered("...", metadata={"utter_action": "utter_faq/which_data"})],
        [user_turn("request_human", "Ik wil iemand spreken, bel 0612345678")]])
    assert topics(tracker.events) == ["which_data", "request_human"]
    note = summary(tracker.events, "telegram", "nl")
    assert "which_data" in note and "request_human" in note and "telegram" in note
    assert "Jan" not in note and "0612345678" not in note and "gestolen" not in note


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("key", texts.USER_TEXTS)
def test_every_handover_text_passes_the_content_check(key, language):
    moment = "maandag 7 december om 9.00 uur" if language == "nl" else "Monday 7 December at 9:00"
    text = texts.text(key, language, position=3, next=moment)
    buttons = texts.offer(language)["buttons"] if key == "offer" else ()
    assert text_problems(f"handover_{key}", text, language, ROOT / "actions" / "data" / "guidance.yml",
                         buttons, exempt_kind=texts.SOURCE_EXEMPT.get(key, "")) == []


def test_outside_hours_and_failures_give_the_same_official_channels_as_utter_human(domain):
    for language, variation in (("nl", 0), ("en", 1)):
        human = domain.responses["utter_human"][variation]["text"]
        channels = human.split("doorverbinden. " if language == "nl" else "to a person. ", 1)[1]
        for key in ("closed", "closed_unknown", "unavailable", "declined"):
            assert texts.text(key, language, next="x").endswith(channels)


# --- the store ---------------------------------------------------------------------------------------

def test_a_handover_is_found_by_user_and_by_chatwoot_conversation_and_ends_cleanly():
    handovers = Handovers(MemoryStore())

    async def scenario():
        record = Handover("telegram", "telegram-abc", 41, "en", until=10**10, address="5551")
        await handovers.save(record)
        assert await handovers.get("telegram", "telegram-abc") == record
        assert await handovers.by_conversation(41) == record
        assert await handovers.get("rest", "telegram-abc") is None
        await handovers.queue("rest", "x", [{"text": "a"}])
        await handovers.queue("rest", "x", [{"text": "b"}])
        assert await handovers.take("rest", "x") == [{"text": "a"}, {"text": "b"}]
        assert await handovers.take("rest", "x") == []
        await handovers.end(record)
        assert await handovers.get("telegram", "telegram-abc") is None and await handovers.by_conversation(41) is None

    asyncio.run(scenario())


def test_no_message_text_is_stored_in_a_handover_record():
    store = MemoryStore()
    asyncio.run(Handovers(store).save(Handover("rest", "s1", 5, until=10**10)))
    assert set(json.loads(next(v for _, v in store._items.values() if v.startswith("{")))) == {
        "channel", "sender", "conversation_id", "language", "until", "address", "reply_from"}


# --- off by default: everything as today -------------------------------------------------------------

def test_off_a_request_for_a_person_gets_todays_answer(handover_off):
    dispatcher = CollectingDispatcher()
    send_answer(dispatcher, {"text": "ik wil een mens", "intent": {"name": "request_human", "confidence": 0.99}},
                [], "nl")
    assert [m["response"] for m in dispatcher.messages] == ["utter_human"]
    assert not [m for m in dispatcher.messages if m.get("buttons")]


def test_on_a_request_for_a_person_gets_the_offer_and_distress_gets_it_after_113(handover_off):
    for name, value in ON.items():
        handover_off.setenv(name, value)
    dispatcher = CollectingDispatcher()
    send_answer(dispatcher, {"text": "ik wil een mens", "intent": {"name": "request_human", "confidence": 0.99}},
                [], "en")
    assert [(m["text"], m["buttons"]) for m in dispatcher.messages] == [
        (texts.offer("en")["text"], texts.offer("en")["buttons"])]
    dispatcher = CollectingDispatcher()
    send_answer(dispatcher, {"text": "ik wil niet meer leven", "intent": {"name": "urgent_help", "confidence": 0.9},
                             "feeling": {"urgent": "suicide"}}, [], "nl")
    assert [m["response"] for m in dispatcher.messages] == ["utter_distress_113", None]
    assert dispatcher.messages[1]["text"] == texts.offer("nl")["text"]


def fallback_turns():
    miss = [user_turn("nlu_fallback", "iets vaags", 0.3, [("which_lab", 0.4), ("lab_location", 0.3)]),
            ActionExecuted("action_handle_fallback"), BotUttered("..."), ActionExecuted("action_listen")]
    return [miss, [user_turn("nlu_fallback", "nog steeds vaag", 0.3, [("which_lab", 0.4)])]]


@pytest.mark.parametrize("on", [False, True])
def test_a_second_miss_in_a_row_offers_a_person_only_when_on(domain, domain_dict, handover_off, on):
    if on:
        for name, value in ON.items():
            handover_off.setenv(name, value)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleFallback().run(dispatcher, make_tracker(domain, fallback_turns()),
                                                    domain_dict))
    assert [e["value"] for e in events if e["event"] == "slot"] == ["contact"]
    assert [m["text"] for m in dispatcher.messages] == ([texts.offer("nl")["text"]] if on else [])


def test_off_the_webhook_does_not_exist_and_the_offers_buttons_are_no_commands(domain, handover_off):
    channel = ChatwootInput.from_credentials(None)
    routes = channel.blueprint(lambda message: None)._future_routes
    assert len(routes) == 1 and asyncio.run(next(iter(routes)).handler(None)).status == 404
    assert live_agent.current() is None
    received = []

    async def record(message):
        received.append(message.text)

    collector = CollectingOutputChannel()
    asyncio.run(MessageGuard(lambda: domain).handle(texts.ACCEPT, collector, "u1", record, "rest"))
    assert received == ["handover_accept"]  # as today: an unknown command reaches Rasa as plain text


def test_credentials_list_the_chatwoot_channel():
    assert "channels.chatwoot.ChatwootInput:" in (ROOT / "credentials.yml").read_text(encoding="utf-8")
