"""Serves the chat page and relays its socket.io traffic to Rasa.

The page talks only to this server (same origin), so the browser needs no
CORS exception and no third-party request. The pages (the chat, the privacy
and accessibility statements) are filled in once, at start-up
(``webchat.pages``). The page uses socket.io
(``socket_proxy``); ``/api/chat`` relays to the REST channel for simple
clients, with its conversation ids and tokens (``channels.sessions``);
``/api/chat/updates`` gives such a client a person's replies during a handover.
With several Rasa processes (``RASA_WORKERS``) each request goes to the one
that holds its conversation (``webchat.upstreams``).
``/health`` reports whether Rasa answers and the content date (the Rasa and
spaCy versions only with ``EXPOSE_VERSIONS``).

Other websites cannot use the assistant through this server: ``/api/chat`` and
the relay refuse a browser request from another origin (``ALLOWED_ORIGINS``)
or one the browser marks as cross-site (``Sec-Fetch-Site``). Every answer,
errors included, has the security headers; headers and bodies have deadlines
(``webchat.transport``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from importlib import util as importlib_util
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

import aiohttp
import yaml
from aiohttp import web

import settings
from channels import config
from channels.limits import InputRejected, Limits, parse_json_object
from channels.sessions import ID_HEADER, MAX_TOKEN_CHARS, TOKEN_HEADER
from channels.web_security import COMMON_HEADERS
from operations.control import public_notice
from webchat import pages, socket_proxy, transport
from webchat.upstreams import Upstreams, rasa_urls

STATIC = Path(__file__).parent / "static"
ROOT = Path(__file__).resolve().parent.parent
CONTENT_META = ROOT / "actions" / "data" / "content_meta.yml"
MAX_MESSAGE_CHARS = 5000
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=20)
SECURITY_HEADERS = {
    **COMMON_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    # aiohttp would name itself and its version.
    "Server": "webchat",
}

logger = logging.getLogger("webchat")


def spacy_model_version(package: str = "nl_core_news_sm") -> Optional[str]:
    """Returns the version in the spaCy pipeline's meta.json, without loading it.

    Args:
        package: The installed spaCy pipeline package.

    Returns:
        The ``meta["version"]`` string, or None if the package is missing.
    """
    spec = importlib_util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for meta in sorted(Path(folder).glob("*/meta.json")):
            return str(json.loads(meta.read_text(encoding="utf-8")).get("version"))
    return None


def content_date() -> str:
    """Returns the date of the newest content, from content_meta.yml."""
    with CONTENT_META.open(encoding="utf-8") as handle:
        return str((yaml.safe_load(handle) or {}).get("content_date", "unknown"))


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Adds the security headers to every response, errors (404, 405, 413, 500) included."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception as error:  # noqa: BLE001 - answer 500 with the headers, log no request data
        logger.error("request failed: %s", type(error).__name__)
        response = web.json_response({"error": "internal"}, status=500)
    if not response.prepared:  # a relayed websocket has sent its headers already
        response.headers.update(SECURITY_HEADERS)
    return response


def page(html: str) -> Any:
    """Returns a handler that serves one page, filled in at start-up (``webchat.pages``)."""

    async def handler(_: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    return handler


async def _same_site_json_body(request: web.Request) -> Union[Dict[str, Any], web.Response]:
    """The request's JSON object within the size and depth limits, or the refusal to send.

    Refused: a cross-site request (403), a body too large (413) or not a JSON object
    within the depth limit (400).
    """
    if transport.foreign_request(request):
        return web.json_response({"error": "forbidden_origin"}, status=403)
    raw = await transport.read_body(request, request.app["header_timeout_s"])
    try:
        return parse_json_object(raw, request.app["limits"])
    except InputRejected as rejected:
        return web.json_response({"error": "too_large" if rejected.status == 413 else "invalid_json"},
                                 status=rejected.status)


async def chat(request: web.Request) -> web.Response:
    """Relays one user message to Rasa's REST channel and returns the bot messages.

    The conversation protocol is the REST channel's (``channels.sessions``):
    without ``sender`` and its token (header ``X-Conversation-Token`` or
    ``"token"`` in the body) the message starts a new conversation; the answer
    names the conversation in ``X-Conversation-Id`` and ``X-Conversation-Token``.
    """
    body = await _same_site_json_body(request)
    if isinstance(body, web.Response):
        return body
    sender, message = body.get("sender"), body.get("message")
    token = request.headers.get(TOKEN_HEADER) or body.get("token")
    if sender is not None and (not isinstance(sender, str) or not SENDER_PATTERN.match(sender)):
        return web.json_response({"error": "invalid_sender"}, status=400)
    if token is not None and (not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS):
        return web.json_response({"error": "invalid_token"}, status=400)
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        return web.json_response({"error": "invalid_message"}, status=400)
    base = request.app["upstreams"].pick(sender)
    url = f"{base}/webhooks/rest/webhook"
    upstream_body = {"message": message, **({"sender": sender} if sender is not None else {})}
    try:
        async with request.app["client"].post(url, json=upstream_body,
                                              headers={TOKEN_HEADER: token} if token else None) as upstream:
            if upstream.status != 200:
                logger.warning("Rasa answered HTTP %s", upstream.status)
                return web.json_response({"error": "upstream"}, status=502)
            passed = {name: upstream.headers[name] for name in (ID_HEADER, TOKEN_HEADER)
                      if name in upstream.headers}
            return web.json_response(await upstream.json(), headers=passed)
    except (aiohttp.ClientError, TimeoutError):
        logger.warning("Rasa server not reachable at %s", base)
        return web.json_response({"error": "upstream"}, status=502)


async def chat_updates(request: web.Request) -> web.Response:
    """Relays a request for a person's replies during a handover (``/webhooks/rest/updates``).

    The body names the conversation (``sender``) and its token; the answer is
    the list of messages the person sent since the last request (empty without a
    handover). The same origin and size checks as ``/api/chat``.
    """
    body = await _same_site_json_body(request)
    if isinstance(body, web.Response):
        return body
    sender = body.get("sender")
    token = request.headers.get(TOKEN_HEADER) or body.get("token")
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender) or not isinstance(token, str) \
            or len(token) > MAX_TOKEN_CHARS:
        return web.json_response({"error": "invalid_sender"}, status=400)
    url = f"{request.app['upstreams'].pick(sender)}/webhooks/rest/updates"
    try:
        async with request.app["client"].post(url, json={"sender": sender},
                                              headers={TOKEN_HEADER: token}) as upstream:
            if upstream.status == 403:
                return web.json_response({"error": "unknown_conversation"}, status=403)
            if upstream.status != 200:
                return web.json_response({"error": "upstream"}, status=502)
            return web.json_response(await upstream.json())
    except (aiohttp.ClientError, TimeoutError):
        return web.json_response({"error": "upstream"}, status=502)


async def notice(_: web.Request) -> web.Response:
    """The operators' notice for above the chat (``operations/``): ``{"notice": {date, nl, en}}`` or null."""
    return web.json_response({"notice": public_notice()})


