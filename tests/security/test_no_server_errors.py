"""No input gives a 5xx, on any endpoint: REST, socket.io, the messaging webhooks and the web page's server.

Every hostile request of ``HOSTILE`` goes to every endpoint it fits; each
answer must be below 500, no traceback may be written to either server's log,
and both servers must still answer a normal message afterwards. The messaging
webhooks get each body twice: unsigned (an outsider) and signed with the test
secrets (so that the body reaches the parsing behind the signature check).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import urllib.parse
import uuid
from typing import Dict, List, Tuple

import pytest

from channels.signatures import facebook_signature, twilio_signature
from tests.security.client import SocketUser, nested_text, post_json, request
from tests.security.conftest import CHANNELS

pytestmark = pytest.mark.security

REST = "/webhooks/rest/webhook"
# Bodies no client should send: empty, not JSON, not an object, invalid UTF-8, lone surrogates, huge numbers,
# deep nesting, wrong types in every field, control characters, duplicate keys.
BODIES: List[bytes] = [
    b"", b"null", b"[]", b"[1, 2, 3]", b"42", b'"tekst"', b"{", b"}", b"\xff\xfe\x00", b"\x00" * 64,
    b"NaN", b"1e999", b"9" * 5000, b'{"sender": "s", "message": 1e999}', b'{"sender": "s", "message": NaN}',
    nested_text(900).encode(), nested_text(30).encode(),
    b'{"sender": "s-ok-123", "message": "\\ud800 hoi"}', b'{"sender": "s-ok-123", "message": "\xff\xfe"}',
    b'{"sender": "s-ok-123", "message": "a", "message": {"x": 1}}',
    b'{"sender": "s-ok-123", "message": {"text": "hallo"}}', b'{"sender": "s-ok-123", "message": ["hallo"]}',
    b'{"sender": {"a": 1}, "message": "hallo"}', b'{"sender": "a\\r\\nb", "message": "hallo"}',
    b'{"sender": "\\u0000", "message": "hallo"}', b'{"sender": "s-ok-123", "message": "\\u0000\\u001b[31m"}',
    b'{"sender": "s-ok-123", "message": "hallo", "metadata": "{not json"}',
    b'{"sender": "s-ok-123", "message": "hallo", "metadata": [1, 2]}',
    b'{"sender": "s-ok-123", "message": "hallo", "metadata": {"a": ' + nested_text(900).encode() + b"}}",
    b'{"sender": "s-ok-123", "message": "hallo", "input_channel": {"a": 1}}',
    b'{"sender": "s-ok-123", "message": "/restart"}', b'{"sender": "s-ok-123", "message": "/nlu_fallback{\\"a\\":1}"}',
    json.dumps({"sender": "s-ok-123", "message": "<script>alert(1)</script> ${jndi:ldap://x} {{7*7}}"}).encode(),
]
# Content types and encodings a JSON endpoint does not expect.
CONTENT_TYPES: List[Dict[str, str]] = [
    {"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"},
    {"Content-Type": "multipart/form-data; boundary=x"}, {"Content-Type": "application/json; charset=utf-16"},
    {"Content-Encoding": "gzip"}, {"Content-Encoding": "br"}, {"Content-Type": "\x7f"},
]


def _no_5xx(answers: List[Tuple[str, int]]) -> None:
    errors = [(what, status) for what, status in answers if status >= 500]
    assert not errors, errors


def _origin(assistant) -> Dict[str, str]:
    return {"Origin": assistant.page.url}


def _still_answers(assistant) -> None:
    ok = post_json(assistant.page.url + "/api/chat", {"sender": uuid.uuid4().hex, "message": "hallo"},
                   headers=_origin(assistant))
    assert ok.status == 200 and ok.json()


def _no_traceback(assistant, rasa_from: int, page_from: int) -> None:
    rasa_log = assistant.rasa.rasa_log.read_bytes()[rasa_from:]
    page_log = assistant.page.log.read_bytes()[page_from:]
    for name, written in (("rasa", rasa_log), ("page", page_log)):
        assert b"Traceback" not in written, (name, written[-3000:])
        assert b"Exception occurred" not in written, (name, written[-3000:])


@pytest.fixture
def survives(assistant):
    """After the test, both servers still answer a normal message."""
    yield
    _still_answers(assistant)


@pytest.fixture
def logs_at(assistant, survives):
    """After the test: no traceback written by either server (and both still answer)."""
    before = (assistant.rasa.rasa_log.stat().st_size, assistant.page.log.stat().st_size)
    yield before
    _no_traceback(assistant, *before)


def test_rest_and_api_chat_never_answer_5xx(assistant, logs_at):
    answers = []
    for body in BODIES:
        answers.append((f"rest {body[:40]!r}", request(assistant.rasa.url + REST, "POST", body).status))
        answers.append((f"api/chat {body[:40]!r}", request(assistant.page.url + "/api/chat", "POST", body,
                                                              headers=_origin(assistant)).status))
    ordinary = json.dumps({"sender": uuid.uuid4().hex, "message": "hallo"}).encode()
    for headers in CONTENT_TYPES:
        answers.append((f"rest {headers}", request(assistant.rasa.url + REST, "POST", ordinary, headers).status))
        answers.append((f"api/chat {headers}", request(assistant.page.url + "/api/chat", "POST", ordinary,
                                                       {**headers, **_origin(assistant)}).status))
    for method in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"):
        answers.append((f"rest {method}", request(assistant.rasa.url + REST, method, ordinary).status))
        answers.append((f"api/chat {method}", request(assistant.page.url + "/api/chat", method, ordinary,
                                                      headers=_origin(assistant)).status))
    _no_5xx(answers)


def test_a_compressed_body_cannot_blow_up_on_the_page(assistant, logs_at):
    """100 MB of zeros in 100 KB of gzip: refused once the unpacked body passes MAX_BODY_BYTES."""
    bomb = gzip.compress(b"\0" * 100_000_000, compresslevel=9)
    answer = request(assistant.page.url + "/api/chat", "POST", bomb,
                     headers={"Content-Encoding": "gzip", **_origin(assistant)})
    assert answer.status == 413
    rasa = request(assistant.rasa.url + REST, "POST", bomb, headers={"Content-Encoding": "gzip"})
    assert 400 <= rasa.status < 500


def test_odd_urls_and_headers_never_answer_5xx(assistant, logs_at):
    paths = ["/" + "a" * 20_000, "/%", "/%zz", "/%00", "/webhooks/%2e%2e/%2e%2e/status", "/webhooks/rest/webhook?" +
             "a=1&" * 5000, "/socket.io/?EIO=99&transport=polling", "/socket.io/?EIO=4&transport=carrier-pigeon",
             "/socket.io/?EIO=4&transport=polling&sid=" + "x" * 5000, "/health?" + "%ff" * 100, "/" + "é" * 10]
    answers = []
    for base in (assistant.rasa.url, assistant.page.url):
        for path in paths:
            quoted = urllib.parse.quote(path, safe="/?&=%")
            answers.append((f"{base} GET {path[:40]}", request(base + quoted).status))
        for headers in ({"X-Big": "h" * 100_000}, {"Host": "evil.example"}, {"Host": ""},
                        {"Content-Length": "-1"}, {"Origin": "null"}, {"Origin": "http://[::1"},
                        {"Sec-Fetch-Site": "\x7f"}, {"Authorization": "Bearer " + "t" * 5000}):
            try:
                answers.append((f"{base} {list(headers)[0]}", request(base + "/", headers=headers).status))
            except OSError:
                pass  # the server may close a connection whose headers are too large: not a 5xx
    _no_5xx(answers)


def _raw_answer(url: str, data: bytes) -> bytes:
    """Sends raw bytes as a request; returns what came back until the server closed (empty when nothing)."""
    parts = urllib.parse.urlsplit(url)
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(data)
        try:
            while len(received) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
    return received


def _status(answer: bytes) -> int:
    fields = answer.split(b" ", 2)
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0


BROKEN = [b"GET / HTTP/9.9\r\n\r\n", b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
          b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
          b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
          b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
          b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
          b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line MARKER\r\n\r\n",
          b"GET / HTTP/1.1\r\nHost: x\r\nContent-Type: MARKER\x7f\r\nConnection: close\r\n\r\n",
          b"\r\n\r\n\r\n"]


def test_broken_http_never_answers_5xx(assistant, survives):
    """Sanic logs a traceback for a broken chunked body (nginx refuses those in front; docs/security.md)."""
    answers = [(url, data, _raw_answer(url, data)) for url in (assistant.rasa.url, assistant.page.url)
               for data in BROKEN]
    _no_5xx([(f"{url} {data[:30]!r}", _status(answer)) for url, data, answer in answers])


def test_the_pages_answer_to_broken_http_has_the_headers_and_quotes_nothing(assistant, logs_at):
    """aiohttp's own answer quoted the bad header line, named aiohttp's version and had no security headers."""
    for data in BROKEN[-3:-1]:
        answer = _raw_answer(assistant.page.url, data)
        head = answer.lower()
        assert _status(answer) == 400, answer[:200]
        assert b"x-content-type-options: nosniff" in head and b"content-security-policy:" in head, answer[:500]
        assert b"aiohttp" not in head and b"marker" not in head, answer[:500]


def _twilio(assistant, params: Dict[str, List[str]], signed: bool) -> int:
    url = assistant.rasa.url + "/webhooks/twilio/webhook"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        headers["X-Twilio-Signature"] = twilio_signature(url, params, CHANNELS["TWILIO_AUTH_TOKEN"])
    return request(url, "POST", urllib.parse.urlencode(params, doseq=True), headers).status


def test_messaging_webhooks_never_answer_5xx(assistant, logs_at):
    answers = []
    twilio_forms = [{}, {"Body": ["hallo"]}, {"From": [""], "Body": ["hallo"]}, {"From": ["+31612345678"] * 3},
                    {"From": ["+31612345678"], "Body": ["x" * 100_000], "MessageSid": ["SM1"]},
                    {"From": ["\x00\r\n"], "Body": ["\ud800".encode("utf-8", "surrogatepass").decode("latin-1")],
                     "MessageSid": [""]},
                    {"From": ["whatsapp:"], "Body": [""], "MessageSid": ["SM" + "9" * 500], "NumMedia": ["-1"]},
                    {"From": ["+31612345678"], "Body": ["/restart"], "MessageSid": [uuid.uuid4().hex],
                     "ButtonPayload": ['/choose{"flow": 1}']}]
    for params in twilio_forms:
        for signed in (False, True):
            answers.append((f"twilio signed={signed} {str(params)[:60]}", _twilio(assistant, params, signed)))
    answers.append(("twilio raw bytes", request(assistant.rasa.url + "/webhooks/twilio/webhook", "POST",
                                                b"\xff\xfe%%%&&&==", {"Content-Type": "text/plain"}).status))
    telegram = assistant.rasa.url + "/webhooks/telegram/webhook"
    facebook = assistant.rasa.url + "/webhooks/facebook/webhook"
    shapes = BODIES + [
        b'{"update_id": "x", "message": {"chat": {"id": {"a": 1}}, "text": 5}}',
        b'{"update_id": 1, "message": {"chat": {}, "from": [], "text": "hallo"}}',
        b'{"update_id": 2, "callback_query": {"data": {"x": 1}, "message": null}}',
        b'{"object": "page", "entry": "x"}', b'{"object": "page", "entry": [{"messaging": [null, 1, "x"]}]}',
        b'{"object": "page", "entry": [{"messaging": [{"sender": {"id": 5}, "message": {"text": ["x"]}}]}]}',
        b'{"object": "page", "entry": [{"messaging": [{"sender": {}, "postback": {"payload": {"a": 1}}}]}]}',
    ]
    for body in shapes:
        for signed in (False, True):
            secret = {"X-Telegram-Bot-Api-Secret-Token": CHANNELS["TELEGRAM_SECRET_TOKEN"]} if signed else {}
            answers.append((f"telegram signed={signed} {body[:40]!r}", request(telegram, "POST", body, secret).status))
            signature = ({"X-Hub-Signature-256": facebook_signature(body, CHANNELS["FACEBOOK_APP_SECRET"])}
                         if signed else {})
            answers.append((f"facebook signed={signed} {body[:40]!r}",
                            request(facebook, "POST", body, signature).status))
    for query in ("", "?hub.mode=subscribe", "?hub.mode=subscribe&hub.verify_token=fb-verify&hub.challenge=%00",
                  "?hub.verify_token=" + "v" * 5000):
        answers.append((f"facebook GET {query[:40]}", request(facebook + query).status))
    _no_5xx(answers)


def test_hostile_socket_io_events_get_no_server_error(assistant, logs_at):
    """Odd events and odd data: no traceback, and a new client still gets answers."""

    async def attack() -> None:
        user = SocketUser(assistant.rasa.url)
        client = await user.connect()
        for data in (None, "x", 5, [1, 2], {"session_id": ["a"]}, {"session_id": "x" * 10_000}):
            await client.emit("session_request", data)
        for data in (None, "hallo", 7, [None], {"message": None}, {"message": "hallo", "session_id": 5},
                     {"message": "hallo", "session_id": "\x00"}, {"message": "hallo", "customData": [1]},
                     {"message": "x" * 200_000, "session_id": "s-ok-123"}):
            await client.emit("user_uttered", data)
        await client.emit("no_such_event", {"a": 1})
        await asyncio.sleep(2)
        await user.hang_up(client)

    async def normal_use() -> List[object]:
        user = SocketUser(assistant.rasa.url)
        client = await user.connect()
        await client.emit("session_request", {"session_id": uuid.uuid4().hex})
        await user.wait_for(1)
        await client.emit("user_uttered", {"message": "hallo", "session_id": user.received[0]["session_confirm"]})
        received = await user.wait_for(2, timeout_s=20)
        await user.hang_up(client)
        return received

    asyncio.run(attack())
    received = asyncio.run(normal_use())
    assert len(received) >= 2 and received[1].get("text"), received


def test_raw_engine_io_packets_get_no_server_error(assistant, survives):
    """python-engineio logs a traceback for a payload of more than 16 packets (docs/security.md); no 5xx."""
    handshake = request(assistant.rasa.url + "/socket.io/?EIO=4&transport=polling")
    sid = json.loads(handshake.body[1:])["sid"]
    answers = []
    for packet in (b"garbage", b"4", b"42[", b'42["user_uttered", {"message": ' + nested_text(900).encode() + b"}]",
                   b"451-[\"user_uttered\",{\"_placeholder\":true,\"num\":9}]", b"\xff\xfe", b"40/other,",
                   b"\x1e".join([b"4"] * 100)):
        url = f"{assistant.rasa.url}/socket.io/?EIO=4&transport=polling&sid={sid}"
        answers.append((f"engine.io {packet[:30]!r}", request(url, "POST", packet,
                                                              {"Content-Type": "text/plain"}).status))
    _no_5xx(answers)
