"""Deadlines for slow clients of the web page's server (aiohttp has none for a request's headers).

aiohttp 3.9 closes an idle keep-alive connection, but a client that sends a
request's headers one line at a time could hold a connection for as long as
it liked. ``DeadlineRequestHandler`` closes a connection whose request headers
are not complete ``header_timeout_s`` after their first byte. Request bodies
are read with a deadline in the handlers themselves (``read_body``).

A request aiohttp cannot parse (a bad header, a broken chunk) gets a short
fixed answer with the security headers, and one log line without a traceback
or any part of the input (aiohttp's own answer quotes the input, names its
version and logs a traceback for every such request). A body that does not
unpack (``Content-Encoding`` that lies) is a 400, not a 500.

``foreign_request`` is the check of ``/api/chat`` and the socket.io relay
against other websites.
"""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import Any, Optional

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage
from aiohttp.web_protocol import RequestHandler, RequestPayloadError
from aiohttp.web_request import BaseRequest

from channels.web_security import API_HEADERS, cross_site, origin_allowed

logger = logging.getLogger("webchat")
# On aiohttp's own error answers (no middleware runs for them): aiohttp would name itself and its version.
ERROR_HEADERS = {**API_HEADERS, "Server": "webchat"}
# What a client causes (a request or body that does not parse): one log line, no traceback.
CLIENT_ERRORS = (BadHttpMessage, RequestPayloadError)


class DeadlineRequestHandler(RequestHandler):
    """aiohttp's connection handler with a deadline for each request's headers.

    Args:
        manager: The ``web.Server``.
        header_timeout_s: Time from a request's first byte to the end of its headers.
        **kwargs: As for ``RequestHandler``.
    """

    def __init__(self, manager: web.Server, *, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._header_timeout_s = header_timeout_s
        self._header_deadline: Optional[asyncio.TimerHandle] = None

    def data_received(self, data: bytes) -> None:
        """Feeds the parser; starts the deadline at a request's first byte, stops it at its last header."""
        count = self._request_count
        super().data_received(data)
        if self._request_count != count:
            self._stop_deadline()
        elif (data and self._header_deadline is None and not self._upgrade and self._payload_parser is None
              and self._current_request is None and not self._messages):
            self._header_deadline = self._loop.call_later(
                self._header_timeout_s, self._deadline_passed, count)

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        """Stops the deadline with the connection."""
        self._stop_deadline()
        super().connection_lost(exc)

    def handle_error(self, request: BaseRequest, status: int = 500, exc: Optional[BaseException] = None,
                     message: Optional[str] = None) -> web.StreamResponse:
        """The answer to a request aiohttp could not parse or handle, made safe.

        A client error (4xx) is logged in one line with the exception's type only,
        and answered with the status phrase, never with the parser's message
        (which quotes the input). Every such answer gets ``ERROR_HEADERS``.

        Args:
            request: The request, as far as it was parsed.
            status: The HTTP status aiohttp chose.
            exc: The exception behind it.
            message: aiohttp's text for the answer (dropped for client errors).

        Returns:
            The answer; the connection is closed after it.
        """
        if status >= 500:
            answer = super().handle_error(request, status, exc, message)
        else:
            self.log_exception("Error handling request", exc_info=exc)
            if request.writer.output_size > 0:
                raise ConnectionError("the answer was sent already")
            answer = web.Response(status=status, text=HTTPStatus(status).phrase, content_type="text/plain")
            answer.force_close()
        answer.headers.update(ERROR_HEADERS)
        return answer

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        """Logs a malformed request or body in one line (its type only); anything else as aiohttp does."""
        error = kwargs.get("exc_info")
        if isinstance(error, CLIENT_ERRORS):
            logger.warning("request refused: %s", type(error).__name__)
            return
        super().log_exception(*args, **kwargs)

    def _stop_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _deadline_passed(self, count: int) -> None:
        self._header_deadline = None
        if self._request_count == count and self._current_request is None and not self._upgrade:
            self.force_close()


class DeadlineServer(web.Server):
    """``web.Server`` making ``DeadlineRequestHandler`` connections (deadline set by the runner)."""

    header_timeout_s: float = 10.0

    def __call__(self) -> RequestHandler:
        """A handler for one new connection."""
        return DeadlineRequestHandler(self, loop=self._loop, header_timeout_s=self.header_timeout_s,
                                      **self._kwargs)


class DeadlineAppRunner(web.AppRunner):
    """``web.AppRunner`` whose connections have the header deadline.

    Args:
        app: The application.
        header_timeout_s: Time for a request's headers.
        **kwargs: As for ``web.AppRunner``.
    """

    def __init__(self, app: web.Application, *, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._header_timeout_s = header_timeout_s

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = DeadlineServer  # same state; only the connection handler's class differs
        server.header_timeout_s = self._header_timeout_s
        return server


def foreign_request(request: web.Request) -> bool:
    """Whether a browser sent this request for another website (Origin not allowed, or cross-site).

    Args:
        request: Any request; ``request.app["allowed_origins"]`` holds ``ALLOWED_ORIGINS``.

    Returns:
        True when the request must be refused (403).
    """
    return cross_site(request.headers) or not origin_allowed(request.headers.get("Origin"),
                                                             request.app["allowed_origins"])


async def read_body(request: web.BaseRequest, timeout_s: float) -> bytes:
    """Reads a request body (aiohttp enforces ``client_max_size``) within ``timeout_s``.

    Raises:
        web.HTTPRequestTimeout: The body did not arrive in time.
        web.HTTPRequestEntityTooLarge: The body is larger than the app allows.
        web.HTTPBadRequest: The body does not unpack as its ``Content-Encoding`` says.
    """
    try:
        return await asyncio.wait_for(request.read(), timeout_s)
    except asyncio.TimeoutError:
        raise web.HTTPRequestTimeout() from None
    except RequestPayloadError:
        raise web.HTTPBadRequest(text="The body does not match its Content-Encoding.") from None


async def serve(app: web.Application, host: str, port: int, header_timeout_s: float) -> None:
    """Runs ``app`` on ``host:port`` until cancelled, with the header deadline.

    Args:
        app: The application.
        host: Interface to listen on.
        port: TCP port.
        header_timeout_s: Time for a request's headers.
    """
    runner = DeadlineAppRunner(app, header_timeout_s=header_timeout_s, access_log=None, shutdown_timeout=5,
                               handle_signals=True)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
