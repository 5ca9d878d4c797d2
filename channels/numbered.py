"""Buttons for channels without buttons: a numbered list out, the number (or title) back in.

SMS and plain WhatsApp show no buttons. The options are written as a
numbered list with their titles only (never the payload), link buttons as
"title: url" lines, and the options offered last are remembered per
conversation, so that a reply of "2", a title or a close misspelling of one
is turned back into that option's payload (``understanding.choices`` does the
matching).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from channels.kv import KeyValueStore
from understanding.choices import make_options, match_option, normalise

logger = logging.getLogger(__name__)

# Longer replies are questions of their own, not a choice ("Ja, maar ...").
MAX_WORDS_FOR_CHOICE = 6


@dataclass(frozen=True)
class Choice:
    """One offered option: what the user sees and what it sends."""

    title: str
    payload: str


def split_buttons(buttons: Sequence[Dict[str, Any]]) -> Tuple[List[Choice], List[Tuple[str, str]]]:
    """Separates choice buttons (with a payload) from link buttons (with a URL).

    Args:
        buttons: Rasa buttons: ``{"title", "payload"}`` or ``{"type": "web_url", "title", "url"}``.

    Returns:
        (choices, links as (title, url)).
    """
    choices: List[Choice] = []
    links: List[Tuple[str, str]] = []
    for button in buttons:
        title = str(button.get("title", "")).strip()
        if button.get("url"):
            links.append((title, str(button["url"])))
        elif button.get("payload") is not None:
            payload = str(button["payload"]).replace("{{", "{").replace("}}", "}")
            choices.append(Choice(title or payload, payload))
    return choices, links


def render_numbered(text: str, choices: Sequence[Choice], links: Sequence[Tuple[str, str]] = ()) -> str:
    """Writes a message with its options as a numbered list and its links as plain URLs.

    Args:
        text: The message text.
        choices: The options, in button order.
        links: Link buttons as (title, url).

    Returns:
        The text, then "1. title" lines, then "title: url" lines.
    """
    blocks = [text.strip()] if text and text.strip() else []
    if links:
        blocks.append("\n".join(f"{title}: {url}" if title else url for title, url in links))
    if choices:
        lines = [f"{number}. {choice.title}" for number, choice in enumerate(choices, 1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def map_reply(text: object, choices: Sequence[Choice]) -> Optional[str]:
    """Turns a typed reply into the payload of the offered option it means.

    Args:
        text: What the user typed (anything a platform sent).
        choices: The options offered last, in order.

    Returns:
        The payload; None when the reply is not clearly one option.
    """
    if not isinstance(text, str) or not choices:
        return None
    stripped = text.strip()
    for choice in choices:
        if stripped == choice.payload:
            return choice.payload
    if len(normalise(stripped).split()) > MAX_WORDS_FOR_CHOICE:
        return None
    options = make_options([(str(index), choice.title) for index, choice in enumerate(choices)], {})
    value = match_option(stripped, options)
    return choices[int(value)].payload if value is not None else None


class OfferedOptions:
    """The options offered last to each conversation, with an expiry.

    Args:
        store: Where they are kept (memory or Redis).
        ttl_s: How long they stay valid.
    """

    def __init__(self, store: KeyValueStore, ttl_s: int) -> None:
        self._store = store
        self._ttl_s = ttl_s

    @staticmethod
    def _key(sender_id: str) -> str:
        return f"options:{sender_id}"

    async def remember(self, sender_id: str, choices: Sequence[Choice]) -> None:
        """Stores the options of the last message with buttons; no options forgets the old ones."""
        if choices:
            value = json.dumps([[choice.title, choice.payload] for choice in choices])
            await self._store.put(self._key(sender_id), value, self._ttl_s)
        else:
            await self._store.delete(self._key(sender_id))

    async def recall(self, sender_id: str) -> List[Choice]:
        """Returns the options offered last (empty when none or expired)."""
        raw = await self._store.get(self._key(sender_id))
        if not raw:
            return []
        try:
            return [Choice(str(title), str(payload)) for title, payload in json.loads(raw)]
        except (ValueError, TypeError):
            logger.warning("stored options could not be read; ignored")
            return []
