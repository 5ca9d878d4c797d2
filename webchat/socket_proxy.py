"""Relays the page's socket.io traffic to Rasa's socket.io channel (same origin).

The browser only ever talks to this server, so the Content-Security-Policy
can stay at ``connect-src 'self'`` and Rasa's port need not be public. Both
engine.io transports are relayed: HTTP long polling (GET and POST) and the
websocket upgrade. Nothing identifying is passed on: no cookies, no client
address, no forwarding headers.

A browser request from another website is refused (403) before anything is
relayed: an Origin outside ``ALLOWED_ORIGINS`` or ``Sec-Fetch-Site:
cross-site`` (``transport.foreign_request``). Rasa's own socket.io checks the
Origin too, but sees none from this relay.

With several Rasa processes (``RASA_WORKERS``) every request of an engine.io
session goes to the process that issued it (``sid`` in the query: each process
issues only session ids that route to itself); a new session goes to the
process of the conversation the page wants to continue (``route`` in the query:
two characters of its id, ``channels.workers.route_of``, dropped before
relaying), or without one to the next process in turn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

import aiohttp
from aiohttp import WSMsgType, web
from yarl import URL

from channels.workers import ROUTE
from webchat.transport import foreign_request, read_body

PATH = "/socket.io/"
# Long polling holds a GET open up to engine.io's ping interval (25 s).
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=70)
MAX_BODY_BYTES = 64 * 1024
PASSED_HEADERS = ("Content-Type",)
# The page names the route of the conversation it continues, for the choice of the Rasa process only.
ROUTE_PARAM = "route"

logger = logging.getLogger("webchat.socket_proxy")


def upstream_base(request: web.Request) -> str:
    """The Rasa process of this request: of its engine.io session, else of its route, else the next one."""
    upstreams = request.app["upstreams"]
    sid = request.query.get("sid")
    if sid:
        return upstreams.pick(sid)
    route = request.query.get(ROUTE_PARAM)
    if route and ROUTE.fullmatch(route):
        return upstreams.pick_route(route)
    return upstreams.pick(None)


def upstream_url(request: web.Request, scheme: str = "http") -> str:
    """Returns Rasa's socket.io address for this request, with its query string.

    The process is the one that holds the request's session or conversation
    (``upstream_base``); the ``route`` parameter is not passed on.

    Args:
        request: The browser's request to ``/socket.io/``.
        scheme: ``http`` for polling, ``ws`` for the websocket transport.

    Returns:
        The upstream URL.
    """
    base = upstream_base(request)
    if scheme == "ws":
        base = "ws" + base[len("http"):]
    if ROUTE_PARAM not in request.query:
        return f"{base}{PATH}?{request.query_string}"
    query = request.query.copy()
    query.popall(ROUTE_PARAM, None)
    return str(URL(f"{base}{PATH}").with_query(query))


async def relay(request: web.Request) -> web.StreamResponse:
    """Relays one engine.io request (polling or websocket) to Rasa.

    Args:
        request: The browser's request.

    Returns:
        The upstream answer, or 502 when Rasa cannot be reached.
    """
    if foreign_request(request):
        return web.Response(status=403, text="forbidden_origin")
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return await relay_websocket(request)
    body = None
    if request.method == "POST":
        body = await read_body(request, request.app["header_timeout_s"])
    if body is not None and len(body) > MAX_BODY_BYTES:
        return web.Response(status=413)
    headers = {name: request.headers[name] for name in PASSED_HEADERS if name in request.headers}
    try:
        async with request.app["socket_client"].request(
            request.method, upstream_url(request), data=body, headers=headers
        ) as upstream:
            content = await upstream.read()
            return web.Response(
                status=upstream.status, body=content,
                content_type=upstream.content_type, charset=upstream.charset,
            )
    except (aiohttp.ClientError, asyncio.TimeoutError):
        logger.warning("Rasa socket.io not reachable at %s", request.app["rasa_url"])
        return web.Response(status=502)


async def _pump(source: Any, target: Any) -> None:
    """Copies websocket frames from ``source`` to ``target`` until one closes."""
    async for message in source:
        if message.type == WSMsgType.TEXT:
            await target.send_str(message.data)
        elif message.type == WSMsgType.BINARY:
            await target.send_bytes(message.data)
        else:
            break


async def relay_websocket(request: web.Request) -> web.StreamResponse:
    """Relays a websocket between the browser and Rasa, frame by frame.

    Args:
        request: The browser's upgrade request.

    Returns:
        The closed websocket response, or 502 when Rasa cannot be reached.
    """
    upstream: Optional[aiohttp.ClientWebSocketResponse] = None
    try:
        upstream = await request.app["socket_client"].ws_connect(
            upstream_url(request, "ws"), max_msg_size=MAX_BODY_BYTES, autoping=True
        )
    except (aiohttp.ClientError, asyncio.TimeoutError):
        logger.warning("Rasa socket.io websocket not reachable at %s", request.app["rasa_url"])
        return web.Response(status=502)
    browser = web.WebSocketResponse(max_msg_size=MAX_BODY_BYTES, autoping=True)
    await browser.prepare(request)
    request.app["sockets"].add(browser)
    tasks = [asyncio.ensure_future(_pump(browser, upstream)), asyncio.ensure_future(_pump(upstream, browser))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        request.app["sockets"].discard(browser)
        await upstream.close()
        await browser.close()
    return browser


async def _start(app: web.Application) -> None:
    app["socket_client"] = aiohttp.ClientSession(
        timeout=UPSTREAM_TIMEOUT, cookie_jar=aiohttp.DummyCookieJar())


async def _close_sockets(app: web.Application) -> None:
    for socket in list(app["sockets"]):
        await socket.close(code=aiohttp.WSCloseCode.GOING_AWAY)


async def _stop(app: web.Application) -> None:
    await app["socket_client"].close()


def add_routes(app: web.Application) -> None:
    """Adds the ``/socket.io/`` relay and its client session to ``app``.

    Args:
        app: The web application; ``app["upstreams"]`` (``webchat.upstreams``) must be set.
    """
    app["sockets"] = set()
    app.router.add_route("GET", PATH, relay)
    app.router.add_route("POST", PATH, relay)
    app.on_startup.append(_start)
    app.on_shutdown.append(_close_sockets)
    app.on_cleanup.append(_stop)
