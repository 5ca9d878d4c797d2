"""The operator state and how it changes a message: pure functions on plain data.

The state is one JSON object, the same in the file and in Redis::

    {"notice": {"text": {"nl": "...", "en": "..."}, "date": "2026-12-07", "by": "...", "at": "..."},
     "overrides": {"utter_faq/which_data": {"nl": {"text": "...", "withdrawn": false,
                                                   "by": "...", "at": "..."}}},
     "safe_mode": {"by": "...", "at": "..."}}

Every part is optional; ``{}`` is the normal assistant.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, Dict, Mapping, Optional

from operations.texts import Texts, in_language, written_date

GREETING = "utter_greet"
NOTICE_BUBBLE_SEPARATOR = "\n\n"

State = Dict[str, Any]


def notice_line(state: Mapping[str, Any], language: str, texts: Texts) -> Optional[str]:
    """The notice as shown: ``Bericht van 7 december 2026: De brieven zijn verstuurd``, or None.

    Args:
        state: The operator state.
        language: ``nl`` or ``en`` (Dutch when the notice has no English text).
        texts: The filled-in texts.
    """
    notice = state.get("notice")
    if not notice:
        return None
    if not notice["text"].get(language):
        language = "nl"  # a Dutch notice stays wholly Dutch
    text = notice["text"][language]
    day = date.fromisoformat(str(notice["date"]))
    template = in_language(texts.notice, language)
    return template.replace("{date}", written_date(day, language)).replace("{text}", text)


def override_for(state: Mapping[str, Any], key: str, language: str) -> Optional[Mapping[str, Any]]:
    """The override of response ``key`` in ``language``, if any."""
    return ((state.get("overrides") or {}).get(key) or {}).get(language)


def safe_mode_on(state: Mapping[str, Any]) -> bool:
    """Whether safe mode is on."""
    return bool(state.get("safe_mode"))


def safe_message(language: str, texts: Texts) -> Dict[str, Any]:
    """The only message in safe mode."""
    return {"text": in_language(texts.safe_mode, language)}


def apply(key: str, message: Dict[str, Any], language: str, state: Mapping[str, Any],
          texts: Texts) -> Dict[str, Any]:
    """A response as the operators want it now (without safe mode, which callers decide on).

    An override replaces the text (the buttons stay) or withdraws the answer (the
    "being updated" text with the official link, no buttons); the greeting gets the
    notice as its last bubble.

    Args:
        key: The response name, e.g. ``utter_faq/which_data``.
        message: The generated response (text, buttons, ...); not changed.
        language: The conversation's language.
        state: The operator state.
        texts: The filled-in texts.

    Returns:
        The message to send (a copy when anything changed).
    """
    override = override_for(state, key, language)
    result = message
    if override:
        result = copy.deepcopy(message)
        if override.get("withdrawn"):
            result = {"text": in_language(texts.withdrawn, language)}
        else:
            result["text"] = str(override["text"])
    if key == GREETING:
        line = notice_line(state, language, texts)
        if line:
            result = copy.deepcopy(result) if result is message else result
            result["text"] = (str(result.get("text") or "").rstrip() + NOTICE_BUBBLE_SEPARATOR + line).strip()
    return result


def language_of(slots: Mapping[str, Any]) -> str:
    """The conversation's language from its slots: ``en`` or ``nl``."""
    return "en" if slots.get("language") == "en" else "nl"
