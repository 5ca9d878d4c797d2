"""Replaces personal data in a text with placeholders such as ``[BSN]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Tuple

from privacy.detect import KINDS, find_personal_data

PLACEHOLDERS = {kind: f"[{kind.upper()}]" for kind in KINDS}


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


def redact_text(text: str) -> str:
    """Returns only the redacted text (see ``redact``)."""
    return redact(text).text


def redact_value(value: Any) -> Any:
    """Redacts every string inside a JSON-like value (str, list, tuple, dict).

    Args:
        value: A slot value, metadata, entity list or similar.

    Returns:
        A copy with redacted strings; other values unchanged. Dict keys are kept.
    """
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    return value
