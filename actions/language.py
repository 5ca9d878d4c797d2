"""The conversation's language, as custom actions read it.

The slot ``language`` (domain.yml) holds ``nl`` or ``en``. Responses follow it
by themselves (conditional response variations); actions that build a title or
read a typed answer ask ``language_of``. Pure logic; the tracker is only read.
"""

from __future__ import annotations

from typing import Any, Optional

LANGUAGE_SLOT = "language"
DUTCH = "nl"
ENGLISH = "en"


def normalise_language(value: Optional[Any]) -> str:
    """Returns ``en`` for English and ``nl`` for anything else (the default language).

    Args:
        value: A slot value, possibly empty or unknown.
    """
    return ENGLISH if value == ENGLISH else DUTCH


def language_of(tracker: Any) -> str:
    """Returns the conversation's language: ``en`` or ``nl``.

    Args:
        tracker: The conversation (anything with ``get_slot``).
    """
    return normalise_language(tracker.get_slot(LANGUAGE_SLOT))
