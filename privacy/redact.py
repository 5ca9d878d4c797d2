"""Replaces personal data in a text with placeholders such as ``[BSN]``."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Tuple

from privacy.detect import KINDS, find_personal_data

PLACEHOLDERS = {kind: f"[{kind.upper()}]" for kind in KINDS}

# The tracker stores redact the whole conversation on every save, so the same
# (already redacted) texts come back turn after turn. Remember recent results,
# keyed by a hash so that no text a user typed is kept in memory.
_MEMO_SIZE = 20_000
# Containers nested deeper than this are dropped (None) instead of walked: the channels
# refuse input nested more than ``MAX_JSON_DEPTH`` (default 20), so only values built
# some other way get here, and the walk must never exhaust the stack.
MAX_REDACT_DEPTH = 32
_memo: OrderedDict[bytes, str] = OrderedDict()


@dataclass(frozen=True)
class Redaction:
    """A redacted text and the kinds of personal data that were replaced.

    Attributes:
        text: The text with every detected item replaced by its placeholder.
        kinds: The kinds found, each once, in the order of ``detect.KINDS``.
    """

    text: str
    kinds: Tuple[str, ...]


def redact(text: str) -> Redaction:
    """Replaces each detected item of personal data with its placeholder.

    Args:
        text: Any text.

    Returns:
        The redacted text and the kinds found.
    """
    spans = find_personal_data(text)
    if not spans:
        return Redaction(text, ())
    pieces, position = [], 0
    for span in spans:
        pieces.append(text[position:span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    found = {span.kind for span in spans}
    return Redaction("".join(pieces), tuple(kind for kind in KINDS if kind in found))


def _memo_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def redact_text(text: str) -> str:
    """Returns only the redacted text (see ``redact``), remembering recent results.

    Args:
        text: Any text.

    Returns:
        The redacted text.
    """
    key = _memo_key(text)
    cached = _memo.get(key)
    if cached is not None:
        _memo.move_to_end(key)
        return cached
    result = redact(text).text
    _memo[key] = result
    if result != text:
        _memo[_memo_key(result)] = result  # a redacted text stays as it is
    while len(_memo) > _MEMO_SIZE:
        _memo.popitem(last=False)
    return result


def redact_value(value: Any, max_depth: int = MAX_REDACT_DEPTH) -> Any:
    """Redacts every string inside a JSON-like value (str, list, tuple, dict).

    Args:
        value: A slot value, metadata, entity list or similar.
        max_depth: Containers nested deeper than this are replaced by None.

    Returns:
        A copy with redacted strings; other values unchanged. Dict keys are kept.
    """
    if isinstance(value, str):
        return redact_text(value)
    if max_depth < 1 and isinstance(value, dict | list | tuple):
        return None
    if isinstance(value, dict):
        return {key: redact_value(item, max_depth - 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item, max_depth - 1) for item in value)
    return value
