"""Serves the chat page and relays its socket.io traffic to Rasa.

The page talks only to this server (same origin), so the browser needs no
CORS exception and no third-party request. The page uses socket.io
(``socket_proxy``); ``/api/chat`` relays to the REST channel for simple
clients. ``/health`` reports which model,
spaCy pipeline and content date are in use.
"""

from __future__ import annotations

import json
import logging
import os
import re
from importlib import util as importlib_util
from pathlib import Path
from typing import Any, Dict, Optional

import aiohttp
import yaml
from aiohttp import web

from webchat import socket_proxy

STATIC = Path(__file__).parent / "static"
ROOT = Path(__file__).resolve().parent.parent
CONTENT_META = ROOT / "actions" / "data" / "content_meta.yml"
MAX_MESSAGE_CHARS = 5000
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=20)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
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
    """Adds the security headers to every response."""
    response = await handler(request)
    if not response.prepared:  # a relayed websocket has sent its headers already
        response.headers.update(SECURITY_HEADERS)
    return response


async def index(_: web.Request) -> web.FileResponse:
    """Serves the chat page."""
    return web.FileResponse(STATIC / "index.html")


async def privacy(_: web.Request) -> web.FileResponse:
    """Serves the privacy statement."""
    return web.FileResponse(STATIC / "privacy.html")


async def privacy_en(_: web.Request) -> web.FileResponse:
    """Serves the English translation of the privacy statement."""
    return web.FileResponse(STATIC / "privacy-en.html")


async def chat(request: web.Request) -> web.Response:
    """Relays one user message to Rasa and returns the bot messages."""
    try:
        body: Dict[str, Any] = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return web.json_response({"error": "invalid_json"}, status=400)
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        return web.json_response({"error": "invalid_sender"}, status=400)
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        return web.json_response({"error": "invalid_message"}, status=400)
    url = f"{request.app['rasa_url']}/webhooks/rest/webhook"
    try:
        async with request.app["client"].post(url, json={"sender": sender, "message": message}) as upstream:
            if upstream.status != 200:
                logger.warning("Rasa answered HTTP %s", upstream.status)
                return web.json_response({"error": "upstream"}, status=502)
            return web.json_response(await upstream.json())
    except (aiohttp.ClientError, TimeoutError):
        logger.warning("Rasa server not reachable at %s", request.app["rasa_url"])
        return web.json_response({"error": "upstream"}, status=502)


async def health(request: web.Request) -> web.Response:
    """Reports the state of the assistant for operators (503 when Rasa is down).

    Rasa's HTTP API (and so its /version) is off; its root answers
    "Hello from Rasa: <version>" on every channel-only server.
    """
    rasa_status: Dict[str, Any] = {"reachable": False}
    try:
        async with request.app["client"].get(f"{request.app['rasa_url']}/") as upstream:
            text = await upstream.text()
            rasa_status = {"reachable": upstream.status == 200}
            if text.startswith("Hello from Rasa:"):
                rasa_status["version"] = text.split(":", 1)[1].strip()
    except (aiohttp.ClientError, TimeoutError):
        pass
    return web.json_response({
        "status": "ok" if rasa_status["reachable"] else "degraded",
        "rasa": rasa_status,
        "spacy_model_version": spacy_model_version(),
        "content_date": content_date(),
    }, status=200 if rasa_status["reachable"] else 503)


async def _start_client(app: web.Application) -> None:
    app["client"] = aiohttp.ClientSession(timeout=UPSTREAM_TIMEOUT)


async def _stop_client(app: web.Application) -> None:
    await app["client"].close()


def create_app(rasa_url: str) -> web.Application:
    """Builds the web application.

    Args:
        rasa_url: Base URL of the Rasa server, for example http://localhost:5005.

    Returns:
        The aiohttp application.
    """
    app = web.Application(client_max_size=64 * 1024, middlewares=[security_headers])
    app["rasa_url"] = rasa_url.rstrip("/")
    app.router.add_get("/", index)
    app.router.add_get("/privacy", privacy)
    app.router.add_get("/privacy/en", privacy_en)
    app.router.add_get("/health", health)
    app.router.add_post("/api/chat", chat)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    app.on_startup.append(_start_client)
    app.on_cleanup.append(_stop_client)
    socket_proxy.add_routes(app)
    return app


def main() -> None:
    """Runs the web server on WEB_PORT (default 8080), loopback only."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s webchat %(levelname)s %(message)s")
    rasa_port = os.environ.get("RASA_PORT", "5005")
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    app = create_app(os.environ.get("RASA_URL", f"http://localhost:{rasa_port}"))
    web.run_app(app, host=host, port=web_port, access_log=None, print=None, shutdown_timeout=5)


if __name__ == "__main__":
    main()
