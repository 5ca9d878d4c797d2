"""The whole handover to a person on a real Sanic server: REST (the page's relay) and Telegram.

A fake Chatwoot API and a webhook sender run on loopback (``tests.fake_chatwoot``),
Telegram's API is ``tests.server.fake_platform``. The assistant is a stand-in with
Rasa's real tracker store, lock store and domain: it answers a request for a
person with the real ``send_answer`` (so with the offer), and, as Rasa does,
gives no answer while its conversation is paused.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import time as day_time
from typing import Any, Dict, Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from sanic import Sanic
from sanic.touchup import TouchUp

from actions.answer import send_answer
from channels import live_agent
from channels.chatwoot import ChatwootInput
from channels.responses import response_message
from channels.rest import SafeRestInput
from channels.sessions import ID_HEADER, TOKEN_HEADER
from channels.signatures import pseudonym
from channels.telegram import TelegramInput
from handover import texts
from handover.hours import OfficeHours
from tests.fake_chatwoot import FakeChatwoot, agent_reply, resolved, send_webhook
from tests.rest_client import Conversation, post_json, say
from tests.server.fake_platform import FakePlatform
from tests.server.harness import free_port

SECRET = "chatwoot-webhook-secret-0123"
API_TOKEN = "chatwoot-api-token-0123"
TELEGRAM_SECRET = "telegram_secret_1"
ASSISTANT_TEXT = "Antwoord van de assistent."
ZONE = ZoneInfo("Europe/Amsterdam")
ALWAYS_OPEN = OfficeHours(ZONE, {day: [(day_time(0, 0), day_time.max)] for day in range(7)}, frozenset())
# What the user types during a handover: a BSN that passes the 11-check, a phone number, an e-mail address.
PERSONAL = "Mijn BSN is 123456782, bel me op 06 12345678 of mail jan.jansen@example.org"
PERSONAL_PARTS = ("123456782", "12345678", "jan.jansen", "example.org")


class StandInAssistant:
    """Rasa's agent as the channels see it, with real tracker and lock stores."""

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self.tracker_store = InMemoryTrackerStore(domain)
        self.lock_store = InMemoryLockStore()
        self.seen: List[str] = []

    def is_ready(self) -> bool:
        return True

    async def handle_message(self, message: UserMessage) -> None:
        async with self.lock_store.lock(message.sender_id):
            tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
            human = "mens" in message.text or "medewerker" in message.text
            parse = {"text": message.text, "intent": {"name": "request_human" if human else "faq",
                                                      "confidence": 0.99},
                     "intent_ranking": [], "entities": []}
            tracker.update(UserUttered(message.text, intent=parse["intent"], parse_data=parse))
            if tracker.is_paused():  # Rasa's MessageProcessor: no prediction while paused
                await self.tracker_store.save(tracker)
                return
            self.seen.append(message.text)
            dispatcher = CollectingDispatcher()
            if human:
                send_answer(dispatcher, parse, [], "nl")
            else:
                dispatcher.utter_message(text=ASSISTANT_TEXT)
            for sent in dispatcher.messages:
                out = (response_message(sent["response"], self.domain) if sent.get("response")
                       else {"text": sent["text"], **({"buttons": sent["buttons"]} if sent["buttons"] else {})})
                await message.output_channel.send_response(message.sender_id, out)
                tracker.update(BotUttered(out.get("text"), metadata={"utter_action": sent.get("response")}))
            await self.tracker_store.save(tracker)

    def paused(self, sender: str) -> bool:
        tracker = asyncio.run(self.tracker_store.retrieve(sender))
        return bool(tracker and tracker.is_paused())


@dataclass
class Stack:
    url: str
    chatwoot: FakeChatwoot
    telegram: FakePlatform
    assistant: StandInAssistant


