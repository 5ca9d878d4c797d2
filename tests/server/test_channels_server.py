"""Twilio, Telegram and Messenger webhooks against a running Rasa server, replies caught by a fake API.

Real-format payloads, signed correctly, wrongly or not at all, re-delivered
and batched, are posted to the server's webhooks; the platforms' APIs are
replaced by tests/server/fake_platform.py (``*_API_BASE``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from channels.signatures import facebook_signature, pseudonym, twilio_signature
from tests.server.fake_platform import SLOW_MARKER, FakePlatform
from tests.server.harness import BIN, ROOT, Servers, model_path

pytestmark = pytest.mark.server

TWILIO = {"TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN": "twilio-test-token"}
TELEGRAM = {"TELEGRAM_TOKEN": "123456:test-bot-token", "TELEGRAM_SECRET_TOKEN": "telegram-test-secret"}
FACEBOOK = {"FACEBOOK_VERIFY_TOKEN": "fb-verify", "FACEBOOK_APP_SECRET": "fb-app-secret",
            "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token"}
OUR_NUMBER = "+3197010000000"
GREETING_START = "Hallo, ik ben de digitale assistent"


@pytest.fixture(scope="module")
def fake():
    platform = FakePlatform().start()
    yield platform
    platform.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, fake):
    env = {**TWILIO, **TELEGRAM, **FACEBOOK, "TWILIO_API_BASE": f"{fake.url}/twilio",
           "TELEGRAM_API_BASE": f"{fake.url}/telegram", "FACEBOOK_API_BASE": f"{fake.url}/facebook",
           "CHANNEL_HTTP_TIMEOUT_S": "2"}
    running = Servers(tmp_path_factory.mktemp("rasa-channels"), extra_env=env).start()
    yield running
    running.stop()


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


def events_of(servers, channel, secret, address):
    """The stored events of the conversation of a platform address (conversation ids are pseudonyms)."""
    with sqlite3.connect(servers.workdir / "conversations.db") as db:
        rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                          (pseudonym(secret, channel, address),)).fetchall()
    return [(kind, json.loads(data)) for kind, data in rows]


def user_events(servers, channel, secret, address):
    return [data for kind, data in events_of(servers, channel, secret, address) if kind == "user"]


def settle(fake, predicate, quiet_s=1.5, timeout_s=30.0):
    """Waits until no new matching request arrived for ``quiet_s``; returns the matching requests."""
    deadline, last, last_change = time.monotonic() + timeout_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(fake.matching(predicate))
        if count != last:
            last, last_change = count, time.monotonic()
        elif count and time.monotonic() - last_change >= quiet_s:
            break
        time.sleep(0.1)
    return fake.matching(predicate)


# --- Twilio ---------------------------------------------------------------------------------------

def new_number():
    return "+316" + str(uuid.uuid4().int)[:8]


def twilio_params(number, text, whatsapp=False):
    prefix = "whatsapp:" if whatsapp else ""
    return {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": TWILIO["TWILIO_ACCOUNT_SID"],
            "From": prefix + number, "To": prefix + OUR_NUMBER, "Body": text, "NumMedia": "0"}


def twilio_post(servers, params, signature="valid"):
    url = f"{servers.url}/webhooks/twilio/webhook"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature == "valid":
        headers["X-Twilio-Signature"] = twilio_signature(
            url, {k: [v] for k, v in params.items()}, TWILIO["TWILIO_AUTH_TOKEN"])
    elif signature:
        headers["X-Twilio-Signature"] = signature
    return post(url, urllib.parse.urlencode(params).encode(), headers)


def to_number(address):
    return lambda r: r["path"].startswith("/twilio/") and r["body"].get("To") == address


@pytest.mark.parametrize("signature", [None, "wrong", "forged-with-other-token"])
def test_twilio_forged_or_unsigned_webhook_gets_403_and_leaves_no_trace(servers, fake, signature):
    number = new_number()
    params = twilio_params(number, "Hallo")
    if signature == "forged-with-other-token":
        url = f"{servers.url}/webhooks/twilio/webhook"
        signature = twilio_signature(url, {k: [v] for k, v in params.items()}, "another-token")
    status, _, _ = twilio_post(servers, params, signature=signature)
    assert status == 403
    time.sleep(1.0)
    assert events_of(servers, "twilio", TWILIO["TWILIO_AUTH_TOKEN"], number) == []
    assert fake.matching(to_number(number)) == []


def test_twilio_signature_covers_the_body(servers, fake):
    number = new_number()
    params = twilio_params(number, "Hallo")
    url = f"{servers.url}/webhooks/twilio/webhook"
    signature = twilio_signature(url, {k: [v] for k, v in params.items()}, TWILIO["TWILIO_AUTH_TOKEN"])
    status, _, _ = twilio_post(servers, {**params, "Body": "Iets anders"}, signature=signature)
    assert status == 403


def test_twilio_sms_is_answered_once_through_the_api_with_numbered_buttons(servers, fake):
    number = new_number()
    params = twilio_params(number, "Hallo")
    status, body, elapsed = twilio_post(servers, params)
    assert status == 200 and body.endswith("<Response/>")
    replies = settle(fake, to_number(number))
    assert replies, "no reply sent"
    greeting = replies[0]
    assert greeting["path"] == f"/twilio/2010-04-01/Accounts/{TWILIO['TWILIO_ACCOUNT_SID']}/Messages.json"
    assert greeting["body"]["From"] == OUR_NUMBER
    assert greeting["auth"].startswith("Basic ")
    text = greeting["body"]["Body"]
    assert text.startswith(GREETING_START)
    assert "\n1. Wat is er gebeurd?\n2. Welke gegevens?" in text
    assert all(len(r["body"]["Body"]) <= 1600 for r in replies)
    assert not any("/" in line.split(". ", 1)[-1] for line in text.splitlines() if line[:2] in {"1.", "2."})

    # Twilio re-delivers the same MessageSid: no second reply, no second event.
    status, _, _ = twilio_post(servers, params)
    assert status == 200
    time.sleep(2.0)
    assert len(fake.matching(to_number(number))) == len(replies)
    users = user_events(servers, "twilio", TWILIO["TWILIO_AUTH_TOKEN"], number)
    assert [u["message_id"] for u in users] == [params["MessageSid"]]

    # "2" picks the second option: Rasa receives that button's payload.
    status, _, _ = twilio_post(servers, twilio_params(number, "2"))
    assert status == 200
    settle(fake, to_number(number), timeout_s=30)
    users = user_events(servers, "twilio", TWILIO["TWILIO_AUTH_TOKEN"], number)
    assert [u["text"] for u in users] == ["Hallo", "Welke gegevens zijn gestolen?"]


def test_whatsapp_misspelled_title_picks_the_option_and_numbers_never_reach_the_logs(servers, fake):
    number = new_number()
    address = "whatsapp:" + number
    twilio_post(servers, twilio_params(number, "Goedemiddag", whatsapp=True))
    first = settle(fake, to_number(address))
    assert first and first[0]["body"]["From"] == "whatsapp:" + OUR_NUMBER
    twilio_post(servers, twilio_params(number, "wat is er gebeurt", whatsapp=True))
    settle(fake, lambda r: to_number(address)(r), timeout_s=30)
    users = user_events(servers, "twilio", TWILIO["TWILIO_AUTH_TOKEN"], address)
    assert users[-1]["text"] == "Wat is er gebeurd?"
    log = servers.rasa_log.read_text(errors="replace")
    assert number not in log and number[1:] not in log


# --- Telegram -------------------------------------------------------------------------------------

def telegram_update(chat_id, text, update_id=None):
    return {"update_id": update_id or int(uuid.uuid4().int % 10**9),
            "message": {"message_id": 1, "date": int(time.time()), "text": text,
                        "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"}}}


def telegram_post(servers, update, secret=TELEGRAM["TELEGRAM_SECRET_TOKEN"]):
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return post(f"{servers.url}/webhooks/telegram/webhook", json.dumps(update).encode(), headers)


def to_chat(chat_id):
    return lambda r: r["path"].startswith("/telegram/") and r["body"].get("chat_id") == str(chat_id)


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_telegram_without_the_secret_token_gets_403_and_leaves_no_trace(servers, fake, secret):
    chat_id = int(uuid.uuid4().int % 10**9)
    status, _, _ = telegram_post(servers, telegram_update(chat_id, "Hallo"), secret=secret)
    assert status == 403
    time.sleep(1.0)
    assert events_of(servers, "telegram", TELEGRAM["TELEGRAM_SECRET_TOKEN"], str(chat_id)) == []
    assert fake.matching(to_chat(chat_id)) == []


def test_telegram_start_gets_the_greeting_once(servers, fake):
    chat_id = int(uuid.uuid4().int % 10**9)
    update = telegram_update(chat_id, "/start")
    status, _, _ = telegram_post(servers, update)
    assert status == 200
    replies = settle(fake, to_chat(chat_id))
    assert replies[0]["path"] == f"/telegram/bot{TELEGRAM['TELEGRAM_TOKEN']}/sendMessage"
    assert replies[0]["body"]["text"].startswith(GREETING_START)
    keyboards = [r["body"]["reply_markup"]["keyboard"] for r in replies if "reply_markup" in r["body"]]
    assert keyboards and keyboards[-1][0] == [{"text": "Wat is er gebeurd?"}]
    telegram_post(servers, update)
    time.sleep(2.0)
    assert len(fake.matching(to_chat(chat_id))) == len(replies)
    users = user_events(servers, "telegram", TELEGRAM["TELEGRAM_SECRET_TOKEN"], str(chat_id))
    assert [u["text"] for u in users] == ["/greet"]


def replies_after(fake, chat_id, seen, timeout_s=30.0):
    """The texts sent to a chat after the first ``seen`` requests, once new ones came and settled."""
    deadline = time.monotonic() + timeout_s
    while len(fake.matching(to_chat(chat_id))) <= seen and time.monotonic() < deadline:
        time.sleep(0.1)
    return " ".join(r["body"].get("text", "") for r in settle(fake, to_chat(chat_id))[seen:])


def test_telegram_follows_the_language_of_the_conversation(servers, fake):
    """An English first message gets English answers until the user asks for Dutch."""
    chat_id = int(uuid.uuid4().int % 10**9)
    telegram_post(servers, telegram_update(chat_id, "What happened to my data at the lab?"))
    english = replies_after(fake, chat_id, 0)
    assert "Source: " in english and "Bron: " not in english
    seen = len(fake.matching(to_chat(chat_id)))
    telegram_post(servers, telegram_update(chat_id, "ok"))
    kept = replies_after(fake, chat_id, seen)
    assert kept and not kept.startswith(("Ik ", "Sorry, daar", "Geen probleem"))  # a short message keeps English
    seen = len(fake.matching(to_chat(chat_id)))
    telegram_post(servers, telegram_update(chat_id, "Nederlands graag"))
    assert "Ik antwoord in het Nederlands" in replies_after(fake, chat_id, seen)
    seen = len(fake.matching(to_chat(chat_id)))
    telegram_post(servers, telegram_update(chat_id, "Wat is er gebeurd?"))
    assert "Bron: " in replies_after(fake, chat_id, seen)


def test_telegram_webhook_is_acknowledged_while_the_platform_api_is_slow(servers, fake):
    chat_id = SLOW_MARKER
    status, _, elapsed = telegram_post(servers, {**telegram_update(0, "Hallo"),
                                                 "message": {"text": "Hallo", "chat": {"id": chat_id}}})
    assert status == 200 and elapsed < 1.5
    # The sender gives up after CHANNEL_HTTP_TIMEOUT_S (2 s); the server keeps answering others.
    other = int(uuid.uuid4().int % 10**9)
    telegram_post(servers, telegram_update(other, "Hallo"))
    assert fake.wait_for(to_chat(other), timeout_s=30)


# --- Facebook Messenger ---------------------------------------------------------------------------

def messaging(psid, text, mid=None):
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": int(time.time() * 1000),
            "message": {"mid": mid or "m_" + uuid.uuid4().hex, "text": text}}


def facebook_post(servers, body, signature="valid"):
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = facebook_signature(raw, FACEBOOK["FACEBOOK_APP_SECRET"])
    elif signature:
        headers.update(signature)
    return post(f"{servers.url}/webhooks/facebook/webhook", raw, headers)


def to_psid(psid):
    return lambda r: r["path"] == "/facebook/me/messages" and r["body"]["recipient"]["id"] == psid


def test_facebook_verification_handshake(servers):
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": "fb-verify",
                                    "hub.challenge": "12345"})
    with urllib.request.urlopen(f"{servers.url}/webhooks/facebook/webhook?{query}", timeout=10) as answer:
        assert answer.read() == b"12345"
    wrong = query.replace("fb-verify", "nope")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{servers.url}/webhooks/facebook/webhook?{wrong}", timeout=10)
    assert error.value.code == 403


@pytest.mark.parametrize("headers", [
    None,
    {"X-Hub-Signature-256": "sha256=" + "0" * 64},
    {"X-Hub-Signature": "sha1=0000000000000000000000000000000000000000"},
])
def test_facebook_forged_or_unsigned_webhook_gets_403_and_leaves_no_trace(servers, fake, headers):
    psid = uuid.uuid4().hex
    body = {"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": [messaging(psid, "Hallo")]}]}
    status, _, _ = facebook_post(servers, body, signature=headers)
    assert status == 403
    time.sleep(1.0)
    assert events_of(servers, "facebook", FACEBOOK["FACEBOOK_APP_SECRET"], psid) == []
    assert fake.matching(to_psid(psid)) == []


def test_facebook_batch_every_message_answered_once(servers, fake):
    psids = [uuid.uuid4().hex for _ in range(4)]
    body = {"object": "page", "entry": [
        {"id": "PAGE", "time": 1, "messaging": [messaging(psids[0], "Hallo"), messaging(psids[1], "Hoi")]},
        {"id": "PAGE", "time": 2, "messaging": [messaging(psids[2], "Goedemorgen"),
                                                messaging(psids[3], "Hallo")]},
    ]}
    status, text, _ = facebook_post(servers, body)
    assert status == 200 and text == "EVENT_RECEIVED"
    for psid in psids:
        assert fake.wait_for(to_psid(psid)), "a message of the batch got no reply"
    counts = [len(settle(fake, to_psid(psid))) for psid in psids]
    request = fake.matching(to_psid(psids[0]))[0]
    assert request["query"]["access_token"] == ["fb-page-token"]
    assert all(len(r["body"]["message"]["text"]) <= 2000 for r in fake.matching(to_psid(psids[0])))
    facebook_post(servers, body)  # re-delivered batch
    time.sleep(2.0)
    assert [len(fake.matching(to_psid(psid))) for psid in psids] == counts
    for psid in psids:
        assert len(user_events(servers, "facebook", FACEBOOK["FACEBOOK_APP_SECRET"], psid)) == 1


def test_facebook_quick_reply_and_number_pick_the_offered_option(servers, fake):
    psid = uuid.uuid4().hex
    facebook_post(servers, {"object": "page", "entry": [{"id": "P", "time": 1,
                                                         "messaging": [messaging(psid, "Hallo")]}]})
    replies = settle(fake, to_psid(psid))
    quick = [r["body"]["message"]["quick_replies"] for r in replies if "quick_replies" in r["body"]["message"]]
    assert quick and all(len(q["title"]) <= 20 for q in quick[-1])
    facebook_post(servers, {"object": "page", "entry": [{"id": "P", "time": 2,
                                                         "messaging": [messaging(psid, "3")]}]})
    settle(fake, to_psid(psid))
    users = user_events(servers, "facebook", FACEBOOK["FACEBOOK_APP_SECRET"], psid)
    assert [u["text"] for u in users] == ["Hallo", quick[-1][2]["payload"]]


# --- configuration ------------------------------------------------------------------------------------

def test_a_channel_with_only_some_variables_stops_the_server_from_starting():
    env = {**os.environ, "TELEGRAM_TOKEN": "123456:only-the-token", "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("TELEGRAM_SECRET_TOKEN", None)
    result = subprocess.run(
        [str(BIN / "rasa"), "run", "--model", str(model_path()), "--port", "0", "-i", "127.0.0.1",
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode != 0
    assert "TELEGRAM_SECRET_TOKEN must be set" in result.stdout + result.stderr
