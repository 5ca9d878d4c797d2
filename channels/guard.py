"""Applies ``privacy.inbound`` to each message and answers too long, empty or unreadable ones.

Every channel calls ``MessageGuard.handle`` with the raw message. Only the
redacted text reaches ``on_new_message`` (Rasa's agent); errors are logged
without the message text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import AbstractSet, Any, Awaitable, Callable, Dict, FrozenSet, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.domain import Domain

from channels.responses import button_commands, response_message
from nlu_components.language_detector import detect_language
from privacy.inbound import InboundDecision, inspect_message
from privacy.redact import redact_value

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Enough of a too-long message to tell its language.
LANGUAGE_SAMPLE_CHARS = 2000


def _language_of(raw: object, text: Optional[str]) -> Optional[str]:
    """Language for the guard's own answers, from this message alone.

    The guard answers before Rasa reads the conversation, so it cannot see the
    conversation's language; a clearly English message gets the English answer.

    Args:
        raw: The message as received.
        text: The cleaned, redacted text, if the message passes.

    Returns:
        "en", "nl" or None (Dutch).
    """
    sample = text if text is not None else raw if isinstance(raw, str) else None
    return detect_language(sample[:LANGUAGE_SAMPLE_CHARS]) if sample else None


class MessageGuard:
    """Checks and redacts incoming messages before Rasa sees them.

    Args:
        domain_getter: Returns the domain of the loaded model (or None before
            it is loaded); used for the canned responses and button commands.
    """

    def __init__(self, domain_getter: Callable[[], Optional[Domain]]) -> None:
        self._domain_getter = domain_getter
        self._commands_for: Optional[Domain] = None
        self._commands: FrozenSet[str] = frozenset()

    def _domain(self) -> Optional[Domain]:
        try:
            return self._domain_getter()
        except (AttributeError, RuntimeError):
            return None

    def _allowed_commands(self, domain: Optional[Domain]) -> FrozenSet[str]:
        if domain is not None and domain is not self._commands_for:
            self._commands, self._commands_for = button_commands(domain), domain
        return self._commands if domain is not None else frozenset()

    async def handle(self, raw: object, output_channel: OutputChannel, sender_id: Optional[str],
                     on_new_message: OnNewMessage, input_channel: Optional[str] = None,
                     metadata: Optional[Dict[str, Any]] = None,
                     message_id: Optional[str] = None,
                     trusted_commands: AbstractSet[str] = frozenset()) -> InboundDecision:
        """Checks one message, sends the notice or canned answer, passes the redacted text on.

        Args:
            raw: The message as received (text, bytes, None or any JSON value).
            output_channel: Where the answers go.
            sender_id: Conversation id.
            on_new_message: Rasa's handler (``agent.handle_message``).
            input_channel: Name of the channel, stored with the message.
            metadata: Metadata from the client; its strings are redacted too.
            message_id: Id of the message, if the channel has one.
            trusted_commands: Commands the channel itself made from this
                message (a numbered reply mapped to an offered button's
                payload, Telegram's ``/start``); they pass like the domain's
                button payloads.

        Returns:
            The decision that was applied.
        """
        domain = self._domain()
        decision = inspect_message(raw, self._allowed_commands(domain) | trusted_commands)
        logger.debug("inbound message: response=%s personal_data=%s", decision.response, list(decision.kinds))
        language = _language_of(raw, decision.text)
        for key in (decision.notice, decision.response):
            if key:
                await output_channel.send_response(sender_id, response_message(key, domain, language))
        if decision.text is None:
            return decision
        message = UserMessage(decision.text, output_channel, sender_id, input_channel=input_channel,
                              metadata=redact_value(metadata) if metadata else None, message_id=message_id)
        try:
            await on_new_message(message)
        except asyncio.CancelledError:
            logger.error("handling a message timed out (text not logged)")
        except Exception as error:  # noqa: BLE001 - never let the raw error (with text) reach a log or client
            logger.error("handling a message failed: %s (text not logged)", type(error).__name__)
        return decision

    def wrap(self, on_new_message: OnNewMessage,
             trusted_commands: AbstractSet[str] = frozenset()) -> OnNewMessage:
        """Wraps Rasa's handler for channels that build the ``UserMessage`` themselves.

        Args:
            on_new_message: Rasa's handler.
            trusted_commands: Commands the channel's own client sends (the web
                page's language switch); they pass like the domain's button
                payloads.

        Returns:
            A handler that checks and redacts each message first.
        """

        async def guarded(message: UserMessage) -> None:
            await self.handle(message.text, message.output_channel, message.sender_id, on_new_message,
                              message.input_channel, message.metadata, message.message_id,
                              trusted_commands=trusted_commands)

        return guarded
