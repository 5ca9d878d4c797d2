"""Applies ``privacy.inbound`` to each message and answers too long, empty or unreadable ones.

Every channel calls ``MessageGuard.handle`` with the raw message. Only the
redacted text reaches ``on_new_message`` (Rasa's agent); errors are logged
without the message text.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import AbstractSet, Any, Awaitable, Callable, Dict, FrozenSet, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.shared.core.domain import Domain

from channels import live_agent
from channels.limit_texts import RATE_LIMITED, notice
from channels.rate_limit import RateLimiter, shared_limiter
from channels.responses import button_commands, response_message
from handover import texts as handover_texts
from nlu_components.language_detector import detect_language
from privacy.inbound import InboundDecision, inspect_message
from privacy.redact import redact_value

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Answer when a message cannot be handled now (domain.yml).
RESPONSE_UNAVAILABLE = "utter_service_unavailable"
# Enough of a too-long message to tell its language.
LANGUAGE_SAMPLE_CHARS = 2000
# True while Rasa handles a message that passed a guard (channels/startup.py checks the others).
_PASSED: contextvars.ContextVar[bool] = contextvars.ContextVar("bvo_passed_guard", default=False)


def passed_guard() -> bool:
    """Whether the message being handled in this task has passed a ``MessageGuard``."""
    return _PASSED.get()


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
        ready: Returns whether a model is loaded; when it returns False the
            message is answered with "probeer het later opnieuw" instead of
            being dropped by Rasa. None: always pass messages on.
        limiter: Messages per sender per minute; the process-wide one
            (``channels.rate_limit.shared_limiter``) when None.
    """

    def __init__(self, domain_getter: Callable[[], Optional[Domain]],
                 ready: Optional[Callable[[], bool]] = None,
                 limiter: Optional[RateLimiter] = None) -> None:
        self._domain_getter = domain_getter
        self._ready = ready
        self._limiter = limiter
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
                     trusted_commands: AbstractSet[str] = frozenset(),
                     handover_channel: Optional[str] = None) -> InboundDecision:
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
            handover_channel: The channel's own name for a handover to a person
                (``channels.live_agent``); ``input_channel`` when None.

        Returns:
            The decision that was applied; a message over the sender's rate
            limit gets the notice ``limit_texts.RATE_LIMITED`` and no text.
        """
        limiter = self._limiter if self._limiter is not None else shared_limiter()
        if sender_id is not None and not limiter.allow(sender_id):
            logger.info("message over the sender's rate limit: not processed (text not logged)")
            await output_channel.send_response(sender_id, notice(RATE_LIMITED, _language_of(raw, None)))
            return InboundDecision(None)
        domain = self._domain()
        gate = live_agent.current()
        allowed = self._allowed_commands(domain) | trusted_commands
        decision = inspect_message(raw, allowed | handover_texts.COMMANDS if gate is not None else allowed)
        logger.debug("inbound message: response=%s personal_data=%s", decision.response, list(decision.kinds))
        canned = [key for key in (decision.notice, decision.response) if key]
        if canned:  # the language is read only when the guard itself answers
            language = _language_of(raw, decision.text)
            for key in canned:
                await output_channel.send_response(sender_id, response_message(key, domain, language))
        if decision.text is None:
            return decision
        channel = handover_channel or input_channel
        if gate is not None and sender_id is not None and channel:
            try:
                if await gate.intercept(decision.text, output_channel, sender_id, channel):
                    return decision
            except Exception as error:  # noqa: BLE001 - the assistant answers instead (no text logged)
                logger.error("handover: handling a message failed: %s", type(error).__name__)
        message = UserMessage(decision.text, output_channel, sender_id, input_channel=input_channel,
                              metadata=redact_value(metadata) if metadata else None, message_id=message_id)
        if self._ready is not None and not self._ready():
            logger.warning("no model loaded: message not handled (text not logged)")
            await self.send_unavailable(output_channel, sender_id, domain, _language_of(raw, decision.text))
            return decision
        # Rasa's streaming channels (QueueOutputChannel, rasa shell) collect in a queue: nothing to drop.
        collecting = isinstance(output_channel, CollectingOutputChannel)
        messages = getattr(output_channel, "messages", None) if collecting else None
        collected = messages if isinstance(messages, list) else []
        keep = len(collected)
        passed = _PASSED.set(True)
        try:
            await on_new_message(message)
        except asyncio.CancelledError:
            logger.error("handling a message timed out (text not logged)")
        except Exception as error:  # noqa: BLE001 - never let the raw error (with text) reach a log or client
            logger.error("handling a message failed: %s (text not logged)", type(error).__name__)
            del collected[keep:]
            await self.send_unavailable(output_channel, sender_id, domain, _language_of(raw, decision.text))
        finally:
            _PASSED.reset(passed)
        return decision

    @staticmethod
    async def send_unavailable(output_channel: OutputChannel, sender_id: Optional[str],
                               domain: Optional[Domain], language: Optional[str]) -> None:
        """Answers "probeer het later opnieuw" when a message could not be handled.

        The turn was not saved (store down, lock not obtained, turn too long);
        ``handle`` drops the answers already collected for it, so the user
        sees the request to try again, not an answer the conversation lacks.

        Args:
            output_channel: Where the answer goes.
            sender_id: Conversation id.
            domain: Domain of the loaded model, if any.
            language: "en" for the English text.
        """
        try:
            message = response_message(RESPONSE_UNAVAILABLE, domain, language)
            await output_channel.send_response(sender_id, message)
        except Exception as error:  # noqa: BLE001 - the channel itself may be what failed
            logger.error("could not send the try-again answer: %s", type(error).__name__)

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
