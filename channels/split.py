"""Splits long texts to a platform's message length limit, at paragraph, line or word boundaries."""

from __future__ import annotations

from typing import List

# Characters per message: Twilio (SMS and WhatsApp), Telegram, Messenger.
TWILIO_LIMIT = 1600
TELEGRAM_LIMIT = 4096
MESSENGER_LIMIT = 2000


def _cut(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``): the last paragraph, line or space break, else hard."""
    for separator in ("\n\n", "\n", " "):
        position = text.rfind(separator, 0, limit + 1)
        if position > 0:
            return position
    return limit


def split_text(text: str, limit: int) -> List[str]:
    """Splits a text into parts of at most ``limit`` characters.

    Args:
        text: The message.
        limit: Longest part, in characters.

    Returns:
        The non-empty parts, in order, without leading or trailing spaces.

    Raises:
        ValueError: ``limit`` is not positive.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: List[str] = []
    rest = text.strip()
    while len(rest) > limit:
        position = _cut(rest, limit)
        part = rest[:position].strip()
        if part:
            parts.append(part)
        rest = rest[position:].strip()
    if rest:
        parts.append(rest)
    return parts
