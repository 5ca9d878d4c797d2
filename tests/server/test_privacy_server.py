"""Personal data sent to a running server appears nowhere: not in SQLite rows, logs or the tracker API.

The server runs with --debug and library logs at DEBUG, the SQLite example
endpoints (deploy/endpoints.sqlite.yml) and the project's credentials.yml.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from functools import partial

import pytest
import socketio

from tests.server.harness import RestConversations

pytestmark = pytest.mark.server

# (message with a question, the personal data in it, its placeholder)
CASES = [
    ("Mijn BSN is 123 456 782. Moet ik mijn BSN veranderen?", "123 456 782", "[BSN]"),
    ("Rekening NL91 ABNA 0417 1643 00, waar meld ik fraude?", "NL91 ABNA 0417 1643 00", "[IBAN]"),
    ("Bel mij op 06-12345678, hoe herken ik een nepbericht?", "06-12345678", "[PHONE]"),
    ("Mijn nummer is +44 20 7946 0958. Wat moet ik nu doen?", "+44 20 7946 0958", "[PHONE]"),
    ("Mail naar j.jansen@example.nl, welke gegevens zijn gestolen?", "j.jansen@example.nl", "[EMAIL]"),
    ("Ik woon op 2288 ER 12, krijg ik een brief?", "2288 ER 12", "[POSTCODE]"),
    ("Ik ben geboren op 14-03-1971, zit ik erbij?", "14-03-1971", "[BIRTH_DATE]"),
    ("Paspoort XR1001R58, moet ik aangifte doen?", "XR1001R58", "[ID_NUMBER]"),
    ("Ik heet Anna de Boer, zit ik erbij?", "Anna de Boer", "[NAME]"),
    ("Ik woon op de Kerkstraat 5, krijg ik een brief?", "Kerkstraat 5", "[ADDRESS]"),
    ("Mail naar jan apenstaartje gmail punt com, wat is er gestolen?", "jan apenstaartje gmail punt com",
     "[EMAIL]"),
]
API_CASE = ("Mijn BSN is 111222333, wat is er gebeurd?", "111222333", "[BSN]")


def forms(raw):
    """The value as written and without separators, so neither form may appear anywhere."""
    return {raw, re.sub(r"[\s.\-]", "", raw)}


def post_json(url, payload):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.status, json.loads(answer.read())


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def conversation(servers):
    """Sends every case through the REST channel, one conversation; returns (sender, answers)."""
    rest = RestConversations()
    answers = [rest.say(f"{servers.url}/webhooks/rest/webhook", "privacy", {"message": text})
               for text, _, _ in CASES]
    return rest.id("privacy"), answers


@pytest.fixture(scope="module")
def api_conversation(servers):
    """Posts one message straight to the HTTP API, bypassing the channels."""
    sender = f"api-{uuid.uuid4().hex[:12]}"
    status, _ = post_json(f"{servers.url}/conversations/{sender}/messages",
                          {"text": API_CASE[0], "sender": "user"})
    assert status == 200
    return sender


def test_each_answer_starts_with_the_notice_and_still_answers(conversation, servers):
    notice = "U hoeft mij geen persoonsgegevens te geven"
    _, answers = conversation
    for (text, raw, _), (status, messages) in zip(CASES, answers, strict=True):
        assert status == 200
        texts = [m.get("text", "") for m in messages]
        assert texts[0].startswith(notice), text
        assert len(texts) >= 2 and not texts[1].startswith(notice), text
        assert all(form not in " ".join(texts) for form in forms(raw))


def test_sqlite_rows_hold_placeholders_not_the_data(conversation, api_conversation, servers):
    with sqlite3.connect(servers.workdir / "conversations.db") as db:
        rows = "\n".join(" ".join(map(str, row)) for row in db.execute("SELECT * FROM events"))
    for _, raw, placeholder in CASES + [API_CASE]:
        assert placeholder in rows
        for form in forms(raw):
            assert form not in rows, form


def test_tracker_api_shows_placeholders_not_the_data(conversation, api_conversation, servers):
    for sender, cases in ((conversation[0], CASES), (api_conversation, [API_CASE])):
        tracker = json.dumps(get_json(f"{servers.url}/conversations/{sender}/tracker"), ensure_ascii=False)
        for _, raw, placeholder in cases:
            assert placeholder in tracker
            for form in forms(raw):
                assert form not in tracker, form


def test_debug_logs_hold_no_personal_data_and_no_client_address(conversation, api_conversation, servers):
    logs = servers.rasa_log.read_text(encoding="utf-8", errors="replace")
    logs += servers.action_log.read_text(encoding="utf-8", errors="replace")
    assert "[BSN]" in logs  # the debug log does show the (redacted) messages
    for _, raw, _ in CASES + [API_CASE]:
        for form in forms(raw):
            assert form not in logs, form
    client_lines = [line for line in logs.splitlines()
                    if "127.0.0.1" in line and "Starting Rasa server" not in line and "Goin' Fast" not in line]
    assert client_lines == []


def test_socketio_channel_sends_the_notice_and_stores_only_placeholders(servers):
    session = uuid.uuid4().hex
    confirmed = []

    async def talk():
        client, answers = socketio.AsyncClient(), []
        client.on("session_confirm", confirmed.append)
        # Long polling: the installed aiohttp lacks what the websocket transport needs.
        # Closing without waiting for the open poll to end (it would take 30 s).
        client.eio.disconnect = partial(client.eio.disconnect, abort=True)
        client.on("bot_uttered", lambda data: answers.append(data.get("text", "")))
        await client.connect(servers.url, socketio_path="/socket.io", transports=["polling"])
        await client.emit("session_request", {"session_id": session})
        await client.emit("user_uttered", {"message": "Mijn BSN is 123456782, moet ik mijn BSN veranderen?",
                                           "session_id": session})
        for _ in range(100):
            if len(answers) >= 2:
                break
            await asyncio.sleep(0.1)
        await client.disconnect()
        return answers

    answers = asyncio.run(talk())
    assert answers[0].startswith("U hoeft mij geen persoonsgegevens te geven")
    assert len(answers) >= 2
    issued = confirmed[0]["session_id"]  # the server's own id, not the one asked for
    tracker = json.dumps(get_json(f"{servers.url}/conversations/{issued}/tracker"))
    assert "[BSN]" in tracker and "123456782" not in tracker


@pytest.mark.parametrize("payload, expected", [
    ({"sender": "odd-1", "message": "x" * 100_000}, "te lang"),
    ({"sender": "odd-2", "message": ""}, "geen vraag"),
    ({"sender": "odd-3", "message": "😀😀😀"}, "geen vraag"),
    ({"sender": "odd-4", "message": None}, "geen vraag"),
    ({"sender": "odd-5", "message": 42}, "niet lezen"),
])
def test_unusable_messages_get_a_calm_answer(servers, payload, expected):
    status, messages = post_json(f"{servers.url}/webhooks/rest/webhook", payload)
    assert status == 200 and expected in messages[0]["text"]


def test_a_100000_character_message_costs_milliseconds(servers):
    payload = {"sender": "odd-long", "message": "123456782 " * 10_000}
    post_json(f"{servers.url}/webhooks/rest/webhook", payload)  # warm the connection path
    started = time.perf_counter()
    status, messages = post_json(f"{servers.url}/webhooks/rest/webhook", payload)
    elapsed = time.perf_counter() - started
    assert status == 200 and "te lang" in messages[0]["text"]
    assert elapsed < 0.5, f"{elapsed:.3f} s"


def test_bad_requests_get_400_not_a_server_error(servers):
    for body in (b"not json", b"[1,2]", b'{"sender": ["x"], "message": "hoi"}'):
        request = urllib.request.Request(f"{servers.url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=30)
        assert error.value.code == 400
