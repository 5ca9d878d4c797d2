"""The operator endpoints and the public notice, as Rasa input channels (credentials.yml).

``OperatorInput`` (``/webhooks/operator/``) changes the state; every route needs
``Authorization: Bearer <OPERATOR_TOKEN>`` (compared in constant time). Without
``OPERATOR_TOKEN`` the channel has no routes at all: every path answers 404.
The nginx template of the cluster does not pass ``/webhooks/operator/`` on, so
operators call an instance directly, on the internal network.

``NoticeInput`` (``/webhooks/notice/``) only reads: the notice the page shows
above the chat (nginx passes ``/api/notice`` to it; the single-process page
serves ``/api/notice`` itself).
"""

from __future__ import annotations

import hmac
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from operations import audit, changes
from operations.control import public_notice
from operations.settings import ROOT, load_settings
from operations.store import Current, current

logger = logging.getLogger(__name__)

NAME_HEADER = "X-Operator-Name"
Handler = Callable[[Request], Awaitable[HTTPResponse]]


def authorised(request: Request, token: str) -> bool:
    """Whether the request carries the operator token (constant-time comparison)."""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def domain_responses(request: Request) -> Mapping[str, List[Mapping[str, Any]]]:
    """The loaded model's responses, else the project's domain files."""
    agent = getattr(request.app.ctx, "agent", None)
    domain = getattr(agent, "domain", None)
    if domain is not None and domain.responses:
        return domain.responses
    from scripts.domain_files import load_domain

    return load_domain(ROOT).responses


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own errors for bad JSON
        body = None
    body = body if isinstance(body, dict) else {}
    # query parameters too (``DELETE .../override?key=...&language=nl``); the JSON body wins
    return {**{name: request.args.get(name) for name in request.args}, **body}


def operator_routes(token: str, reader: Callable[[], Current], registry_file: Path) -> Blueprint:
    """The operator routes, each behind the token.

    Args:
        token: ``OPERATOR_TOKEN``.
        reader: The state reader.
        registry_file: The guidance registry.
    """
    routes = Blueprint("bvo_operator", __name__)

    def guarded(handler: Callable[[Request, changes.Operator], changes.Result]) -> Handler:
        async def route(request: Request) -> HTTPResponse:
            if not authorised(request, token):
                return response.json({"ok": False, "problems": ["operator token required"]}, status=401)
            operator = changes.Operator(audit.who(request.headers.get(NAME_HEADER), token), audit.now_iso())
            status, payload = handler(request, operator)
            return response.json(payload, status=status)

        route.__name__ = handler.__name__
        return route

    def state(request: Request, operator: changes.Operator) -> changes.Result:
        return 200, {"ok": True, "state": reader().state()}

    def put_notice(request: Request, operator: changes.Operator) -> changes.Result:
        return changes.set_notice(reader(), _body(request), operator, registry_file)

    def delete_notice(request: Request, operator: changes.Operator) -> changes.Result:
        return changes.remove_notice(reader(), operator)

    def put_override(request: Request, operator: changes.Operator) -> changes.Result:
        return changes.set_override(reader(), _body(request), operator, domain_responses(request),
                                    registry_file)

    def delete_override(request: Request, operator: changes.Operator) -> changes.Result:
        return changes.remove_override(reader(), _body(request), operator)

    def safe_on(request: Request, operator: changes.Operator) -> changes.Result:
        return changes.set_safe_mode(reader(), True, operator)

    def safe_off(request: Request, operator: changes.Operator) -> changes.Result:
        return changes.set_safe_mode(reader(), False, operator)

    routes.add_route(guarded(state), "/state", methods=["GET"])
    routes.add_route(guarded(put_notice), "/notice", methods=["PUT"], name="put_notice")
    routes.add_route(guarded(delete_notice), "/notice", methods=["DELETE"], name="delete_notice")
    routes.add_route(guarded(put_override), "/override", methods=["PUT"], name="put_override")
    routes.add_route(guarded(delete_override), "/override", methods=["DELETE"], name="delete_override")
    routes.add_route(guarded(safe_on), "/safe-mode", methods=["PUT"], name="safe_on")
    routes.add_route(guarded(safe_off), "/safe-mode", methods=["DELETE"], name="safe_off")
    return routes


class OperatorInput(InputChannel):
    """``/webhooks/operator/``: the operators' changes; off (404) without ``OPERATOR_TOKEN``."""

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/operator``."""
        return "operator"

    def blueprint(self, on_new_message: Callable) -> Blueprint:
        """The routes, or none at all when no token is set.

        Args:
            on_new_message: Unused: this channel receives no messages.
        """
        settings = load_settings()
        if not settings.token:
            logger.info("operator endpoints off (no OPERATOR_TOKEN)")
            return Blueprint("bvo_operator_off", __name__)
        logger.info("operator endpoints on at /webhooks/operator/")
        return operator_routes(settings.token, current, settings.registry_file)


class NoticeInput(InputChannel):
    """``/webhooks/notice/``: the notice for the page (read only, no token)."""

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/notice``."""
        return "notice"

    def blueprint(self, on_new_message: Callable) -> Blueprint:
        """``GET /``: ``{"notice": {"date", "nl", "en"}}`` or ``{"notice": null}``.

        Args:
            on_new_message: Unused: this channel receives no messages.
        """
        routes = Blueprint("bvo_notice", __name__)

        @routes.route("/", methods=["GET"])
        async def notice(_: Request) -> HTTPResponse:
            return response.json({"notice": public_notice()})

        return routes
