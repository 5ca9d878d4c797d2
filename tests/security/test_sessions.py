"""Issue 16: a conversation id is no password. Only who was given it (with its token) continues a conversation.

A server of its own, as ``make run`` starts it (in-memory tracker store), with
a known ``SESSION_SECRET`` (to forge an expired token the server signed itself)
and its HTTP API on only to look into the store from outside; the web page's
server in front of it for the relay.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pytest

from channels.sessions import ConversationTokens
from tests.security.client import RestConversation, SocketUser, post_json
from tests.server.harness import ROOT, Servers, WebPage

pytestmark = pytest.mark.security

REST = "/webhooks/rest/webhook"
SECRET = "issue-16-test-secret-" + "x" * 20
DAY_S = 86_400
FIRST = "Wat is er gebeurd?"
SECOND = "Welke gegevens zijn gestolen?"


@dataclass
class Sessions:
    """A Rasa server with a known session secret, and the web page in front of it."""

    rasa: Servers
    page: WebPage


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> Sessions:
    workdir = tmp_path_factory.mktemp("sessions")
    env = {"SESSION_SECRET": SECRET}
    rasa = Servers(workdir, endpoints=ROOT / "endpoints.yml", extra_env=env, debug=False,
                   enable_api=True, action_server=False).start()
    try:
        page = WebPage(workdir, rasa.url).start()
    except BaseException:
        rasa.stop()
        raise
    yield Sessions(rasa, page)
    page.stop()
    rasa.stop()


def user_texts(url: str, sender: str) -> List[str]:
    """The user messages stored in a conversation (through the HTTP API)."""
    with urllib.request.urlopen(f"{url}/conversations/{sender}/tracker", timeout=10) as answer:
        tracker: Dict[str, Any] = json.loads(answer.read())
    return [event.get("text") for event in tracker.get("events", []) if event.get("event") == "user"]


def confirmed_id(event: Any) -> Optional[str]:
    """The session id in a ``session_confirm`` (an object now; a bare string before)."""
    data = event.get("session_confirm") if isinstance(event, dict) else None
    return data.get("session_id") if isinstance(data, dict) else data


def forged_tokens(victim_id: str) -> Dict[str, Optional[str]]:
    """Tokens an attacker may try for someone else's id."""
    expired = ConversationTokens(SECRET.encode(), DAY_S, clock=lambda: time.time() - 2 * DAY_S)
    return {
        "none": None,
        "made up": "9999999999.AAAA",
        "other secret": ConversationTokens(b"not-the-servers-secret" * 2, DAY_S).token_for(victim_id),
        "expired": expired.token_for(victim_id),
    }


def victim_over_rest(sessions: Sessions) -> RestConversation:
    victim = RestConversation(sessions.rasa.url + REST)
    assert victim.say(FIRST).status == 200
    return victim


@pytest.mark.parametrize("kind", ["none", "made up", "other secret", "expired"])
def test_rest_with_someone_elses_id_does_not_continue_their_conversation(sessions, kind):
    victim = victim_over_rest(sessions)
    token = forged_tokens(victim.id)[kind]
    headers = {"X-Conversation-Token": token} if token else {}
    answer = post_json(sessions.rasa.url + REST, {"sender": victim.id, "message": SECOND, "token": token},
                       headers)
    assert answer.status == 200, answer.body
    assert user_texts(sessions.rasa.url, victim.id) == [FIRST], "the attacker's message is not in it"
    assert answer.headers.get("x-conversation-id") not in (None, victim.id), "the attacker got a new one"
    assert victim.say(SECOND).status == 200
    assert user_texts(sessions.rasa.url, victim.id) == [FIRST, SECOND], "the owner still continues it"


@pytest.mark.parametrize("kind", ["none", "made up", "expired"])
def test_the_relay_with_someone_elses_id_does_not_continue_their_conversation(sessions, kind):
    victim = victim_over_rest(sessions)
    token = forged_tokens(victim.id)[kind]
    headers = {"Origin": sessions.page.url, **({"X-Conversation-Token": token} if token else {})}
    answer = post_json(sessions.page.url + "/api/chat", {"sender": victim.id, "message": SECOND}, headers)
    assert answer.status == 200, answer.body
    assert user_texts(sessions.rasa.url, victim.id) == [FIRST]
    assert answer.headers.get("x-conversation-id") not in (None, victim.id)


def test_the_relay_continues_only_with_the_token_it_handed_out(sessions):
    own = RestConversation(sessions.page.url + "/api/chat", headers={"Origin": sessions.page.url})
    assert own.say(FIRST).status == 200 and own.say(SECOND).status == 200
    assert user_texts(sessions.rasa.url, own.id) == [FIRST, SECOND]


