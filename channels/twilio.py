"""Twilio channel: SMS and WhatsApp (``/webhooks/twilio/webhook``).

Variables: ``TWILIO_ACCOUNT_SID`` and ``TWILIO_AUTH_TOKEN`` (both, or the
channel is off); ``TWILIO_WEBHOOK_URL`` (the public URL registered at
Twilio, needed behind a proxy because the signature covers the URL);
``TWILIO_API_BASE`` (tests). Replies go from the number the user wrote to
(the webhook's ``To``), as one message per response split at 1600 characters;
buttons become a numbered list.
"""

from __future__ import annotations

import logging
from typing import Dict, List, Optional, Sequence
from urllib.parse import parse_qs

import aiohttp
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import config
from channels.guard import OnNewMessage
from channels.kv import KeyValueStore
from channels.messaging import Inbound, MessagingInput, PlatformOutput
from channels.numbered import Choice
from channels.outbound import HttpSender
from channels.signatures import twilio_valid
from channels.split import TWILIO_LIMIT

logger = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _first(params: Dict[str, List[str]], name: str) -> Optional[str]:
    values = params.get(name)
    return values[0] if values else None


def parse_message(params: Dict[str, List[str]]) -> Optional[Inbound]:
    """Turns the form of an incoming-message webhook into a message.

    Args:
        params: The POST parameters.

    Returns:
        The message; None for anything that is not an incoming message
        (a status callback has no ``Body``, or no sender).
    """
    address = _first(params, "From")
    if not address or "Body" not in params:
        return None
    return Inbound(_first(params, "MessageSid"), address, _first(params, "Body"),
                   reply_from=_first(params, "To"))


class TwilioOutput(PlatformOutput):
    """Sends replies with Twilio's Messages API."""

    limit = TWILIO_LIMIT
    # One SMS or WhatsApp message per response: separate messages may arrive out of order.
    paragraph_bubbles = False

    def __init__(self, sender: HttpSender, event: Inbound, messages_url: str) -> None:
        super().__init__(sender, event)
        self.messages_url = messages_url

    @classmethod
    def name(cls) -> str:
        """Channel name."""
        return "twilio"

    async def deliver(self, text: str, choices: Sequence[Choice]) -> None:
        """Sends one message from the number the user wrote to."""
        if not self.event.reply_from:
            logger.warning("channel twilio: the webhook had no 'To'; reply not sent")
            return
        await self.sender.post(self.messages_url,
                               form={"From": self.event.reply_from, "To": self.event.address, "Body": text})


class TwilioInput(MessagingInput):
    """Twilio webhooks for SMS and WhatsApp, signed with ``X-Twilio-Signature``."""

    required = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
    secret_setting = "TWILIO_AUTH_TOKEN"

    def __init__(self, settings: Optional[Dict[str, str]], store: Optional[KeyValueStore] = None) -> None:
        super().__init__(settings, store)
        self.api_base = config.optional_setting("TWILIO_API_BASE")
        self.public_url = config.optional_setting("TWILIO_WEBHOOK_URL") or None
        if settings is not None:
            self.sender = HttpSender(self.name(), auth=aiohttp.BasicAuth(
                settings["TWILIO_ACCOUNT_SID"], settings["TWILIO_AUTH_TOKEN"]))

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/twilio`` and the channel name stored with messages."""
        return "twilio"

    def make_output(self, event: Inbound) -> PlatformOutput:
        """Output channel for one message."""
        assert self.settings is not None and self.sender is not None
        sid = self.settings["TWILIO_ACCOUNT_SID"]
        return TwilioOutput(self.sender, event, f"{self.api_base}/2010-04-01/Accounts/{sid}/Messages.json")

    def add_routes(self, blueprint: Blueprint, on_new_message: OnNewMessage) -> None:
        """POST ``/webhook``: check the signature, dedupe by ``MessageSid``, answer empty TwiML."""
        assert self.settings is not None
        token = self.settings["TWILIO_AUTH_TOKEN"]

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = parse_qs((request.body or b"").decode("utf-8", errors="replace"), keep_blank_values=True)
            url = self.public_url or request.url
            if not twilio_valid(request.headers.get("X-Twilio-Signature"), url, params, token):
                logger.warning("channel twilio: webhook with a missing or wrong signature refused")
                return response.text("forbidden", status=403)
            if not self.agent_ready(request):
                return response.text("not ready", status=503)
            event = parse_message(params)
            if event is not None:
                await self.accept(request, [event], on_new_message)
            return response.text(EMPTY_TWIML, content_type="text/xml")
