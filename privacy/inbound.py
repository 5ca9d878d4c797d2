"""The one check every channel applies to a user message before Rasa sees it.

``inspect_message`` takes the raw message (text or bytes, or whatever a
client sent) and decides:

* pass on a cleaned, redacted text without markup (``decision.text``), with
  ``decision.notice`` set when personal data was replaced; or
* answer with a canned response (``decision.response``) and skip NLU: the
  message is too long, empty, has no words, or cannot be read.

The length check comes first and costs the same for 10 or 100,000
characters. A typed ``/intent{...}`` command passes only when it is exactly
one of the assistant's own button payloads; any other leading '/' is removed
so that Rasa treats the message as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import AbstractSet, Optional, Tuple

from privacy import settings
from privacy.redact import PLACEHOLDERS, redact

RESPONSE_TOO_LONG = "utter_message_too_long"
RESPONSE_EMPTY = "utter_message_empty"
RESPONSE_UNREADABLE = "utter_message_unreadable"
RESPONSE_PRIVACY_NOTICE = "utter_privacy_notice"
RESPONSES: Tuple[str, ...] = (RESPONSE_TOO_LONG, RESPONSE_EMPTY, RESPONSE_UNREADABLE, RESPONSE_PRIVACY_NOTICE)

COMMAND_PREFIX = "/"
# A UTF-8 character takes at most 4 bytes: a longer byte string is too long without decoding it.
_MAX_BYTES_PER_CHAR = 4
# More than this share of control or replacement characters: treat as binary.
_MAX_BINARY_SHARE = 0.1
_TAG_RE = re.compile(r"<[^<>]{0,200}>")
# Script and style elements: their content is code, not a question, so it goes too.
_CODE_ELEMENT_RE = re.compile(r"<(script|style)\b[^<>]{0,200}>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
# Bidirectional overrides and isolates can make text display differently from what it is.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_SPACES_RE = re.compile(r"[ \t\r\f\v]+")
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


@dataclass(frozen=True)
class InboundDecision:
    """What to do with one incoming message.

    Attributes:
        text: The cleaned, redacted text to pass on to Rasa; None when
            ``response`` answers the message instead.
        response: Key of the domain response that answers the message
            without NLU (too long, empty, unreadable); None otherwise.
        kinds: Kinds of personal data replaced in ``text``.
    """

    text: Optional[str]
    response: Optional[str] = None
    kinds: Tuple[str, ...] = ()

    @property
    def notice(self) -> Optional[str]:
        """Key of the privacy notice to send before the answer, if personal data was found."""
        return RESPONSE_PRIVACY_NOTICE if self.kinds else None


def _decode(raw: object, max_chars: int) -> Tuple[Optional[str], Optional[str]]:
    """Turns the raw message into text, or names the response that answers it.

    Returns:
        ``(text, None)`` or ``(None, response_key)``.
    """
    if raw is None:
        return None, RESPONSE_EMPTY
    if isinstance(raw, bytes | bytearray):
        if len(raw) > max_chars * _MAX_BYTES_PER_CHAR:
            return None, RESPONSE_TOO_LONG
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return None, RESPONSE_UNREADABLE
    if not isinstance(raw, str):
        return None, RESPONSE_UNREADABLE
    if len(raw) > max_chars:
        return None, RESPONSE_TOO_LONG
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from "\ud800" in JSON
        return None, RESPONSE_UNREADABLE
    return raw, None


def _clean(text: str) -> Optional[str]:
    """Normalises the text; returns None when it looks like binary data.

    Removes control characters and bidirectional overrides, and folds runs of spaces.
    """
    text = unicodedata.normalize("NFC", text).translate(_BIDI_CONTROLS)
    suspicious = sum(1 for char in text if char == "\ufffd" or (
        unicodedata.category(char) in ("Cc", "Cs", "Co") and char not in "\n\t"))
    if text and suspicious / len(text) > _MAX_BINARY_SHARE:
        return None
    text = "".join(char for char in text
                   if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs", "Co", "Cn"))
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def strip_tags(text: str) -> str:
    """Removes HTML/XML tags, and script and style elements with their content.

    Args:
        text: The message text.

    Returns:
        The text without markup, so none is kept or passed on.
    """
    without_code = _CODE_ELEMENT_RE.sub(" ", text)
    return _SPACES_RE.sub(" ", _TAG_RE.sub(" ", without_code)).strip()


def _has_words(text: str) -> bool:
    """True when the text has a letter or digit outside the placeholders (not only emoji)."""
    return any(char.isalnum() for char in _PLACEHOLDER_RE.sub(" ", text))


def filter_command(text: str, allowed_commands: AbstractSet[str]) -> str:
    """Lets through only the assistant's own button payloads as commands.

    Args:
        text: Cleaned text.
        allowed_commands: Button payloads that start with '/'.

    Returns:
        The text unchanged if it is an allowed command or no command at all;
        else the text without its leading slashes, so Rasa parses it as words.
    """
    if not text.startswith(COMMAND_PREFIX) or text in allowed_commands:
        return text
    return text.lstrip(COMMAND_PREFIX + " ")


def inspect_message(raw: object, allowed_commands: AbstractSet[str] = frozenset(),
                    max_chars: Optional[int] = None) -> InboundDecision:
    """Decides what happens to one incoming message (see the module docstring).

    Args:
        raw: The message as received: text, bytes, None or any JSON value.
        allowed_commands: The assistant's button payloads that start with '/'.
        max_chars: Longest message passed on; ``MAX_MESSAGE_CHARS`` when None.

    Returns:
        The decision.
    """
    limit = settings.max_message_chars() if max_chars is None else max_chars
    text, response = _decode(raw, limit)
    if response:
        return InboundDecision(None, response)
    cleaned = _clean(text)
    if cleaned is None:
        return InboundDecision(None, RESPONSE_UNREADABLE)
    redaction = redact(cleaned)
    stripped = strip_tags(redaction.text)
    passed = filter_command(stripped, allowed_commands)
    if not _has_words(passed):
        only_markup = stripped != redaction.text.strip()
        return InboundDecision(None, RESPONSE_UNREADABLE if only_markup else RESPONSE_EMPTY, redaction.kinds)
    return InboundDecision(passed, None, redaction.kinds)