def test_ids_that_were_not_issued_are_refused_politely(sessions):
    short = [post_json(sessions.rasa.url + REST, {"sender": "1", "message": FIRST}) for _ in range(2)]
    assert [answer.status for answer in short] == [200, 200]
    issued = [answer.headers.get("x-conversation-id") for answer in short]
    assert None not in issued and "1" not in issued and issued[0] != issued[1], "no shared conversation '1'"
    assert user_texts(sessions.rasa.url, "1") == []
    long = post_json(sessions.rasa.url + REST, {"sender": "s" * 100_000, "message": FIRST})
    assert long.status == 400 and len(long.body) < 100
    relay = [post_json(sessions.page.url + "/api/chat", {"sender": sender, "message": FIRST},
                       {"Origin": sessions.page.url}) for sender in ("1", "s" * 100_000)]
    assert [answer.status for answer in relay] == [400, 400] and all(len(a.body) < 100 for a in relay)


def test_socket_io_with_someone_elses_session_id_gets_a_new_session_and_none_of_their_answers(sessions):
    async def scenario() -> Dict[str, Any]:
        victim, attacker, intruder = (SocketUser(sessions.rasa.url) for _ in range(3))
        victim_client = await victim.connect()
        await victim_client.emit("session_request", {})
        await victim.wait_for(1)
        victim_confirm = victim.received[0]["session_confirm"]
        victim_id = confirmed_id(victim.received[0])
        await victim_client.emit("user_uttered", {"message": FIRST, "session_id": victim_id})
        await victim.wait_for(2)
        await asyncio.sleep(3)  # every bubble of the answer has arrived
        # The attacker asks for the victim's session: without a token, then with a forged one.
        attacker_client = await attacker.connect()
        for token in forged_tokens(victim_id).values():
            await attacker_client.emit("session_request", {"session_id": victim_id, "session_token": token})
        await attacker.wait_for(4)
        # Another one skips session_request and names the victim's session in a message.
        intruder_client = await intruder.connect()
        await intruder_client.emit("user_uttered", {"message": "Hallo", "session_id": victim_id})
        await attacker_client.emit("user_uttered", {"message": "Hallo", "session_id": victim_id})
        victim_seen = len(victim.received)
        await asyncio.sleep(4)
        victim_after_attack = victim.received[victim_seen:]
        await victim_client.emit("user_uttered", {"message": SECOND, "session_id": victim_id})
        await victim.wait_for(victim_seen + 1)
        await asyncio.sleep(2)
        # The owner comes back on a new connection (a reload) with its id and token.
        owner = SocketUser(sessions.rasa.url)
        owner_client = await owner.connect()
        await owner_client.emit("session_request", victim_confirm if isinstance(victim_confirm, dict)
                                else {"session_id": victim_id})
        await owner.wait_for(1)
        for user, client in ((victim, victim_client), (attacker, attacker_client), (intruder, intruder_client),
                             (owner, owner_client)):
            await user.hang_up(client)
        return {"victim_id": victim_id, "attacker": attacker.received, "intruder": intruder.received,
                "victim_after_attack": victim_after_attack, "victim": victim.received, "owner": owner.received}

    seen = asyncio.run(scenario())
    victim_id = seen["victim_id"]
    attacker_ids = [confirmed_id(event) for event in seen["attacker"] if "session_confirm" in event]
    assert len(attacker_ids) == 4 and victim_id not in attacker_ids, "a new session, not the victim's"
    assert len(set(attacker_ids)) == 4
    assert [event for event in seen["attacker"] if "session_confirm" not in event], "its own message is answered"
    victim_answers = [event for event in seen["victim"][2:] if "session_confirm" not in event]
    assert victim_answers, "the victim still gets its answers"
    assert not [event for event in seen["attacker"] if event in victim_answers], "none of the victim's answers"
    assert seen["victim_after_attack"] == [], "nothing the attackers said is answered in the victim's window"
    assert seen["intruder"] == [], "a message before a confirmed session is ignored"
    assert user_texts(sessions.rasa.url, victim_id) == [FIRST, SECOND]
    assert confirmed_id(seen["owner"][0]) == victim_id, "the owner's reload continues the conversation"


def test_socket_io_ids_that_were_not_issued_get_a_new_session(sessions):
    async def scenario() -> List[Any]:
        user = SocketUser(sessions.rasa.url)
        client = await user.connect()
        for session_id in ("1", "s" * 100_000):
            await client.emit("session_request", {"session_id": session_id})
        await user.wait_for(2)
        await user.hang_up(client)
        return user.received

    ids = [confirmed_id(event) for event in asyncio.run(scenario())]
    assert len(ids) == 2 and all(isinstance(i, str) and len(i) == 32 for i in ids), [str(i)[:40] for i in ids]
