"""REST channel (``/webhooks/rest/webhook``) with the privacy and input checks.

Same request and answer format as Rasa's ``RestInput``: POST
``{"sender": "...", "message": "..."}``, answer a JSON list of bot messages.
Differences: the server issues the conversation id (``channels.sessions``):
every answer names it in ``X-Conversation-Id`` with a token in
``X-Conversation-Token``; a ``sender`` continues a conversation only with its
token (that header, or ``"token"`` in the body), otherwise the message starts a
new conversation. The message is checked and redacted before Rasa sees it; a body
that is not a JSON object, nested too deeply or with a bad sender or metadata
gets HTTP 400, a body or metadata that is too large HTTP 413
(``channels.limits``), instead of a server error; the ``stream`` option is not
offered; without a loaded model a message gets HTTP 503 and "probeer het later
opnieuw" instead of being dropped.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput
from rasa.shared.core.domain import Domain
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import live_agent, transport
from channels.guard import MessageGuard, OnNewMessage
from channels.limits import InputRejected, Limits, checked_metadata, parse_json_object
from channels.sessions import TOKEN_HEADER, ConversationTokens
from channels.startup import start as start_server

MAX_SENDER_CHARS = 255  # the sender_id column of the SQL tracker store


def parse_body(body: bytes, limits: Optional[Limits] = None) -> Optional[Dict[str, Any]]:
    """Parses the request body within the bounds; invalid UTF-8 inside strings is kept as surrogates.

    The message check then answers such a message as unreadable, instead of the
    whole request failing.

    Args:
        body: Raw request body.
        limits: The bounds; ``Limits.from_settings()`` when None.

    Returns:
        The JSON object, or None if the body is not a JSON object within the bounds.
    """
    try:
        return parse_json_object(body, limits or Limits.from_settings())
    except InputRejected:
        return None


def valid_sender(sender: Any) -> Optional[str]:
    """Returns the sender id to use, or None if the given one cannot be used.

    A missing sender gets a fresh random id (so that strangers never share the
    "default" conversation).

    Args:
        sender: The ``sender`` field of the request.

    Returns:
        The sender id, or None when it is invalid.
    """
    if sender is None:
        return uuid.uuid4().hex
    if isinstance(sender, int | float) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS or not sender.isprintable():
        return None
    try:
        sender.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return sender


def _agent_domain(request: Request) -> Optional[Domain]:
    agent = getattr(request.app.ctx, "agent", None)
    return getattr(agent, "domain", None)


def _agent_ready(request: Request) -> bool:
    """Whether a model is loaded (without one, messages get 503 and "try again later")."""
    agent = getattr(request.app.ctx, "agent", None)
    return agent is not None and bool(agent.is_ready())


async def _agent_replies(sender_id: str, channel: str) -> List[Dict[str, Any]]:
    """The agent's messages waiting for this conversation (empty without a handover)."""
    gate = live_agent.current()
    return await gate.take(channel, sender_id) if gate is not None else []


class SafeRestInput(RestInput):
    """Rasa's REST channel, with every message checked and redacted first."""

    @classmethod
    def name(cls) -> str:
        """Keeps the URL ``/webhooks/rest/webhook`` (the prefix is the channel name)."""
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Defines the health and webhook routes; also runs the server's start-up steps.

        The start-up (``channels.startup``: log redaction, the runtime patches, no access log)
        runs here because Rasa builds the routes at server start, in the server process.

        Args:
            on_new_message: Rasa's handler for a user message.

        Returns:
            The Sanic blueprint.
        """
        start_server()
        limits = Limits.from_settings()
        tokens = ConversationTokens.from_settings()
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        transport.harden(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = parse_json_object(request.body or b"", limits)
                metadata = checked_metadata(body.get("metadata"), limits)
            except InputRejected as rejected:
                return response.json({"error": rejected.reason}, status=rejected.status)
            sender = body.get("sender")
            if sender is not None and valid_sender(sender) is None:
                return response.json({"error": "Invalid sender."}, status=400)
            conversation = tokens.resume(sender, request.headers.get(TOKEN_HEADER) or body.get("token"))
            channel_name = body.get("input_channel")
            guard = MessageGuard(lambda: _agent_domain(request), lambda: _agent_ready(request))
            collector = CollectingOutputChannel()
            await guard.handle(body.get("message"), collector, conversation.id, on_new_message,
                               input_channel=channel_name if isinstance(channel_name, str) else self.name(),
                               metadata=metadata, handover_channel=self.name())
            messages = collector.messages + await _agent_replies(conversation.id, self.name())
            return response.json(messages, status=200 if _agent_ready(request) else 503,
                                 headers=conversation.headers())

        @webhook.route("/updates", methods=["POST"])
        async def updates(request: Request) -> HTTPResponse:
            """The agent's replies during a handover to a person, for a client that asks (``live_agent``)."""
            try:
                body = parse_json_object(request.body or b"", limits)
            except InputRejected as rejected:
                return response.json({"error": rejected.reason}, status=rejected.status)
            token = request.headers.get(TOKEN_HEADER) or body.get("token")
            if not tokens.verify(body.get("sender"), token):
                return response.json({"error": "Unknown conversation."}, status=403)
            return response.json(await _agent_replies(body["sender"], self.name()))

        return webhook
