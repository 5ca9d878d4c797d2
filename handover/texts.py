"""The handover's texts (``handover/texts.yml``), filled in, and the offer with its two buttons."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping

import yaml

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yml"
LANGUAGES = ("nl", "en")
# The buttons of the offer; the channels handle them before Rasa (channels/live_agent.py).
ACCEPT = "/handover_accept"
DECLINE = "/handover_decline"
COMMANDS = frozenset({ACCEPT, DECLINE})
# The keys whose texts the user sees (the content check runs on these).
USER_TEXTS = ("offer", "queued", "soon", "closed", "closed_unknown", "unavailable", "declined", "resumed")
# Texts that state no fact and so need no source line (the content check's exemption, with its reason).
SOURCE_EXEMPT = {"offer": "question", "queued": "handover status", "soon": "handover status",
                 "resumed": "handover status"}


@lru_cache(maxsize=1)
def _texts() -> Mapping[str, Mapping[str, str]]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def _language(language: Any) -> str:
    return language if language in LANGUAGES else "nl"


def text(key: str, language: Any = "nl", **values: Any) -> str:
    """One text in a language (Dutch unless ``language`` is "en"), with its placeholders filled.

    Args:
        key: A key of ``texts.yml`` (``queued``, ``closed``, ...).
        language: "nl" or "en"; anything else is Dutch.
        **values: ``position``, ``next``, ... as the text needs them.

    Raises:
        KeyError: An unknown key, or a placeholder without a value.
    """
    language = _language(language)
    template = _texts()[key][language]
    return template.format(channels=_texts()["channels"][language], **values)


def offer(language: Any = "nl") -> Dict[str, Any]:
    """The offer of a handover with the buttons Ja/Nee (Yes/No), for ``utter_message``/``send_response``."""
    language = _language(language)
    return {"text": text("offer", language),
            "buttons": [{"title": _texts()["button_yes"][language], "payload": ACCEPT},
                        {"title": _texts()["button_no"][language], "payload": DECLINE}]}
