"""Finding 4: use is limited: messages per sender, conversations kept in memory, turns per session.

A server of its own, as ``make run`` starts it (in-memory tracker store), with
small limits so that the attacks take seconds; its HTTP API is on only to look
into the store from outside.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List

import pytest

import settings
from channels.limit_texts import RATE_LIMITED, SESSION_RESTARTED
from tests.security.client import RestConversation, SocketUser, post_json, request
from tests.server.harness import ROOT, Servers, WebPage, rss_kib

pytestmark = pytest.mark.security

REST = "/webhooks/rest/webhook"
BURST = 8
MAX_CONVERSATIONS = 20
MAX_TURNS = 5  # below BURST: a long conversation reaches it without the rate limit
# The abuse burst of the memory test: new conversations, each with the largest metadata allowed, and
# now and then a message of 100,000 characters and a body of 2 MB. Without MAX_CONVERSATIONS the Rasa
# process grew by about 20 MiB in such a burst (25 KiB per conversation); with it by about 2 MiB.
BURST_CONVERSATIONS = 800
MAX_GROWTH_MIB = 8
METADATA = {"page": "x" * 3900}
LIMITS = {"RATE_LIMIT_PER_MINUTE": str(BURST), "RATE_LIMIT_BURST": str(BURST),
          "MAX_CONVERSATIONS": str(MAX_CONVERSATIONS), "MAX_TURNS": str(MAX_TURNS)}


@dataclass
class Limited:
    """A Rasa server with small use limits, and the web page in front of it."""

    rasa: Servers
    page: WebPage


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> Limited:
    workdir = tmp_path_factory.mktemp("limits")
    rasa = Servers(workdir, endpoints=ROOT / "endpoints.yml", extra_env=LIMITS, debug=False,
                   enable_api=True, action_server=False).start()
    try:
        page = WebPage(workdir, rasa.url).start()
    except BaseException:
        rasa.stop()
        raise
    yield Limited(rasa, page)
    page.stop()
    rasa.stop()


def texts(answer: Any) -> List[str]:
    return [message.get("text", "") for message in answer.json()]


def say(conversation: RestConversation, message: str = "hallo") -> List[str]:
    answer = conversation.say(message)
    assert answer.status == 200
    return texts(answer)


def stored_user_messages(url: str, sender: str) -> int:
    with urllib.request.urlopen(f"{url}/conversations/{sender}/tracker", timeout=10) as answer:
        tracker: Dict[str, Any] = json.loads(answer.read())
    return sum(1 for event in tracker.get("events", []) if event.get("event") == "user")


def test_a_burst_from_one_sender_gets_the_polite_limit_answer_and_others_are_unaffected(limited):
    flooder, other = RestConversation(limited.rasa.url + REST), RestConversation(limited.rasa.url + REST)
    answers = [say(flooder) for _ in range(BURST + 3)]
    assert all(RATE_LIMITED["nl"] not in answer for answer in answers[:BURST])
    for answer in answers[BURST:]:
        assert answer == [RATE_LIMITED["nl"]], "over the limit: only the notice, the message is not processed"
    assert RATE_LIMITED["nl"] not in say(other)
    # No refused message is stored. With the changes to Rasa the session restarted after MAX_TURNS
    # (runtime.turn_cap) and the new one holds the other accepted ones; stock Rasa keeps all BURST.
    kept = BURST - MAX_TURNS if settings.get("RASA_PATCHES") else BURST
    assert stored_user_messages(limited.rasa.url, flooder.id) == kept


def test_the_page_relay_is_limited_per_sender(limited):
    conversation = RestConversation(limited.page.url + "/api/chat", headers={"Origin": limited.page.url})
    replies = []
    for _ in range(BURST + 2):
        answer = conversation.say()
        assert answer.status == 200
        replies.append(texts(answer))
    assert replies[-1] == [RATE_LIMITED["nl"]] and RATE_LIMITED["nl"] not in replies[0]


def test_a_socket_io_burst_is_limited_per_session(limited):
    async def burst() -> List[Any]:
        user = SocketUser(limited.rasa.url)
        client = await user.connect()
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await user.wait_for(1)
        for _ in range(BURST + 2):
            await client.emit("user_uttered", {"message": "hallo", "session_id": session})
            await asyncio.sleep(0.05)
        await asyncio.sleep(3)
        await user.hang_up(client)
        return user.received

    received = asyncio.run(burst())
    notices = [event for event in received if isinstance(event, dict) and event.get("text") == RATE_LIMITED["nl"]]
    assert len(notices) == 2


def test_many_new_conversations_keep_at_most_the_cap_in_memory(limited):
    senders = [RestConversation(limited.rasa.url + REST) for _ in range(MAX_CONVERSATIONS * 2)]
    for sender in senders:
        say(sender)
    assert stored_user_messages(limited.rasa.url, senders[-1].id) == 1
    assert stored_user_messages(limited.rasa.url, senders[0].id) == 0, "the oldest conversation was forgotten"


@pytest.mark.patches  # the turn cap is a change to Rasa (runtime.turn_cap)
def test_a_long_conversation_restarts_politely_at_the_cap(limited):
    sender = RestConversation(limited.rasa.url + REST)
    answers = [say(sender) for _ in range(MAX_TURNS + 1)]
    assert all(SESSION_RESTARTED["nl"] not in answer for answer in answers[:MAX_TURNS])
    assert answers[MAX_TURNS][0] == SESSION_RESTARTED["nl"] and len(answers[MAX_TURNS]) > 1
    say(sender)
    assert stored_user_messages(limited.rasa.url, sender.id) == 2, "only the new session is kept"


def _abuse(url: str, index: int) -> None:
    """One new conversation with large metadata; every 25th also a 100,000-character message and 2 MB."""
    answer = post_json(url + REST, {"sender": uuid.uuid4().hex, "message": "hallo", "metadata": METADATA})
    assert answer.status == 200
    if index % 25 == 0:
        assert post_json(url + REST, {"sender": uuid.uuid4().hex, "message": "Wat is er gebeurd? " * 5300}).status == 200
        try:
            assert request(url + REST, "POST", b'{"sender": "big", "message": "' + b"a" * 2_000_000 + b'"}').status == 413
        except OSError:
            pass  # closed before the whole body was sent: refused all the same


def test_memory_of_the_rasa_process_stays_bounded_under_abuse(limited):
    """RSS of the Rasa process before and after 800 new conversations with large inputs (4 clients at once)."""
    url = limited.rasa.url
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda index: _abuse(url, index), range(100)))  # warm up: the store is full from here on
    before = rss_kib(limited.rasa.rasa_pid)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda index: _abuse(url, index), range(BURST_CONVERSATIONS)))
    growth_mib = (rss_kib(limited.rasa.rasa_pid) - before) / 1024
    assert growth_mib < MAX_GROWTH_MIB, f"RSS grew by {growth_mib:.1f} MiB over {BURST_CONVERSATIONS} conversations"
