"""The action server of this assistant: the Rasa SDK's app, on loopback, with a token and quiet errors.

``python -m runtime.action_server --port 5055`` replaces ``rasa run actions``
when the actions do not run in the Rasa server (``ACTIONS_IN_PROCESS=0``):

- It listens on ``ACTION_HOST`` (default 127.0.0.1); a container sets 0.0.0.0.
- With ``ACTION_SERVER_TOKEN`` set, ``/webhook`` and ``/actions`` answer 401
  unless the request has ``Authorization: Bearer <token>``; the Rasa server
  sends it (``runtime.action_token``). ``/health`` stays open for probes.
- An error answers ``{"error": "internal"}`` with status 500; the SDK's own
  handler echoed the whole request body (the tracker, with the conversation).
- Request headers have ``HTTP_HEADER_TIMEOUT_S`` from their first byte, as on
  the Rasa server (``channels.transport``).

Only the Rasa SDK, Sanic, ``settings/`` and this module are needed (the actions image
copies ``runtime/action_server.py`` and ``settings/`` next to ``actions/``).
"""

from __future__ import annotations

import argparse
import hmac
import logging
from typing import Any, Mapping, Optional, Sequence

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

import settings

logger = logging.getLogger(__name__)

TOKEN_ENV = "ACTION_SERVER_TOKEN"
HOST_ENV = "ACTION_HOST"
OPEN_PATHS = frozenset({"/health"})


def token(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The shared secret of the Rasa server and the action server (``ACTION_SERVER_TOKEN``), or None."""
    return settings.get(TOKEN_ENV, environ)


def authorised(header: Optional[str], expected: str) -> bool:
    """Whether an ``Authorization`` header carries the token (compared in constant time).

    Args:
        header: The request's Authorization header.
        expected: The token.

    Returns:
        True for ``Bearer <token>``.
    """
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def create_app(package: str = "actions", expected_token: Optional[str] = None) -> Sanic:
    """The Rasa SDK's app with the token check and an error handler that echoes nothing.

    Args:
        package: Package of the actions.
        expected_token: Token every request but ``/health`` must carry; None: no check.

    Returns:
        The Sanic app.
    """
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app(package, cors_origins=None)

    async def quiet_error(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            logger.error("action server: %s on %s (request not logged)",
                         type(exception).__name__, request.path)
        return response.json({"error": "internal" if status >= 500 else "request refused"}, status=status)

    app.error_handler.add(Exception, quiet_error)

    if expected_token is not None:
        async def check_token(request: Request) -> Optional[HTTPResponse]:
            if request.path in OPEN_PATHS or authorised(request.headers.get("Authorization"), expected_token):
                return None
            return response.json({"error": "unauthorised"}, status=401)

        app.register_middleware(check_token, "request")
    return app


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Starts the action server (``--port``, ``--actions``, ``--debug``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The rasa-sdk image's own entrypoint took "start"; a chart that still passes it works too.
    parser.add_argument("command", nargs="?", choices=["start"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=settings.get("ACTION_PORT"))
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                        format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    expected = token()
    host = settings.get(HOST_ENV)
    app = create_app(args.actions, expected)
    app.config.REQUEST_TIMEOUT = settings.get("HTTP_HEADER_TIMEOUT_S")
    _install_deadline_patch()
    logger.info("action server on http://%s:%d, %s", host, args.port,
                "token required" if expected else f"no token ({TOKEN_ENV} unset)")
    app.run(host, args.port, workers=1, access_log=False)


def _install_deadline_patch() -> Any:
    """The Rasa server's header deadline (counted from a request's first byte), when the module is there."""
    try:
        from channels.transport import _patch_deadlines
    except ImportError:  # the actions image has no channels/: Sanic's own timeouts apply
        return None
    return _patch_deadlines()


if __name__ == "__main__":
    main()
