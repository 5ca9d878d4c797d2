"""The page's relay with several Rasa processes (RASA_WORKERS): the real relay against fake Rasa processes.

Each fake process issues and checks ids with the real ``ConversationTokens`` of its
worker and counts the messages of each conversation in its own memory, as a Rasa
process with the in-memory store does: a message that reached the wrong process
would start again at 1.
"""

from __future__ import annotations

import asyncio
from typing import Dict, List

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from channels.sessions import ID_HEADER, TOKEN_HEADER, ConversationTokens
from channels.workers import Worker, route_of, worker_of, worker_of_route
from webchat.server import create_app
from webchat.upstreams import Upstreams, rasa_urls

SECRET = b"k" * 32
DAY_S = 86_400.0


def fake_worker(index: int, count: int, seen: List[Dict]) -> web.Application:
    tokens = ConversationTokens(SECRET, DAY_S, worker=Worker(index, count))
    turns: Dict[str, int] = {}

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        conversation = tokens.resume(body.get("sender"), request.headers.get(TOKEN_HEADER))
        turns[conversation.id] = turns.get(conversation.id, 0) + 1
        seen.append({"worker": index, "path": "webhook"})
        return web.json_response([{"text": f"{index}:{turns[conversation.id]}"}], headers=conversation.headers())

    async def updates(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append({"worker": index, "path": "updates"})
        if not tokens.verify(body.get("sender"), request.headers.get(TOKEN_HEADER)):
            return web.json_response({"error": "Unknown conversation."}, status=403)
        return web.json_response([])

    async def engine(request: web.Request) -> web.Response:
        seen.append({"worker": index, "path": "socket.io", "query": dict(request.query)})
        return web.Response(text="ok")

    async def root(_: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa")

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_post("/webhooks/rest/updates", updates)
    app.router.add_route("*", "/socket.io/", engine)
    app.router.add_get("/", root)
    return app


async def with_workers(count: int, scenario, seen: List[Dict], down: int = -1):
    upstreams = [TestServer(fake_worker(index, count, seen)) for index in range(count)]
    for server in upstreams:
        await server.start_server()
    urls = [str(server.make_url("")) for server in upstreams]
    if 0 <= down < count:
        await upstreams[down].close()
    client = TestClient(TestServer(create_app(urls)))
    await client.start_server()
    try:
        return await scenario(client)
    finally:
        await client.close()
        for server in upstreams:
            await server.close()


async def say(client, text, conversation=None):
    body = {"message": text, **({"sender": conversation[0]} if conversation else {})}
    headers = {TOKEN_HEADER: conversation[1]} if conversation else None
    response = await client.post("/api/chat", json=body, headers=headers)
    assert response.status == 200, await response.text()
    answer = await response.json()
    return answer[0]["text"], (response.headers[ID_HEADER], response.headers[TOKEN_HEADER])


def test_every_message_of_a_conversation_reaches_the_process_that_issued_its_id():
    seen: List[Dict] = []

    async def scenario(client):
        results = []
        for _ in range(6):
            texts, conversation = [], None
            for turn in range(3):
                text, conversation = await say(client, f"vraag {turn}", conversation)
                texts.append(text)
            results.append((texts, conversation[0]))
        return results

    results = asyncio.run(with_workers(2, scenario, seen))
    for texts, conversation_id in results:
        worker = worker_of(conversation_id, 2)
        assert texts == [f"{worker}:1", f"{worker}:2", f"{worker}:3"], "the conversation stayed in one process"
    assert {worker_of(conversation_id, 2) for _, conversation_id in results} == {0, 1}, "both processes used"
    assert {entry["worker"] for entry in seen} == {0, 1}


def test_new_conversations_take_turns_over_the_processes():
    seen: List[Dict] = []

    async def scenario(client):
        return [worker_of((await say(client, "hallo"))[1][0], 3) for _ in range(6)]

    assert asyncio.run(with_workers(3, scenario, seen)) == [0, 1, 2, 0, 1, 2]


def test_an_id_that_routes_elsewhere_or_a_forged_token_cannot_continue_a_conversation():
    seen: List[Dict] = []

    async def scenario(client):
        _, victim = await say(client, "mijn vraag")
        text, _ = await say(client, "nog een", victim)
        assert text.endswith(":2")
        other_token = ConversationTokens(b"x" * 32, DAY_S).token_for(victim[0])
        forged = []
        for token in (other_token, victim[1][:-1] + ("A" if victim[1][-1] != "A" else "B")):
            forged.append(await say(client, "lees mee", (victim[0], token)))
        return victim, forged

    victim, forged = asyncio.run(with_workers(2, scenario, seen))
    for text, conversation in forged:
        assert conversation[0] != victim[0] and text.endswith(":1"), "a new conversation, not the victim's"


def test_updates_of_a_handover_are_asked_of_the_process_of_the_conversation():
    seen: List[Dict] = []

    async def scenario(client):
        conversations = [(await say(client, "hallo"))[1] for _ in range(4)]
        statuses = []
        for conversation_id, token in conversations:
            response = await client.post("/api/chat/updates", json={"sender": conversation_id},
                                         headers={TOKEN_HEADER: token})
            statuses.append(response.status)
        return conversations, statuses

    conversations, statuses = asyncio.run(with_workers(2, scenario, seen))
    assert statuses == [200] * 4
    asked = [entry["worker"] for entry in seen if entry["path"] == "updates"]
    assert asked == [worker_of(conversation_id, 2) for conversation_id, _ in conversations]


def test_socketio_requests_follow_their_session_or_the_route_of_their_conversation():
    seen: List[Dict] = []
    sids = ["sid-one-abc", "sid-two-xyz", "sid-3-zzz", "sid-4-qqq"]
    conversations = ["0b23456789abcdef0123456789abcdef", "f0123456789abcdef0123456789abcde"]

    async def scenario(client):
        for sid in sids:
            await client.get(f"/socket.io/?EIO=4&transport=polling&sid={sid}")
        for conversation in conversations:
            await client.get(f"/socket.io/?EIO=4&transport=polling&route={route_of(conversation)}")
        await client.get("/socket.io/?EIO=4&transport=polling&route=not-a-route")
        await client.get("/socket.io/?EIO=4&transport=polling")

    asyncio.run(with_workers(3, scenario, seen))
    assert [entry["worker"] for entry in seen[:4]] == [worker_of(sid, 3) for sid in sids]
    assert [entry["worker"] for entry in seen[4:6]] == [worker_of(name, 3) for name in conversations] == [2, 0]
    assert "route" not in seen[4]["query"] and seen[4]["query"]["EIO"] == "4"
    assert seen[6]["worker"] != seen[7]["worker"], "without a name: in turn"


def test_a_conversations_route_is_two_characters_of_its_id_and_picks_its_process():
    for count in (2, 3, 16):
        tokens = ConversationTokens(SECRET, DAY_S, worker=Worker(count - 1, count))
        conversation = tokens.issue().id
        assert len(route_of(conversation)) == 2 and conversation.startswith(route_of(conversation))
        assert worker_of_route(route_of(conversation), count) == worker_of(conversation, count) == count - 1


def test_health_needs_every_process():
    async def scenario(client):
        return (await client.get("/health")).status

    assert asyncio.run(with_workers(2, scenario, [])) == 200
    assert asyncio.run(with_workers(2, scenario, [], down=1)) == 503


def test_one_process_is_as_before():
    assert rasa_urls({}) == ["http://localhost:5005"]
    assert rasa_urls({"RASA_PORT": "6000", "RASA_URL": "http://rasa:5005"}) == ["http://rasa:5005"]
    assert rasa_urls({"RASA_WORKERS": "3", "RASA_PORT": "6000"}) == [
        "http://localhost:6000", "http://localhost:6001", "http://localhost:6002"]
    with pytest.raises(ValueError):
        rasa_urls({"RASA_WORKERS": "2", "RASA_URL": "http://rasa:5005"})
    single = Upstreams(["http://a/"])
    assert {single.pick(name) for name in (None, "x", "0123456789abcdef0123456789abcdef")} == {"http://a"}
