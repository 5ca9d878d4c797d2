"""Transport hardening of Rasa's Sanic server: deadlines, size limits, security headers, no versions.

Installed once per app by a ``before_server_start`` listener that every channel
of this assistant adds to its blueprint (``harden``), so it applies whatever
credentials.yml lists:

- ``REQUEST_TIMEOUT``: a request's headers must arrive within
  ``HTTP_HEADER_TIMEOUT_S`` (default 10 s) of its first byte. Sanic 21.12
  restarts that clock on every byte received, so a client that trickles one
  header line at a time kept a connection open for minutes; ``_patch_deadlines``
  stops the restart while a request is being received and handled. The body and
  the handler together then have Sanic's ``RESPONSE_TIMEOUT`` (60 s without the
  HTTP API), counted from the same first byte.
- ``REQUEST_MAX_SIZE``: ``MAX_BODY_BYTES`` (413 above it).
- Security headers (``web_security.API_HEADERS``) on every answer, errors included.
- ``/`` answers "Hello from Rasa" without the version unless ``EXPOSE_VERSIONS`` is on.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import config
from channels.web_security import API_HEADERS
from privacy import settings

logger = logging.getLogger(__name__)

MARKER = "_bvo_transport"
ROOT_TEXT = "Hello from Rasa"


def harden(blueprint: Blueprint) -> None:
    """Adds the listener that hardens the app this blueprint is registered on (once per app).

    Args:
        blueprint: A channel's blueprint.
    """
    blueprint.listener("before_server_start")(_configure)


async def _configure(app: Any, _: Any = None) -> None:
    configure(app)


def configure(app: Any) -> bool:
    """Sets the deadlines and limits, adds the headers and the version-free root (once per app).

    Args:
        app: The Sanic app of ``rasa run``.

    Returns:
        True when it configured the app now, False when it was done before.
    """
    if getattr(app.ctx, MARKER, False):
        return False
    setattr(app.ctx, MARKER, True)
    _patch_deadlines()
    body_bytes = settings.max_body_bytes()
    app.config.REQUEST_TIMEOUT = config.header_timeout_s()
    app.config.REQUEST_MAX_SIZE = body_bytes
    versions = config.expose_versions()
    if not versions:
        app.register_middleware(_root_without_version, "request")
    app.register_middleware(_security_headers, "response")
    logger.info("transport: headers within %.0f s, bodies up to %d bytes, security headers on every answer, "
                "versions %s", app.config.REQUEST_TIMEOUT, body_bytes, "shown" if versions else "hidden")
    return True


async def _root_without_version(request: Request) -> Optional[HTTPResponse]:
    """Answers ``GET /`` (Rasa's "Hello from Rasa: <version>") without the version."""
    if request.path == "/" and request.method in ("GET", "HEAD"):
        return response.text(ROOT_TEXT)
    return None


async def _security_headers(_: Request, answer: HTTPResponse) -> None:
    """Adds ``API_HEADERS`` to an answer that does not set them itself."""
    headers = getattr(answer, "headers", None)
    if headers is None:
        return
    for name, value in API_HEADERS.items():
        if name not in headers:
            headers[name] = value


def _patch_deadlines() -> None:
    """Makes Sanic's request deadline count from a request's first byte, not its latest one (once)."""
    from sanic.http import Stage
    from sanic.server.protocols.http_protocol import HttpProtocol

    original = HttpProtocol.data_received
    if getattr(original, MARKER, False):
        return

    def data_received(self: Any, data: bytes) -> None:
        http = getattr(self, "_http", None)
        if http is None or http.stage is Stage.IDLE:
            original(self, data)  # the first bytes of a request start its clock
            return
        started = self._time
        original(self, data)
        self._time = started

    setattr(data_received, MARKER, True)
    data_received.__wrapped__ = original  # type: ignore[attr-defined]
    HttpProtocol.data_received = data_received
