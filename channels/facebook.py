"""Facebook Messenger channel (``/webhooks/facebook/webhook``).

Variables (all three, or the channel is off): ``FACEBOOK_VERIFY_TOKEN``
(answered at webhook set-up), ``FACEBOOK_APP_SECRET`` (checks
``X-Hub-Signature-256`` on every POST), ``FACEBOOK_PAGE_ACCESS_TOKEN`` (sends
replies); ``FACEBOOK_API_BASE`` (Graph API version, or a test server). Every
entry and every messaging event of a batched webhook is handled. Buttons are
a numbered list plus quick replies.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import config
from channels.guard import OnNewMessage
from channels.kv import KeyValueStore
from channels.limits import InputRejected, Limits, parse_json
from channels.messaging import Inbound, MessagingInput, PlatformOutput
from channels.numbered import Choice
from channels.outbound import HttpSender
from channels.signatures import facebook_valid, secret_equal
from channels.split import MESSENGER_LIMIT

logger = logging.getLogger(__name__)
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20


def _event_message(event: Dict[str, Any], address: str) -> Optional[Inbound]:
    message, postback = event.get("message"), event.get("postback")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        quick_reply = message.get("quick_reply")
        payload = quick_reply.get("payload") if isinstance(quick_reply, dict) else None
        text = payload if isinstance(payload, str) else message.get("text")
        mid = message.get("mid")
        return Inbound(str(mid) if mid else None, address, text if isinstance(text, str) else None)
    if isinstance(postback, dict):
        mid = postback.get("mid") or f"postback:{address}:{event.get('timestamp')}"
        payload = postback.get("payload")
        return Inbound(str(mid), address, payload if isinstance(payload, str) else None)
    return None  # deliveries, reads, reactions


def parse_batch(body: Any) -> List[Inbound]:
    """Every message of a webhook: all entries, all messaging events, in order.

    Args:
        body: The decoded webhook body.

    Returns:
        The messages (echoes, deliveries and reads left out).
    """
    if not isinstance(body, dict) or not isinstance(body.get("entry"), list):
        return []
    messages: List[Inbound] = []
    for entry in body["entry"]:
        events = entry.get("messaging") if isinstance(entry, dict) else None
        for event in events if isinstance(events, list) else []:
            sender = event.get("sender") if isinstance(event, dict) else None
            address = sender.get("id") if isinstance(sender, dict) else None
            if address is None:
                continue
            parsed = _event_message(event, str(address))
            if parsed is not None:
                messages.append(parsed)
    return messages


def quick_reply_title(title: str) -> str:
    """A title within Messenger's 20 characters."""
    return title if len(title) <= MAX_QUICK_REPLY_TITLE else title[:MAX_QUICK_REPLY_TITLE - 1].rstrip() + "…"


class FacebookOutput(PlatformOutput):
    """Sends replies with the Send API (``/me/messages``)."""

    limit = MESSENGER_LIMIT

    def __init__(self, sender: HttpSender, event: Inbound, send_url: str, access_token: str) -> None:
        super().__init__(sender, event)
        self.send_url = send_url
        self.access_token = access_token

    @classmethod
    def name(cls) -> str:
        """Channel name."""
        return "facebook"

    async def deliver(self, text: str, choices: Sequence[Choice]) -> None:
        """Sends one message; options also as quick replies (which send the payload)."""
        message: Dict[str, Any] = {"text": text}
        if choices:
            message["quick_replies"] = [
                {"content_type": "text", "title": quick_reply_title(choice.title), "payload": choice.payload}
                for choice in choices[:MAX_QUICK_REPLIES]]
        await self.sender.post(self.send_url, params={"access_token": self.access_token},
                               json={"recipient": {"id": self.event.address}, "messaging_type": "RESPONSE",
                                     "message": message})


class FacebookInput(MessagingInput):
    """Messenger webhooks, checked with ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body)."""

    required = ("FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN")
    secret_setting = "FACEBOOK_APP_SECRET"

    def __init__(self, settings: Optional[Dict[str, str]], store: Optional[KeyValueStore] = None) -> None:
        super().__init__(settings, store)
        self.api_base = config.optional_setting("FACEBOOK_API_BASE")
        if settings is not None:
            self.sender = HttpSender(self.name())

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/facebook``; the name actions/guidance_render.py knows."""
        return "facebook"

    def make_output(self, event: Inbound) -> PlatformOutput:
        """Output channel for one message."""
        assert self.settings is not None and self.sender is not None
        return FacebookOutput(self.sender, event, f"{self.api_base}/me/messages",
                              self.settings["FACEBOOK_PAGE_ACCESS_TOKEN"])

    def add_routes(self, blueprint: Blueprint, on_new_message: OnNewMessage) -> None:
        """GET ``/webhook``: the verification handshake; POST: check the signature, handle every event."""
        assert self.settings is not None
        verify_token = self.settings["FACEBOOK_VERIFY_TOKEN"]
        app_secret = self.settings["FACEBOOK_APP_SECRET"]
        limits = Limits.from_settings()

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = request.args
            subscribe = args.get("hub.mode") == "subscribe"
            if subscribe and secret_equal(args.get("hub.verify_token"), verify_token):
                return response.text(str(args.get("hub.challenge", "")))
            return response.text("forbidden", status=403)

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            if not facebook_valid(request.headers.get("X-Hub-Signature-256"), body, app_secret):
                logger.warning("channel facebook: webhook with a missing or wrong signature refused")
                return response.text("forbidden", status=403)
            if not self.agent_ready(request):
                return response.text("not ready", status=503)
            try:
                data = parse_json(body, limits)
            except InputRejected as rejected:
                return response.text(rejected.reason, status=rejected.status)
            await self.accept(request, parse_batch(data), on_new_message)
            return response.text("EVENT_RECEIVED")