ENV = {"CHATWOOT_API_TOKEN": API_TOKEN, "CHATWOOT_INBOX_ID": "3", "CHATWOOT_WEBHOOK_SECRET": SECRET,
       "CHATWOOT_TIMEOUT_S": "1", "TELEGRAM_TOKEN": "1:abc", "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET}


@pytest.fixture(scope="module")
def stack(domain: Domain) -> Iterator[Stack]:
    """One real Sanic server with the REST, Telegram and Chatwoot channels, as credentials.yml lists them."""
    chatwoot, platform = FakeChatwoot().start(), FakePlatform().start()
    env = {**ENV, "CHATWOOT_URL": chatwoot.url, "TELEGRAM_API_BASE": platform.url}
    environment = pytest.MonkeyPatch()
    for name, value in env.items():
        environment.setenv(name, value)
    assistant = StandInAssistant(domain)
    # Sanic rewrites some server methods at start (TouchUp) and cannot do it twice in one process:
    # the originals are put back afterwards, for the next test module that starts a server.
    originals = [(target, name, getattr(target, name)) for target, name in TouchUp._registry]
    app = Sanic(f"handover_test_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = assistant
    register([SafeRestInput(), TelegramInput.from_credentials(None), ChatwootInput.from_credentials(None)],
             app, "/webhooks/")
    number = free_port()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> Any:
        server = await app.create_server(host="127.0.0.1", port=number, return_asyncio_server=True,
                                         access_log=False)
        await server.startup()
        await server.after_start()
        return server

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    try:
        yield Stack(f"http://127.0.0.1:{number}", chatwoot, platform, assistant)
    finally:
        server.close()
        asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        for target, name, method in originals:
            setattr(target, name, method)
        live_agent.install(None)
        live_agent._DELIVERERS.clear()
        environment.undo()
        chatwoot.stop()
        platform.stop()


@pytest.fixture
def fresh(stack: Stack) -> Stack:
    """Each test: Chatwoot up with no recorded calls, people at work."""
    stack.chatwoot.clear()
    gate = live_agent.current()
    assert gate is not None
    gate.hours = ALWAYS_OPEN
    return stack




def updates(stack: Stack, conversation: Conversation) -> List[Dict]:
    status, answers, _ = post_json(f"{stack.url}/webhooks/rest/updates",
                                   {"sender": conversation[0]}, {TOKEN_HEADER: conversation[1]})
    assert status == 200
    return answers


def privacy_notice(stack: Stack) -> str:
    """The guard's notice that personal data was removed (not an answer: it comes with every such message)."""
    return response_message("utter_privacy_notice", stack.assistant.domain)["text"]


def webhook(stack: Stack, event: Dict[str, Any], bad_signature: bool = False) -> int:
    return send_webhook(f"{stack.url}/webhooks/chatwoot/webhook", SECRET, event, bad_signature)


def texts_of(answers: List[Dict]) -> str:
    """The answers' texts as one text (Rasa's REST channel sends each paragraph as its own message)."""
    return "\n\n".join(str(answer.get("text")) for answer in answers)


def offered(stack: Stack) -> Tuple[List[Dict], Conversation]:
    answers, conversation = say(stack.url, "Ik wil een mens spreken")
    assert answers[0]["text"] == texts.text("offer", "nl")
    assert [button["payload"] for button in answers[0]["buttons"]] == [texts.ACCEPT, texts.DECLINE]
    return answers, conversation


def handed_over(stack: Stack) -> Tuple[Conversation, int]:
    _, conversation = offered(stack)
    answers, conversation = say(stack.url, texts.ACCEPT, conversation)
    assert texts_of(answers) == texts.text("queued", "nl", position=2)
    return conversation, _conversation_id(stack)


def _conversation_id(stack: Stack) -> int:
    """The id of the Chatwoot conversation opened last (the fake numbers them)."""
    return stack.chatwoot.calls("/conversations")[-1] and stack.chatwoot.last_conversation


# --- REST / the page's relay ------------------------------------------------------------------------

def test_the_whole_handover_over_rest(fresh: Stack):
    conversation, chatwoot_id = handed_over(fresh)
    # Chatwoot: a contact and a conversation in the inbox, the summary as a private note, all with the token.
    assert all(call["token"] == API_TOKEN for call in fresh.chatwoot.requests)
    assert fresh.chatwoot.calls("/contacts")[0]["body"]["inbox_id"] == 3
    note = fresh.chatwoot.calls(f"/conversations/{chatwoot_id}/messages")[0]["body"]
    assert note["private"] is True and "request_human" in note["content"]
    assert "mens spreken" not in note["content"]
    assert fresh.assistant.paused(conversation[0])

    seen = len(fresh.assistant.seen)
    answers, _ = say(fresh.url, "Hoe lang duurt het nog?", conversation)
    assert answers == []  # no answer of the assistant: the message went to the person
    assert len(fresh.assistant.seen) == seen
    relayed = fresh.chatwoot.calls(f"/conversations/{chatwoot_id}/messages")[-1]["body"]
    assert relayed == {"content": "Hoe lang duurt het nog?", "message_type": "incoming", "private": False}

    assert webhook(fresh, agent_reply(chatwoot_id, "Goedemiddag, ik help u graag.")) == 200
    assert updates(fresh, conversation) == [{"text": "Goedemiddag, ik help u graag.", "from": "person"}]
    assert updates(fresh, conversation) == []  # delivered once

    assert webhook(fresh, resolved(chatwoot_id)) == 200
    assert updates(fresh, conversation) == [{"text": texts.text("resumed", "nl")}]
    assert not fresh.assistant.paused(conversation[0])
    calls = len(fresh.chatwoot.requests)
    answers, _ = say(fresh.url, "Welke gegevens zijn gestolen?", conversation)
    assert texts_of(answers) == ASSISTANT_TEXT
    assert len(fresh.chatwoot.requests) == calls  # back with the assistant: nothing goes to Chatwoot


def test_nothing_the_user_typed_reaches_chatwoot_unredacted(fresh: Stack):
    conversation, chatwoot_id = handed_over(fresh)
    answers, _ = say(fresh.url, PERSONAL, conversation)
    assert [answer["text"] for answer in answers] == [privacy_notice(fresh)]  # no answer of the assistant
    sent = json.dumps(fresh.chatwoot.requests)
    assert not [part for part in PERSONAL_PARTS if part in sent]
    relayed = fresh.chatwoot.calls(f"/conversations/{chatwoot_id}/messages")[-1]["body"]["content"]
    assert relayed.startswith("Mijn BSN is [") and "[" in relayed.split("mail")[1]
    webhook(fresh, resolved(chatwoot_id))


def test_never_both_answers_to_one_message(fresh: Stack):
    conversation, chatwoot_id = handed_over(fresh)
    seen = len(fresh.assistant.seen)
    for text in ("Welke gegevens zijn gestolen?", "Ik wil een mens spreken", "hallo"):
        answers, _ = say(fresh.url, text, conversation)
        assert answers == []
    assert len(fresh.assistant.seen) == seen
    assert webhook(fresh, agent_reply(chatwoot_id, "Antwoord van de medewerker.")) == 200
    answers, _ = say(fresh.url, "Dank u", conversation)
    assert answers == [{"text": "Antwoord van de medewerker.", "from": "person"}]  # the person's answer only
    webhook(fresh, resolved(chatwoot_id))


def test_a_webhook_with_a_bad_signature_is_refused_and_delivers_nothing(fresh: Stack):
    conversation, chatwoot_id = handed_over(fresh)
    assert webhook(fresh, agent_reply(chatwoot_id, "Vervalst bericht"), bad_signature=True) == 401
    assert webhook(fresh, resolved(chatwoot_id), bad_signature=True) == 401
    status, _, _ = post_json(f"{fresh.url}/webhooks/chatwoot/webhook", agent_reply(chatwoot_id, "Zonder"))
    assert status == 401
    assert updates(fresh, conversation) == []
    assert fresh.assistant.paused(conversation[0])  # the forged "resolved" did not end the handover
    webhook(fresh, resolved(chatwoot_id))


def test_a_handover_nobody_resolves_ends_and_the_assistant_answers_again(fresh: Stack):
    conversation, chatwoot_id = handed_over(fresh)
    gate = live_agent.current()

    async def expire() -> None:  # as if HANDOVER_TTL_S had passed
        record = await gate.handovers.get("rest", conversation[0])
        record.until = time.time() - 1
        await gate.handovers.save(record)

    asyncio.run(expire())
    calls = len(fresh.chatwoot.requests)
    answers, _ = say(fresh.url, "Welke gegevens zijn gestolen?", conversation)
    assert texts_of(answers) == ASSISTANT_TEXT
    assert len(fresh.chatwoot.requests) == calls
    assert not fresh.assistant.paused(conversation[0])
    assert webhook(fresh, agent_reply(chatwoot_id, "Te laat")) == 200
    assert updates(fresh, conversation) == []  # the ended handover delivers nothing any more


def test_outside_office_hours_says_when_and_gives_the_official_channels(fresh: Stack):
    gate = live_agent.current()
    now = time.time()
    from datetime import datetime

    today = datetime.fromtimestamp(now, ZONE).date()
    gate.hours = OfficeHours(ZONE, {day: [(day_time(9, 0), day_time(17, 0))] for day in range(7)},
                             frozenset({today}))
    _, conversation = offered(fresh)
    answers, _ = say(fresh.url, texts.ACCEPT, conversation)
    text = texts_of(answers)
    assert text.startswith("Er zijn nu geen medewerkers. Zij zijn er weer op ")
    assert "om 9.00 uur" in text and "088 900 10 00" in text and "https://www.rivm.nl/" in text
    assert "wachtrij" not in text and "zo snel mogelijk" not in text
    assert fresh.chatwoot.requests == []
    assert not fresh.assistant.paused(conversation[0])


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_chatwoot_down_gives_an_apology_and_the_official_channels(fresh: Stack, mode: str):
    _, conversation = offered(fresh)
    fresh.chatwoot.mode = mode
    started = time.monotonic()
    answers, _ = say(fresh.url, texts.ACCEPT, conversation)
    assert time.monotonic() - started < 2.5  # CHATWOOT_TIMEOUT_S=1
    assert texts_of(answers) == texts.text("unavailable", "nl")
    assert not fresh.assistant.paused(conversation[0])
    fresh.chatwoot.mode = "up"
    answers, _ = say(fresh.url, "Welke gegevens zijn gestolen?", conversation)
    assert texts_of(answers) == ASSISTANT_TEXT  # not paused: the assistant answers


def test_no_thanks_gives_the_official_channels_and_the_assistant_goes_on(fresh: Stack):
    _, conversation = offered(fresh)
    answers, _ = say(fresh.url, texts.DECLINE, conversation)
    assert texts_of(answers) == texts.text("declined", "nl")
    assert fresh.chatwoot.requests == []
    answers, _ = say(fresh.url, "Welke gegevens zijn gestolen?", conversation)
    assert texts_of(answers) == ASSISTANT_TEXT


# --- Telegram ----------------------------------------------------------------------------------------

def telegram(stack: Stack, chat_id: int, text: str) -> None:
    update = {"update_id": int(time.time() * 1000) % 10**9 + chat_id,
              "message": {"message_id": 1, "chat": {"id": chat_id, "type": "private"}, "text": text}}
    status, _, _ = post_json(f"{stack.url}/webhooks/telegram/webhook", update,
                             {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert status == 200


def telegram_sent(stack: Stack, chat_id: int) -> List[Dict[str, Any]]:
    """Every sendMessage body to this chat so far."""
    return [request["body"] for request in stack.telegram.matching(
        lambda r: r["path"].endswith("/sendMessage") and r["body"]["chat_id"] == str(chat_id))]


def telegram_new(stack: Stack, chat_id: int, before: int, settle_s: float = 0.7) -> List[Dict[str, Any]]:
    """The messages sent to the chat after the first ``before``, once they stop coming."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(telegram_sent(stack, chat_id)) <= before:
        time.sleep(0.05)
    time.sleep(settle_s)
    return telegram_sent(stack, chat_id)[before:]


def test_the_whole_handover_on_telegram(fresh: Stack):
    chat = 5551000 + int(time.time()) % 1000
    telegram(fresh, chat, "Ik wil een medewerker spreken")
    offer = telegram_new(fresh, chat, 0)
    assert offer[0]["text"].startswith(texts.text("offer", "nl"))
    assert [key["text"] for row in offer[-1]["reply_markup"]["keyboard"] for key in row] == ["Ja", "Nee"]
    count = len(telegram_sent(fresh, chat))
    telegram(fresh, chat, "Ja")  # the offered option, typed: mapped to its payload
    assert [m["text"] for m in telegram_new(fresh, chat, count)] == [texts.text("queued", "nl", position=2)]
    chatwoot_id = _conversation_id(fresh)
    sender = pseudonym(TELEGRAM_SECRET, "telegram", str(chat))
    assert fresh.assistant.paused(sender)

    count = len(telegram_sent(fresh, chat))
    telegram(fresh, chat, PERSONAL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(fresh.chatwoot.calls(f"/conversations/{chatwoot_id}/messages")) < 2:
        time.sleep(0.05)
    relayed = fresh.chatwoot.calls(f"/conversations/{chatwoot_id}/messages")[-1]["body"]["content"]
    assert relayed.startswith("Mijn BSN is [")
    assert not [part for part in PERSONAL_PARTS if part in json.dumps(fresh.chatwoot.requests)]

    assert webhook(fresh, agent_reply(chatwoot_id, "Goedemiddag vanuit Chatwoot.")) == 200
    # Only the person's answer: the assistant did not answer the relayed message.
    new = [m["text"] for m in telegram_new(fresh, chat, count)]
    assert new[-1] == "Goedemiddag vanuit Chatwoot."
    assert ASSISTANT_TEXT not in new and texts.text("offer", "nl") not in new

    count = len(telegram_sent(fresh, chat))
    assert webhook(fresh, resolved(chatwoot_id)) == 200
    assert [m["text"] for m in telegram_new(fresh, chat, count)] == [texts.text("resumed", "nl")]
    assert not fresh.assistant.paused(sender)
    count = len(telegram_sent(fresh, chat))
    telegram(fresh, chat, "Welke gegevens zijn gestolen?")
    assert [m["text"] for m in telegram_new(fresh, chat, count)] == [ASSISTANT_TEXT]


# --- the page's relay (webchat /api/chat and /api/chat/updates) ------------------------------------

def test_the_handover_through_the_pages_relay(fresh: Stack):
    from aiohttp.test_utils import TestClient, TestServer

    from webchat.server import create_app

    async def scenario() -> None:
        client = TestClient(TestServer(create_app(fresh.url, {})))
        await client.start_server()
        try:
            async def chat(message: str, conversation: Optional[Conversation] = None) -> Any:
                body = {"message": message, **({"sender": conversation[0]} if conversation else {})}
                answer = await client.post("/api/chat", json=body,
                                           headers={TOKEN_HEADER: conversation[1]} if conversation else None)
                assert answer.status == 200
                return await answer.json(), (answer.headers[ID_HEADER], answer.headers[TOKEN_HEADER])

            async def poll(conversation: Conversation) -> Any:
                answer = await client.post("/api/chat/updates", json={"sender": conversation[0]},
                                           headers={TOKEN_HEADER: conversation[1]})
                assert answer.status == 200
                return await answer.json()

            answers, conversation = await chat("Ik wil een medewerker spreken")
            assert answers[0]["buttons"][0]["payload"] == texts.ACCEPT
            answers, conversation = await chat(texts.ACCEPT, conversation)
            assert texts_of(answers) == texts.text("queued", "nl", position=2)
            chatwoot_id = _conversation_id(fresh)
            answers, conversation = await chat(PERSONAL, conversation)
            assert [answer["text"] for answer in answers] == [privacy_notice(fresh)]  # no answer of the assistant
            assert not [part for part in PERSONAL_PARTS if part in json.dumps(fresh.chatwoot.requests)]
            assert await asyncio.to_thread(webhook, fresh, agent_reply(chatwoot_id, "Hallo vanaf de pagina.")) == 200
            assert await poll(conversation) == [{"text": "Hallo vanaf de pagina.", "from": "person"}]
            assert await poll(conversation) == []
            forged = await client.post("/api/chat/updates", json={"sender": conversation[0]},
                                       headers={TOKEN_HEADER: "1.forged"})
            assert forged.status == 403
            assert await asyncio.to_thread(webhook, fresh, resolved(chatwoot_id)) == 200
            assert await poll(conversation) == [{"text": texts.text("resumed", "nl")}]
        finally:
            await client.close()

    asyncio.run(scenario())
