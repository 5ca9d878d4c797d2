"""Chatwoot's webhooks: the signature check and what an event means for a handover.

Chatwoot signs the webhooks of an API-channel inbox since its pull request
13892 (March 2026; account webhooks since 13573): ``X-Chatwoot-Timestamp`` is the Unix time of sending
and ``X-Chatwoot-Signature`` is ``sha256=`` + hex(HMAC-SHA256(inbox secret,
"<timestamp>.<raw body>")). A request is accepted only with a valid
signature made at most ``MAX_AGE_S`` ago (a replay later is refused).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
DELIVERY_HEADER = "X-Chatwoot-Delivery"
PREFIX = "sha256="
MAX_AGE_S = 300
# A signature stays acceptable this long (its timestamp may be up to MAX_AGE_S behind or ahead of the clock):
# the webhook remembers the signatures it accepted this long and refuses them again (a replay).
REPLAY_WINDOW_S = 2 * MAX_AGE_S + 60
# Unix seconds have 10 digits until the year 2286; a longer header is not a timestamp.
MAX_TIMESTAMP_DIGITS = 12


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature Chatwoot sends for a body at a timestamp."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def valid(secret: str, given: Optional[str], timestamp: Optional[str], body: bytes,
          clock: Callable[[], float] = time.time) -> bool:
    """Whether a webhook is Chatwoot's: signature over the timestamp and raw body, sent recently.

    Args:
        secret: The inbox's webhook secret.
        given: ``X-Chatwoot-Signature``.
        timestamp: ``X-Chatwoot-Timestamp``.
        body: The raw body.
        clock: Current Unix time (tests).
    """
    # Header values are the client's: ASCII only (Python's isdigit takes "²" too, and int() refuses it).
    if not (given and given.isascii() and timestamp and timestamp.isascii() and timestamp.isdigit()):
        return False
    if len(timestamp) > MAX_TIMESTAMP_DIGITS or abs(clock() - int(timestamp)) > MAX_AGE_S:
        return False
    return hmac.compare_digest(given.strip().encode(), signature(secret, timestamp, body).encode())


@dataclass(frozen=True)
class AgentEvent:
    """What a webhook means for the user.

    Attributes:
        conversation_id: The Chatwoot conversation.
        reply: An agent's public reply to deliver, or None.
        resolved: True when the agent resolved the conversation.
    """

    conversation_id: int
    reply: Optional[str] = None
    resolved: bool = False


def parse_event(body: Any) -> Optional[AgentEvent]:
    """Reads ``message_created`` (an agent's public reply) and ``conversation_status_changed`` (resolved).

    Everything else (the user's own messages, private notes, other events) is None.
    """
    if not isinstance(body, dict):
        return None
    event = body.get("event")
    if event == "message_created":
        conversation = body.get("conversation") or {}
        conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
        content = body.get("content")
        if (body.get("message_type") != "outgoing" or body.get("private") or not isinstance(content, str)
                or not content.strip() or not isinstance(conversation_id, int)):
            return None
        return AgentEvent(conversation_id, reply=content.strip())
    if event == "conversation_status_changed" and body.get("status") == "resolved":
        conversation_id = body.get("id")
        if isinstance(conversation_id, int):
            return AgentEvent(conversation_id, resolved=True)
    return None
