"""Telegram channel (``/webhooks/telegram/webhook``).

Variables: ``TELEGRAM_TOKEN`` (the bot token) and ``TELEGRAM_SECRET_TOKEN``
(the ``secret_token`` given to ``setWebhook``; Telegram sends it back in
``X-Telegram-Bot-Api-Secret-Token``), both or none; ``TELEGRAM_API_BASE``
(tests). ``/start`` gets the greeting. Buttons are a numbered list plus a
reply keyboard with the titles (a tapped title comes back as text and is
mapped to its payload).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, Optional, Sequence

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
from channels.signatures import telegram_valid
from channels.split import TELEGRAM_LIMIT

logger = logging.getLogger(__name__)
START_COMMAND = "/start"
GREET_COMMAND = "/greet"
# What Telegram allows as secret_token.
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def parse_update(update: Any) -> Optional[Inbound]:
    """Turns a Telegram update into a message; None for updates without a chat message.

    Args:
        update: The decoded webhook body.

    Returns:
        The message (``/start`` becomes the trusted ``/greet``), or None.
    """
    if not isinstance(update, dict):
        return None
    message = update.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if chat_id is None or isinstance(chat_id, bool):
        return None
    text = message.get("text")
    update_id = update.get("update_id")
    message_id = str(update_id) if update_id is not None else None
    if isinstance(text, str) and text.strip().split(" ")[0].split("@")[0] == START_COMMAND:
        return Inbound(message_id, str(chat_id), GREET_COMMAND, trusted=frozenset({GREET_COMMAND}))
    return Inbound(message_id, str(chat_id), text if isinstance(text, str) else None)


class TelegramOutput(PlatformOutput):
    """Sends replies with the Bot API's ``sendMessage``."""

    limit = TELEGRAM_LIMIT

    def __init__(self, sender: HttpSender, event: Inbound, send_url: str) -> None:
        super().__init__(sender, event)
        self.send_url = send_url

    @classmethod
    def name(cls) -> str:
        """Channel name."""
        return "telegram"

    async def deliver(self, text: str, choices: Sequence[Choice]) -> None:
        """Sends one message; options also as a one-time reply keyboard."""
        body: Dict[str, Any] = {"chat_id": self.event.address, "text": text, "disable_web_page_preview": True}
        if choices:
            body["reply_markup"] = {"keyboard": [[{"text": choice.title}] for choice in choices],
                                    "one_time_keyboard": True, "resize_keyboard": True}
        await self.sender.post(self.send_url, json=body)


class TelegramInput(MessagingInput):
    """Telegram webhooks, checked with ``X-Telegram-Bot-Api-Secret-Token``."""

    required = ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN")
    secret_setting = "TELEGRAM_SECRET_TOKEN"

    def __init__(self, settings: Optional[Dict[str, str]], store: Optional[KeyValueStore] = None) -> None:
        super().__init__(settings, store)
        if settings is not None and not SECRET_TOKEN_RE.match(settings["TELEGRAM_SECRET_TOKEN"]):
            raise ValueError("channel telegram: TELEGRAM_SECRET_TOKEN may only hold A-Z, a-z, 0-9, _ and - "
                             "(1 to 256 characters)")
        self.api_base = config.optional_setting("TELEGRAM_API_BASE")
        if settings is not None:
            self.sender = HttpSender(self.name())

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/telegram`` and the channel name stored with messages."""
        return "telegram"

    def make_output(self, event: Inbound) -> PlatformOutput:
        """Output channel for one message."""
        assert self.settings is not None and self.sender is not None
        token = self.settings["TELEGRAM_TOKEN"]
        return TelegramOutput(self.sender, event, f"{self.api_base}/bot{token}/sendMessage")

    def add_routes(self, blueprint: Blueprint, on_new_message: OnNewMessage) -> None:
        """POST ``/webhook``: check the secret token, dedupe by ``update_id``, answer 200."""
        assert self.settings is not None
        secret = self.settings["TELEGRAM_SECRET_TOKEN"]
        limits = Limits.from_settings()

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not telegram_valid(request.headers.get("X-Telegram-Bot-Api-Secret-Token"), secret):
                logger.warning("channel telegram: webhook with a missing or wrong secret token refused")
                return response.text("forbidden", status=403)
            if not self.agent_ready(request):
                return response.text("not ready", status=503)
            try:
                update = parse_json(request.body or b"", limits)
            except InputRejected as rejected:
                return response.text(rejected.reason, status=rejected.status)
            event = parse_update(update)
            if event is not None:
                await self.accept(request, [event], on_new_message)
            return response.text("ok")
