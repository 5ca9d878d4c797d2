"""make report: the report over a seeded sample store written by Rasa's own (redacting) SQL store.

The expected numbers come from the sample's plan (what each generated message
was meant to be), counted here with plain loops, never with report.metrics.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from privacy.redact import redact_text
from report import __main__ as report_cli
from report import sample
from report.conversations import conversations_of
from report.export import spreadsheet_safe
from report.load import StoredEvent, events_query, url_from_argument, url_from_endpoints
from report.metrics import percentile
from report.period import make_period
from tests.conftest import ROOT

FIRST = sample.START
LAST = sample.START + dt.timedelta(days=sample.DAYS - 1)
# Two days starting just after midnight of the conversation that runs past midnight.
SUB_FIRST, SUB_LAST = sample.START + dt.timedelta(days=3), sample.START + dt.timedelta(days=4)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "sample.db"
    plan = sample.write_sample(path)
    return path, plan


def run_report(store, tmp_path_factory, first, last):
    path, _ = store
    out = tmp_path_factory.mktemp("out")
    code = report_cli.main(["--db", f"sqlite:///{path}", "--from", first.isoformat(), "--to", last.isoformat(),
                            "--timezone", sample.ZONE, "--out", str(out)])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def full(store, tmp_path_factory):
    return run_report(store, tmp_path_factory, FIRST, LAST)


@pytest.fixture(scope="module")
def part(store, tmp_path_factory):
    return run_report(store, tmp_path_factory, SUB_FIRST, SUB_LAST)


def read(out, name):
    with (out / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def summary(out):
    return {row["metric"]: row["value"] for row in read(out, "summary.csv")}


# --- the expected numbers, from the plan ------------------------------------
def local_day(timestamp):
    return dt.datetime.fromtimestamp(timestamp, ZoneInfo(sample.ZONE)).date()


def expected(plan, first, last):
    def inside(timestamp):
        return first <= local_day(timestamp) <= last

    e = defaultdict(Counter)
    senders, delays = set(), []
    by_day_delays = defaultdict(list)
    for conversation in plan.conversations:
        for run in conversation.forms:
            if inside(run.started):
                e["forms_started"][run.form] += 1
                e[f"forms_{run.outcome}"][run.form] += 1
                if run.reason:
                    e[f"forms_stopped_{run.reason}"][run.form] += 1
        messages = [m for m in conversation.messages if inside(m.at)]
        if not messages:
            continue
        senders.add(conversation.sender)
        e["conversations"][(local_day(messages[0].at), conversation.channel)] += 1
        e["conversation_languages"][conversation.language] += 1
        if any(m.intent == "request_human" for m in messages):
            e["totals"]["conversations_with_human_request"] += 1
        for m in messages:
            key = (local_day(m.at), m.channel)
            e["messages"][key] += 1
            e["message_languages"][m.language] += 1
            if m.fallback:
                e["fallbacks"][key] += 1
                e["unanswered"][redact_text(m.text)] += 1
            if m.intent == "request_human":
                e["human"][key] += 1
            if m.topic:
                e["topics"][m.topic] += 1
            if m.feedback:
                kind, topic, reason = m.feedback
                e[f"feedback_{kind}"][topic] += 1
                if reason:
                    e["reasons"][(topic, reason)] += 1
            if m.delay is None:
                e["totals"]["unreplied"] += 1
            else:
                delays.append(m.delay)
                by_day_delays[local_day(m.at)].append(m.delay)
    e["totals"]["senders"] = len(senders)
    return e, delays, by_day_delays


def per_day(counter):
    totals = Counter()
    for (day, _), count in counter.items():
        totals[day] += count
    return totals


def per_channel(counter):
    totals = Counter()
    for (_, channel), count in counter.items():
        totals[channel] += count
    return totals


def check_numbers(out, plan, first, last):
    e, delays, by_day_delays = expected(plan, first, last)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]

    daily = read(out, "daily.csv")
    assert [row["date"] for row in daily] == [day.isoformat() for day in days]
    for row in daily:
        day = dt.date.fromisoformat(row["date"])
        assert int(row["conversations"]) == per_day(e["conversations"])[day]
        assert int(row["user_messages"]) == per_day(e["messages"])[day]
        assert int(row["fallback_messages"]) == per_day(e["fallbacks"])[day]
        assert int(row["human_requests"]) == per_day(e["human"])[day]
        assert float(row["response_time_median_s"]) == pytest.approx(np.percentile(by_day_delays[day], 50), abs=2e-3)

    pairs = {(row["date"], row["channel"]): row for row in read(out, "daily_channels.csv")}
    for (day, channel), count in e["messages"].items():
        assert int(pairs[(day.isoformat(), channel)]["user_messages"]) == count
    for (day, channel), count in e["conversations"].items():
        assert int(pairs[(day.isoformat(), channel)]["conversations"]) == count
    assert sum(int(row["user_messages"]) for row in pairs.values()) == sum(e["messages"].values())

    channels = {row["channel"]: row for row in read(out, "channels.csv")}
    assert set(channels) == set(per_channel(e["messages"]))
    for channel, row in channels.items():
        assert int(row["conversations"]) == per_channel(e["conversations"])[channel]
        assert int(row["user_messages"]) == per_channel(e["messages"])[channel]
        assert int(row["fallback_messages"]) == per_channel(e["fallbacks"])[channel]

    topics = {row["topic"]: row for row in read(out, "topics.csv")}
    assert {t: int(r["answers"]) for t, r in topics.items() if int(r["answers"])} == dict(e["topics"])
    for topic, row in topics.items():
        assert int(row["feedback_positive"]) == e["feedback_positive"][topic]
        assert int(row["feedback_negative"]) == e["feedback_negative"][topic]
        for reason in sample.FEEDBACK_REASONS:
            assert int(row[f"reason_{reason}"]) == e["reasons"][(topic, reason)]
        assert row["reason_unknown"] == "0"
    assert set(e["feedback_positive"]) | set(e["feedback_negative"]) <= set(topics)

    assert {row["text"]: int(row["count"]) for row in read(out, "unanswered.csv")} == dict(e["unanswered"])

    forms = {row["form"]: row for row in read(out, "forms.csv")}
    assert set(forms) == {"situation_form", "affected_form", "checklist_form"}
    for form, row in forms.items():
        assert int(row["started"]) == e["forms_started"][form]
        assert int(row["completed"]) == e["forms_completed"][form]
        assert int(row["abandoned"]) == e["forms_abandoned"][form]
        assert int(row["stopped"]) == e["forms_stopped"][form]
        for reason in ("stop", "question", "switch"):
            assert int(row[f"stopped_{reason}"]) == e[f"forms_stopped_{reason}"][form]

    languages = {row["language"]: row for row in read(out, "languages.csv")}
    for language in ("nl", "en"):
        assert int(languages[language]["conversations"]) == e["conversation_languages"][language]
        assert int(languages[language]["user_messages"]) == e["message_languages"][language]

    figures = summary(out)
    messages, fallbacks = sum(e["messages"].values()), sum(e["fallbacks"].values())
    assert int(figures["conversations"]) == sum(e["conversations"].values())
    assert int(figures["senders"]) == e["totals"]["senders"]
    assert int(figures["user_messages"]) == messages
    assert float(figures["fallback_rate"]) == pytest.approx(fallbacks / messages, abs=1e-4)
    assert int(figures["human_requests"]) == sum(e["human"].values())
    assert int(figures["conversations_with_human_request"]) == e["totals"]["conversations_with_human_request"]
    assert int(figures["unreplied_messages"]) == e["totals"]["unreplied"]
    assert int(figures["replied_messages"]) == len(delays)
    assert float(figures["response_time_median_s"]) == pytest.approx(np.percentile(delays, 50), abs=2e-3)
    assert float(figures["response_time_p95_s"]) == pytest.approx(np.percentile(delays, 95), abs=2e-3)
    return e


# --- tests ------------------------------------------------------------------
def test_sample_covers_what_the_report_measures(store):
    _, plan = store
    messages = [m for c in plan.conversations for m in c.messages]
    assert len(plan.conversations) == sample.CONVERSATIONS
    assert {c.channel for c in plan.conversations} == set(sample.CHANNELS)
    assert len({c.sender for c in plan.conversations}) < len(plan.conversations)  # some senders come back
    assert {f.outcome for c in plan.conversations for f in c.forms} == {"completed", "stopped", "abandoned"}
    assert {f.reason for c in plan.conversations for f in c.forms} >= {"stop", "question", "switch"}
    assert {m.feedback[0] for m in messages if m.feedback} == {"positive", "negative", "reason"}
    assert {m.language for m in messages} == {"nl", "en"}
    assert any(m.delay is None for m in messages)
    assert any(local_day(c.messages[0].at) != local_day(c.messages[-1].at) for c in plan.conversations)


def test_full_period_numbers_match_the_plan(store, full):
    check_numbers(full, store[1], FIRST, LAST)
    assert int(summary(full)["conversations"]) == sample.CONVERSATIONS


def test_sub_period_counts_only_its_days(store, part):
    e = check_numbers(part, store[1], SUB_FIRST, SUB_LAST)
    # The conversation that started 30 s before SUB_FIRST counts on SUB_FIRST, with its later messages.
    assert 0 < sum(e["conversations"].values()) < sample.CONVERSATIONS


def test_unanswered_messages_are_shown_as_stored(full):
    texts = {row["text"] for row in read(full, "unanswered.csv")}
    assert "Mijn telefoonnummer is [PHONE], bel me terug" in texts
    assert "mail me op [EMAIL]" in texts
    page = (full / "report.html").read_text(encoding="utf-8")
    assert "Mijn telefoonnummer is [PHONE], bel me terug" in page


def test_no_sender_id_or_typed_personal_data_in_the_report(store, full):
    _, plan = store
    outputs = [(full / name).read_text(encoding="utf-8-sig") for name in report_cli.export.FILES]
    outputs.append((full / "report.html").read_text(encoding="utf-8"))
    for sender in {c.sender for c in plan.conversations}:
        assert not any(sender in text for text in outputs)
    for personal in ("0612345678", "jan.jansen@example.nl", "jane@example.com"):
        assert not any(personal in text for text in outputs)


def test_page_embeds_every_chart_as_png(full):
    page = (full / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">', page)
    assert len(images) == 8
    for data, _ in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")
    assert "Conversation report 2026-11-02 to 2026-11-08" in page
    for name in report_cli.export.FILES:
        assert f'href="{name}"' in page


def test_every_csv_file_parses_with_a_header(full):
    for name in report_cli.export.FILES:
        with (full / name).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows and all(len(row) == len(rows[0]) for row in rows), name


def test_empty_period_still_writes_a_page(store, tmp_path):
    path, _ = store
    assert report_cli.main(["--db", str(path), "--from", "2020-01-01", "--to", "2020-01-02",
                            "--out", str(tmp_path)]) == 0
    assert summary(tmp_path)["conversations"] == "0"
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count("data:image/png;base64,") == 8


def test_missing_database_and_bad_dates_are_errors(tmp_path, capsys):
    assert report_cli.main(["--db", str(tmp_path / "none.db"), "--out", str(tmp_path)]) == 2
    assert report_cli.main(["--db", str(tmp_path / "none.db"), "--from", "2026-11-05", "--to", "2026-11-01"]) == 2
    assert report_cli.main(["--db", str(tmp_path / "none.db"), "--timezone", "Mars/Olympus"]) == 2
    assert "no SQLite database" in capsys.readouterr().err


def test_database_addresses():
    assert url_from_argument("conversations.db") == "sqlite:///conversations.db"
    assert url_from_argument("postgresql://rasa@db:5432/rasa") == "postgresql://rasa@db:5432/rasa"
    assert url_from_endpoints(str(ROOT / "deploy" / "endpoints.sqlite.yml")) == "sqlite:///conversations.db"
    with pytest.raises(ValueError):
        url_from_endpoints(str(ROOT / "deploy" / "endpoints.redis.yml"))


def test_query_compiles_for_postgresql():
    from sqlalchemy.dialects import postgresql

    sql = str(events_query(make_period("2026-11-01", "2026-11-30")).compile(dialect=postgresql.dialect()))
    assert "FROM events" in sql and "sender_id IN (SELECT DISTINCT" in sql
    assert sql.rstrip().endswith("ORDER BY events.sender_id, events.id")


def test_csv_texts_cannot_run_as_spreadsheet_formulas():
    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_safe("-1") == "'-1"
    assert spreadsheet_safe("Wat is er gebeurd?") == "Wat is er gebeurd?"


def test_period_defaults_to_the_last_30_days():
    period = make_period(today=dt.date(2026, 11, 30))
    assert (period.first, period.last) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert period.end - period.start == 30 * 24 * 3600
    assert make_period("2026-10-25", "2026-10-25").end - make_period("2026-10-25", "2026-10-25").start == 25 * 3600


def test_percentile_interpolates_like_numpy():
    values = [0.4, 3.0, 1.2, 9.5, 0.8, 2.2, 7.1]
    for q in (0, 50, 90, 95, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))
    assert percentile([], 50) is None


def stored(kind, timestamp, **data):
    return StoredEvent(kind, timestamp, {"event": kind, "timestamp": timestamp, **data})


def test_walker_edges_session_and_form_ends():
    user = {"parse_data": {"intent": {"name": "choose"}, "entities": []}, "input_channel": "rest", "text": "x"}
    events = [
        stored("bot", 1.0, metadata={"utter_action": "utter_greet"}),  # before any user message: no turn
        stored("user", 2.0, **user),
        stored("active_loop", 2.5, name="situation_form"),
        stored("active_loop", 2.6, name="situation_form"),  # same form again: one run
        stored("bot", 3.0, metadata={"utter_action": "utter_ask_situation"}),
        stored("user", 4.0, **user),
        stored("active_loop", 4.2, name="checklist_form"),  # another form took over: first abandoned
        stored("active_loop", 4.3, name=None),  # ended without flow_exit: completed
        stored("session_started", 10.0),
        stored("slot", 10.0, name="language", value="en"),
        stored("user", 11.0, **user),
        stored("active_loop", 11.1, name="affected_form"),  # a new session ends it: abandoned
        stored("session_started", 20.0),
        stored("user", 21.0, **{**user, "input_channel": None}),
    ]
    first, second, third = conversations_of(events)
    assert [m.response_time for m in first.messages] == [1.0, None]
    assert [(run.form, run.outcome) for run in first.form_runs] == [
        ("situation_form", "abandoned"), ("checklist_form", "completed")]
    assert second.language == "en" and second.messages[0].language == "en"
    assert [(run.form, run.outcome) for run in second.form_runs] == [("affected_form", "abandoned")]
    assert third.language == "nl" and third.messages[0].channel == "unknown"