async def health(request: web.Request) -> web.Response:
    """Reports the state of the assistant (503 when Rasa is down); versions only with ``EXPOSE_VERSIONS``.

    Rasa's HTTP API (and so its /version) is off; its root answers
    "Hello from Rasa", with ": <version>" when it shows versions too. With
    several Rasa processes, Rasa counts as reachable only when every one answers.
    """
    versions = request.app["expose_versions"]
    answers = [await _rasa_root(request.app["client"], url) for url in request.app["upstreams"].urls]
    rasa_status: Dict[str, Any] = {"reachable": all(text is not None for text in answers)}
    if rasa_status["reachable"] and versions and answers[0].startswith("Hello from Rasa:"):
        rasa_status["version"] = answers[0].split(":", 1)[1].strip()
    report: Dict[str, Any] = {"status": "ok" if rasa_status["reachable"] else "degraded", "rasa": rasa_status}
    if versions:
        report["spacy_model_version"] = spacy_model_version()
    report["content_date"] = content_date()
    return web.json_response(report, status=200 if rasa_status["reachable"] else 503)


async def _rasa_root(client: aiohttp.ClientSession, url: str) -> Optional[str]:
    """The text of a Rasa process's root page, or None when it does not answer 200."""
    try:
        async with client.get(f"{url}/") as upstream:
            text = await upstream.text()
            return text if upstream.status == 200 else None
    except (aiohttp.ClientError, TimeoutError):
        return None


async def _start_client(app: web.Application) -> None:
    app["client"] = aiohttp.ClientSession(timeout=UPSTREAM_TIMEOUT)


async def _stop_client(app: web.Application) -> None:
    await app["client"].close()


def create_app(rasa_url: Union[str, Sequence[str]],
               environ: Optional[Dict[str, str]] = None) -> web.Application:
    """Builds the web application.

    Args:
        rasa_url: Base URL of the Rasa server, for example http://localhost:5005, or of each
            Rasa process in worker order (``RASA_WORKERS``, ``webchat.upstreams``).
        environ: Settings (``ALLOWED_ORIGINS``, ``WEB_PORT``, ``EXPOSE_VERSIONS``,
            ``HTTP_HEADER_TIMEOUT_S``, ``MAX_BODY_BYTES``, ``ORGANISATION_NAME``...);
            ``os.environ`` when None.

    Returns:
        The aiohttp application.
    """
    env = os.environ if environ is None else environ
    limits = Limits.from_settings(env)
    app = web.Application(client_max_size=limits.body_bytes, middlewares=[security_headers])
    app["limits"] = limits
    app["allowed_origins"] = config.allowed_origins(env)
    app["expose_versions"] = config.expose_versions(env)
    app["header_timeout_s"] = config.header_timeout_s(env)
    app["upstreams"] = Upstreams([rasa_url] if isinstance(rasa_url, str) else rasa_url)
    app["rasa_url"] = app["upstreams"].urls[0]
    rendered = pages.render_pages(env)
    for route, name in pages.ROUTES.items():
        app.router.add_get(route, page(rendered[name]))
    app.router.add_get("/health", health)
    app.router.add_post("/api/chat", chat)
    app.router.add_post("/api/chat/updates", chat_updates)
    app.router.add_get("/api/notice", notice)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    app.on_startup.append(_start_client)
    app.on_cleanup.append(_stop_client)
    socket_proxy.add_routes(app)
    return app


def main() -> None:
    """Runs the web server on WEB_PORT (default 8080), loopback only."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s webchat %(levelname)s %(message)s")
    web_port = settings.get("WEB_PORT")
    host = settings.get("WEB_HOST")
    app = create_app(rasa_urls())
    try:
        asyncio.run(transport.serve(app, host, web_port, app["header_timeout_s"]))
    except (web.GracefulExit, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    main()
