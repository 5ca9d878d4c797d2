"""Finding 5: another website cannot embed and drive the assistant (socket.io, the relay, /api/chat)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.security.client import EVIL_ORIGIN, SocketUser, connects, post_json, request, websocket_accepted

pytestmark = pytest.mark.security


@pytest.mark.parametrize("server", ["rasa", "page"])
def test_socketio_polling_refuses_another_origin(assistant, server):
    url = getattr(assistant, server).url
    handshake = request(url + "/socket.io/?EIO=4&transport=polling", headers={"Origin": EVIL_ORIGIN})
    assert 400 <= handshake.status < 500
    assert not connects(url, {"Origin": EVIL_ORIGIN}, ["polling"])


@pytest.mark.parametrize("server", ["rasa", "page"])
def test_socketio_websocket_refuses_another_origin(assistant, server):
    assert not websocket_accepted(getattr(assistant, server).url, {"Origin": EVIL_ORIGIN})


def test_the_page_itself_may_open_a_websocket(assistant):
    assert websocket_accepted(assistant.page.url, {"Origin": assistant.page.url})


def test_relay_refuses_a_cross_site_fetch(assistant):
    answer = request(assistant.page.url + "/socket.io/?EIO=4&transport=polling",
                     headers={"Sec-Fetch-Site": "cross-site"})
    assert answer.status == 403


def test_the_page_itself_still_chats_through_the_relay(assistant):
    async def scenario():
        user = SocketUser(assistant.page.url, headers={"Origin": assistant.page.url,
                                                       "Sec-Fetch-Site": "same-origin"})
        client = await user.connect()
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await user.wait_for(1)
        await client.emit("user_uttered", {"message": "hallo", "session_id": session})
        received = await user.wait_for(2)
        await user.hang_up(client)
        return received

    received = asyncio.run(scenario())
    assert received[0] == {"session_confirm": received[0]["session_confirm"]}
    assert len(received) >= 2 and received[1].get("text")


def test_api_chat_refuses_another_origin(assistant):
    answer = post_json(assistant.page.url + "/api/chat", {"sender": uuid.uuid4().hex, "message": "hallo"},
                       headers={"Origin": EVIL_ORIGIN})
    assert answer.status == 403


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_api_chat_refuses_a_cross_site_request(assistant, site):
    answer = post_json(assistant.page.url + "/api/chat", {"sender": uuid.uuid4().hex, "message": "hallo"},
                       headers={"Sec-Fetch-Site": site})
    assert answer.status == 403


def test_api_chat_from_the_page_itself_is_answered(assistant):
    answer = post_json(assistant.page.url + "/api/chat", {"sender": uuid.uuid4().hex, "message": "hallo"},
                       headers={"Origin": assistant.page.url, "Sec-Fetch-Site": "same-origin"})
    assert answer.status == 200
