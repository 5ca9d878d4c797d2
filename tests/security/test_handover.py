"""The handover to a person (docs/handover.md) attacked from outside, with the handover on.

A Rasa server of its own, started as ``make run`` starts it, with the four
Chatwoot settings pointing at ``tests.fake_chatwoot`` on loopback (office
hours always open) and the page's server in front of it. The attacker knows
neither the webhook secret nor anyone else's conversation token; the tests
that sign a webhook play Chatwoot itself (or someone who captured one signed
request). ``test_a_burst_of_new_conversations_opens_at_most_the_cap`` runs
last: it uses up the cap of new handovers (``HANDOVER_MAX_PER_MINUTE``).
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from channels.sessions import TOKEN_HEADER
from handover import texts
from handover.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from tests.fake_chatwoot import FakeChatwoot, agent_reply, resolved
from tests.security.client import Answer, RestConversation, SocketUser, nested_text, post_json, request
from tests.security.conftest import CHANNELS, HEADER_TIMEOUT_S
from tests.server.harness import Servers, WebPage

pytestmark = pytest.mark.security

SECRET = "handover-attack-webhook-secret-4711"
API_TOKEN = "handover-attack-api-token-0815"
# New handovers per minute in this server (the last test opens more than this at once).
CAP = 12
WEBHOOK = "/webhooks/chatwoot/webhook"
REST = "/webhooks/rest/webhook"
UPDATES = "/webhooks/rest/updates"


@dataclass
class Handover:
    """The servers under attack and the fake Chatwoot behind them."""

    rasa: Servers
    page: WebPage
    chatwoot: FakeChatwoot

    def url(self, path: str) -> str:
        return self.rasa.url + path

    def logs(self) -> str:
        return (self.rasa.rasa_log.read_text(errors="replace")
                + self.page.log.read_text(errors="replace"))


@pytest.fixture(scope="module")
def handover(tmp_path_factory) -> Iterator[Handover]:
    workdir = tmp_path_factory.mktemp("security-handover")
    hours = workdir / "hours.yml"
    hours.write_text("weekly:\n" + "".join(f"  {day}: ['00:00-24:00']\n" for day in (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")), encoding="utf-8")
    chatwoot = FakeChatwoot().start()
    closed = "http://127.0.0.1:9"  # the messaging platforms' APIs: nothing listens
    env = {"CHATWOOT_URL": chatwoot.url, "CHATWOOT_API_TOKEN": API_TOKEN, "CHATWOOT_INBOX_ID": "3",
           "CHATWOOT_WEBHOOK_SECRET": SECRET, "CHATWOOT_TIMEOUT_S": "2", "HANDOVER_HOURS_FILE": str(hours),
           "HANDOVER_MAX_PER_MINUTE": str(CAP), "HTTP_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
           **CHANNELS, "TWILIO_API_BASE": closed, "TELEGRAM_API_BASE": closed, "FACEBOOK_API_BASE": closed}
    rasa = Servers(workdir, extra_env=env, enable_api=False, action_server=False).start()
    try:
        page = WebPage(workdir, rasa.url, extra_env={"HTTP_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S)}).start()
    except BaseException:
        rasa.stop()
        chatwoot.stop()
        raise
    yield Handover(rasa, page, chatwoot)
    page.stop()
    rasa.stop()
    chatwoot.stop()


def hook(handover: Handover, body: bytes, timestamp: str = "", signed: str = "",
         headers: Dict[str, str] | None = None) -> Answer:
    """Posts a webhook; signed with the secret unless ``signed`` gives the signature header."""
    timestamp = timestamp or str(int(time.time()))
    signed = signed or signature(SECRET, timestamp, body)
    return request(handover.url(WEBHOOK), "POST", body,
                   {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signed, **(headers or {})})


def handed_over(handover: Handover) -> Tuple[RestConversation, int]:
    """A REST user who asked for a person and said yes; returns them and their Chatwoot conversation."""
    user = RestConversation(handover.url(REST))
    offer = user.say("Ik wil een medewerker spreken").json()
    assert any(texts.ACCEPT in json.dumps(answer) for answer in offer), offer
    answer = user.say(texts.ACCEPT)
    assert answer.status == 200
    assert texts.text("queued", "nl", position=2) in "\n\n".join(str(part.get("text")) for part in answer.json())
    return user, handover.chatwoot.last_conversation


def updates(handover: Handover, user: RestConversation) -> List[Any]:
    answer = post_json(handover.url(UPDATES), {"sender": user.id}, {TOKEN_HEADER: user.token})
    assert answer.status == 200
    return answer.json()


def no_traceback_since(handover: Handover, before: int) -> None:
    written = handover.logs()[before:]
    assert "Traceback" not in written, written[-3000:]


# --- the webhook ---------------------------------------------------------------------------------


def test_odd_signature_headers_on_the_webhook_get_401_not_500(handover):
    """Headers an outsider chooses freely: a timestamp longer than Python turns into a number, non-ASCII."""
    before = len(handover.logs())
    body = json.dumps(agent_reply(1, "x")).encode()
    now = str(int(time.time()))
    cases = [("9" * 5000, "sha256=00"), ("1" + "0" * 30, "sha256=00"), (now, "sha256=\u00e9"),
             (now, "sha256=" + "\u00ff" * 64), ("\u00b2", "sha256=00"), ("0x10", "sha256=00"), ("", ""),
             (now, " "), ("-5", "sha256=00")]
    statuses = []
    for timestamp, given in cases:
        headers = {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: given}
        raw_headers = {name: value.encode("utf-8").decode("latin-1") for name, value in headers.items()}
        statuses.append((timestamp[:12], given[:12], request(handover.url(WEBHOOK), "POST", body,
                                                             raw_headers).status))
    # and bytes that are not UTF-8 (the server reads them as lone surrogates)
    for timestamp, given in ((now, "sha256=\u00e9"), ("\u00b2", "sha256=00")):
        statuses.append((timestamp[:12], given[:12], request(handover.url(WEBHOOK), "POST", body, {
            TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: given}).status))
    assert all(status == 401 for *_, status in statuses), statuses
    no_traceback_since(handover, before)


def test_odd_signature_headers_on_the_messaging_webhooks_get_no_server_error(handover):
    """The same non-ASCII values in Twilio's, Messenger's and Telegram's signature headers."""
    before = len(handover.logs())
    odd = "sha256=\u00e9\u00ff".encode().decode("latin-1")
    statuses = [
        request(handover.url("/webhooks/twilio/webhook"), "POST", b"From=%2B31612345678&Body=hallo",
                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": odd}).status,
        request(handover.url("/webhooks/facebook/webhook"), "POST", b'{"object": "page"}',
                {"X-Hub-Signature-256": odd}).status,
        request(handover.url("/webhooks/telegram/webhook"), "POST", b'{"update_id": 1}',
                {"X-Telegram-Bot-Api-Secret-Token": odd}).status,
    ]
    assert all(400 <= status < 500 for status in statuses), statuses
    no_traceback_since(handover, before)


def test_a_replayed_webhook_is_delivered_once(handover):
    """Someone who captured one signed request sends it again (same body and timestamp), also as a 'new' delivery."""
    user, conversation = handed_over(handover)
    body = json.dumps(agent_reply(conversation, "Goedemiddag, ik help u.")).encode()
    timestamp = str(int(time.time()))
    statuses = [hook(handover, body, timestamp).status,
                hook(handover, body, timestamp).status,
                hook(handover, body, timestamp, headers={DELIVERY_HEADER: "forged-1"}).status,
                hook(handover, body, timestamp, headers={DELIVERY_HEADER: "forged-2"}).status]
    assert statuses[0] == 200 and all(status < 500 for status in statuses), statuses
    assert updates(handover, user) == [{"text": "Goedemiddag, ik help u.", "from": "person"}]


def test_unsigned_forged_and_old_webhooks_deliver_nothing(handover):
    user, conversation = handed_over(handover)
    body = json.dumps(agent_reply(conversation, "Vals bericht")).encode()
    old = str(int(time.time()) - 3600)
    statuses = [request(handover.url(WEBHOOK), "POST", body).status,
                hook(handover, body, signed=signature("other-secret", str(int(time.time())), body)).status,
                hook(handover, body, timestamp=old).status,
                hook(handover, json.dumps(resolved(conversation)).encode(), timestamp=old).status]
    assert statuses == [401, 401, 401, 401]
    assert updates(handover, user) == []
    follow = user.say("Bent u er nog?")  # still handed over: no answer of the assistant, nothing delivered
    assert follow.status == 200 and "Vals bericht" not in follow.body.decode()
    assert handover.chatwoot.calls(f"/conversations/{conversation}/messages")[-1]["body"]["content"] == \
        "Bent u er nog?"


def test_hostile_signed_webhook_bodies_get_4xx_or_are_ignored(handover):
    """Chatwoot's own signature on bodies of the wrong size, depth, type, event, or conversation."""
    before = len(handover.logs())
    user, conversation = handed_over(handover)
    bodies = [b"", b"null", b"[]", b"42", b"{", b"\xff\xfe", b"9" * 5000, nested_text(900).encode(),
              b'{"event": "message_created", "content": "' + b"a" * 400_000 + b'"}',
              b'{"event": "message_created", "message_type": "outgoing", "content": "x", "conversation": {"id": '
              + b"9" * 5000 + b"}}"]
    shapes: List[Dict[str, Any]] = [
        {"event": {"a": 1}}, {"event": "contact_created", "id": conversation},
        {"event": "message_created", "message_type": "outgoing", "content": ["x"],
         "conversation": {"id": conversation}},
        {"event": "message_created", "message_type": "outgoing", "content": "x", "conversation": "abc"},
        {"event": "message_created", "message_type": "outgoing", "content": "x", "conversation": {"id": True}},
        {"event": "message_created", "message_type": "outgoing", "content": "x",
         "conversation": {"id": str(conversation)}},
        {"event": "message_created", "message_type": "incoming", "content": "x", "conversation": {"id": conversation}},
        {"event": "message_created", "message_type": "outgoing", "private": True, "content": "notitie",
         "conversation": {"id": conversation}},
        agent_reply(999_999, "aan niemand"), agent_reply(-1, "aan niemand"), resolved(888_888),
        {"event": "conversation_status_changed", "id": str(conversation), "status": "resolved"},
    ]
    statuses = [(body[:30], hook(handover, body).status) for body in bodies]
    statuses += [(str(shape)[:60], hook(handover, json.dumps(shape).encode()).status) for shape in shapes]
    assert all(400 <= status < 500 or status == 200 for _, status in statuses), statuses
    assert updates(handover, user) == []  # none of them reached the user, nor ended the handover
    assert user.say("Nog een vraag").status == 200
    assert handover.chatwoot.calls(f"/conversations/{conversation}/messages")[-1]["body"]["content"] == \
        "Nog een vraag"
    no_traceback_since(handover, before)


def test_an_agents_html_reaches_the_user_as_plain_text_without_buttons(handover):
    """The page shows it with textContent (browser test); here: delivered unchanged, as JSON, nothing added."""
    user, conversation = handed_over(handover)
    content = '<img src=x onerror=alert(1)><script>alert(2)</script> [knop](/restart)'
    event = {**agent_reply(conversation, content), "content_attributes": {"items": [{"title": "Ja",
                                                                                    "value": "/restart"}]}}
    assert hook(handover, json.dumps(event).encode()).status == 200
    answer = post_json(handover.url(UPDATES), {"sender": user.id}, {TOKEN_HEADER: user.token})
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.json() == [{"text": content, "from": "person"}]


# --- someone else's replies --------------------------------------------------------------------


def test_someone_elses_replies_cannot_be_read(handover):
    victim, conversation = handed_over(handover)
    assert hook(handover, json.dumps(agent_reply(conversation, "Alleen voor u")).encode()).status == 200
    attacker = RestConversation(handover.url(REST))
    attacker.say("hallo")
    expired = "1000." + victim.token.partition(".")[2]
    attempts = [({"sender": victim.id}, {TOKEN_HEADER: attacker.token}), ({"sender": victim.id}, {}),
                ({"sender": victim.id}, {TOKEN_HEADER: "9999999999.forged"}), ({"sender": victim.id},
                                                                                 {TOKEN_HEADER: expired}),
                ({"sender": victim.id, "token": attacker.token}, {}), ({"sender": [victim.id]}, {}),
                ({"sender": {"id": victim.id}, "token": victim.token[:-1] + "x"}, {})]
    statuses = [post_json(handover.url(UPDATES), body, headers).status for body, headers in attempts]
    assert statuses == [403] * len(attempts)
    relay = handover.page.url + "/api/chat/updates"
    relayed = [post_json(relay, {"sender": victim.id, "token": token}).status
               for token in (attacker.token, "9999999999.forged", expired, None, 7)]
    assert all(status in (400, 403) for status in relayed), relayed
    # A message with the victim's id and no token starts the attacker's own conversation, not theirs.
    stolen = post_json(handover.url(REST), {"sender": victim.id, "message": "hallo"}).body.decode()
    assert "Alleen voor u" not in stolen
    assert updates(handover, victim) == [{"text": "Alleen voor u", "from": "person"}]


def test_someone_elses_pushed_replies_do_not_reach_another_socket(handover):
    """socket.io: the reply is pushed to the victim's session room; their id without the token joins nothing."""

    async def scenario() -> Dict[str, List[Any]]:
        victim, attacker = SocketUser(handover.rasa.url), SocketUser(handover.rasa.url)
        victim_client = await victim.connect()
        await victim_client.emit("session_request", {})
        await victim.wait_for(1)
        victim_id = victim.received[0]["session_confirm"]["session_id"]
        await victim_client.emit("user_uttered", {"message": "Ik wil een medewerker spreken"})
        await victim.wait_for(2)
        await asyncio.sleep(2)
        await victim_client.emit("user_uttered", {"message": texts.ACCEPT})
        deadline = time.monotonic() + 20
        while not any("wachtrij" in str(event) for event in victim.received) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        attacker_client = await attacker.connect()
        for token in (None, "9999999999.forged", "1000." + "a" * 43):
            await attacker_client.emit("session_request", {"session_id": victim_id, "session_token": token})
        await attacker.wait_for(3)
        seen = len(victim.received)
        status = hook(handover, json.dumps(agent_reply(handover.chatwoot.last_conversation,
                                                       "Alleen voor de bezoeker")).encode()).status
        await victim.wait_for(seen + 1)
        await asyncio.sleep(1)
        for user, client in ((victim, victim_client), (attacker, attacker_client)):
            await user.hang_up(client)
        return {"status": [status], "victim": victim.received[seen:], "attacker": attacker.received}

    seen = asyncio.run(scenario())
    assert seen["status"] == [200]
    assert {"text": "Alleen voor de bezoeker", "from": "person"} in seen["victim"]
    assert "Alleen voor de bezoeker" not in json.dumps(seen["attacker"])
    assert len([event for event in seen["attacker"] if "session_confirm" in event]) == 3


def test_yes_cannot_hand_over_someone_elses_conversation(handover):
    """'Ja' (the button's payload) with another user's id but without their token does not touch theirs."""
    victim = RestConversation(handover.url(REST))
    victim.say("Ik wil een medewerker spreken")
    opened = len(handover.chatwoot.calls("/conversations"))
    for message in (texts.ACCEPT, "ja", "1"):
        post_json(handover.url(REST), {"sender": victim.id, "message": message})
        post_json(handover.url(REST), {"sender": victim.id, "message": message},
                  {TOKEN_HEADER: "9999999999.forged"})
    answer = victim.say("Welke gegevens zijn gestolen?").body.decode()
    assert "Bron:" in answer  # the assistant still answers the victim: not handed over
    assert all(call["body"]["content"] != "Welke gegevens zijn gestolen?"
               for call in handover.chatwoot.calls("/messages"))
    assert len(handover.chatwoot.calls("/conversations")) - opened <= 3  # only the attacker's own ones


# --- what Chatwoot receives, what the logs hold ---------------------------------------------------

PERSONAL = [("Mijn BSN is 123456782", "123456782"), ("Bel me op 06-12345678", "12345678"),
            ("of +31 6 1234 5678", "1234 5678"), ("mail jan.jansen@example.org", "jan.jansen"),
            ("IBAN NL91 ABNA 0417 1643 00", "0417 1643"), ("Ik ben Jan de Vries", "de Vries"),
            ("Ik woon op Kerkstraat 12, 1234 AB Utrecht", "Kerkstraat"), ("geboren op 12-03-1975", "1975")]


def test_nothing_the_user_typed_reaches_chatwoot_unredacted(handover):
    handover.chatwoot.clear()
    user = RestConversation(handover.url(REST))
    user.say("Mijn BSN is 123456782 en ik heet Jan de Vries, ik wil een medewerker spreken")
    assert user.say(texts.ACCEPT).status == 200
    for message, _ in PERSONAL:
        assert user.say(message).status == 200
    sent = json.dumps([call["body"] for call in handover.chatwoot.requests], ensure_ascii=False)
    assert not [part for _, part in PERSONAL if part in sent], sent
    assert "Jan" not in sent and "Vries" not in sent
    notes = [call["body"]["content"] for call in handover.chatwoot.calls("/messages") if call["body"]["private"]]
    assert len(notes) == 1 and "BSN is" not in notes[0]


def test_no_secret_in_logs_or_answers(handover):
    user, conversation = handed_over(handover)
    hook(handover, b"{}", signed="sha256=" + "0" * 64)
    handover.chatwoot.mode = "down"
    try:
        answer = user.say("Hallo?")
    finally:
        handover.chatwoot.mode = "up"
    assert answer.status == 200
    seen = handover.logs() + answer.body.decode() + request(handover.page.url + "/health").body.decode()
    assert API_TOKEN not in seen and SECRET not in seen
    assert all(call["token"] == API_TOKEN for call in handover.chatwoot.requests)  # sent only to Chatwoot


# --- bursts ----------------------------------------------------------------------------------------


def test_one_users_burst_of_yes_opens_one_chatwoot_conversation(handover):
    user = RestConversation(handover.url(REST))
    user.say("Ik wil een medewerker spreken")
    opened = len(handover.chatwoot.calls("/conversations"))

    def yes(_: int) -> int:
        return post_json(handover.url(REST), {"sender": user.id, "message": texts.ACCEPT},
                         {TOKEN_HEADER: user.token}).status

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(yes, range(6)))
    assert statuses == [200] * 6
    assert len(handover.chatwoot.calls("/conversations")) - opened == 1


def test_a_burst_of_new_conversations_opens_at_most_the_cap(handover):
    """Runs last: each new conversation says 'Ja' at once; Chatwoot gets at most HANDOVER_MAX_PER_MINUTE."""
    opened = len(handover.chatwoot.calls("/conversations"))

    def yes(_: int) -> str:
        return post_json(handover.url(REST), {"message": texts.ACCEPT}).body.decode()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(yes, range(3 * CAP)))
    assert len(handover.chatwoot.calls("/conversations")) - opened <= CAP
    unavailable = texts.text("unavailable", "nl")
    assert sum(unavailable.split("\n")[0] in json.loads(answer)[0]["text"] for answer in answers) >= 2 * CAP
