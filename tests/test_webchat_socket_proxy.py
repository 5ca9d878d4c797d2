"""The same-origin relay of the page's socket.io traffic to Rasa, against a fake Rasa on loopback."""

from __future__ import annotations

import asyncio

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer

from webchat.server import create_app


def fake_socketio(seen: list) -> web.Application:
    async def engine(request: web.Request) -> web.StreamResponse:
        seen.append({"method": request.method, "query": dict(request.query), "headers": dict(request.headers),
                     "body": await request.text()})
        if request.headers.get("Upgrade", "").lower() == "websocket":
            socket = web.WebSocketResponse()
            await socket.prepare(request)
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await socket.send_str(f"echo:{message.data}")
            return socket
        return web.Response(text="0{\"sid\":\"abc\"}", content_type="text/plain")

    app = web.Application()
    app.router.add_route("*", "/socket.io/", engine)
    return app


async def with_relay(scenario, seen: list, upstream_up: bool = True):
    upstream = TestServer(fake_socketio(seen))
    await upstream.start_server()
    url = str(upstream.make_url(""))
    if not upstream_up:
        await upstream.close()
    client = TestClient(TestServer(create_app(url)))
    await client.start_server()
    try:
        return await scenario(client)
    finally:
        await client.close()
        if upstream_up:
            await upstream.close()


def test_polling_is_relayed_with_its_query_and_nothing_identifying():
    seen: list = []

    async def scenario(client):
        get = await client.get("/socket.io/?EIO=4&transport=polling",
                               headers={"Cookie": "track=1", "X-Forwarded-For": "203.0.113.9"})
        post = await client.post("/socket.io/?EIO=4&transport=polling&sid=abc", data="40",
                                 headers={"Content-Type": "text/plain"})
        return get.status, await get.text(), post.status

    get_status, body, post_status = asyncio.run(with_relay(scenario, seen))
    assert (get_status, post_status) == (200, 200)
    assert body == "0{\"sid\":\"abc\"}"
    assert seen[0]["query"] == {"EIO": "4", "transport": "polling"}
    assert seen[1]["body"] == "40"
    for request in seen:
        headers = {name.lower() for name in request["headers"]}
        assert not headers & {"cookie", "x-forwarded-for", "forwarded", "x-real-ip"}


def test_websocket_frames_are_relayed_both_ways():
    seen: list = []

    async def scenario(client):
        socket = await client.ws_connect("/socket.io/?EIO=4&transport=websocket")
        await socket.send_str("2probe")
        answer = await socket.receive(timeout=5)
        await socket.close()
        return answer.data

    assert asyncio.run(with_relay(scenario, seen)) == "echo:2probe"
    assert seen[0]["query"]["transport"] == "websocket"


def test_unreachable_rasa_gives_502_not_a_crash():
    async def scenario(client):
        return (await client.get("/socket.io/?EIO=4&transport=polling")).status

    assert asyncio.run(with_relay(scenario, [], upstream_up=False)) == 502


def test_privacy_page_is_served_with_the_security_headers():
    async def scenario(client):
        response = await client.get("/privacy")
        return response.status, response.headers, await response.text()

    status, headers, html = asyncio.run(with_relay(scenario, []))
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert '<html lang="nl">' in html
    assert "IP-adressen" in html and "30 dagen" in html
