"""Who runs the assistant and how current its information is: the line under the greeting.

The web page shows it above the chat and under its own greeting (``webchat/pages.py``,
``webchat/static/js/welcome.js``). On the messaging channels (WhatsApp and SMS via
Twilio, Telegram, Messenger) the greeting comes from the server, so the response
generator (``operations/nlg.py``) adds the same line as the greeting's last bubble
but one (before an operator's notice). The sentences are the page's own
(``webchat/static/js/i18n/``; a test keeps them equal).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Mapping, Optional

import yaml

import settings
from scripts.content_rules import written_date

ROOT = Path(__file__).resolve().parent.parent
CONTENT_META = ROOT / "actions" / "data" / "content_meta.yml"
# Output channels whose greeting the server sends (the web page greets by itself).
MESSAGING_CHANNELS = frozenset({"twilio", "telegram", "facebook"})
RUN_BY = {"nl": "Deze assistent is van {organisation}.", "en": "This assistant is run by {organisation}."}
RUN_BY_DEFAULT = {"nl": "Deze assistent is een informatiedienst over het datalek.",
                  "en": "This assistant is an information service about the data breach."}
UPDATED = {"nl": "Informatie bijgewerkt tot {date}.", "en": "Information updated to {date}."}


def content_date(path: Path = CONTENT_META) -> date:
    """The date of the newest content (``content_date`` in ``content_meta.yml``)."""
    return date.fromisoformat(str(yaml.safe_load(path.read_text(encoding="utf-8"))["content_date"]))


def trust_line(language: str, environ: Optional[Mapping[str, str]] = None,
               updated: Optional[date] = None) -> str:
    """Who runs the assistant and the content date, in ``language`` ("nl" or "en").

    Args:
        language: The conversation's language.
        environ: Settings (``ORGANISATION_NAME``); the process environment when None.
        updated: The content date; ``content_meta.yml``'s when None.

    Returns:
        E.g. "Deze assistent is een informatiedienst over het datalek. Informatie bijgewerkt tot
        5 februari 2026."
    """
    lang = "en" if language == "en" else "nl"
    organisation = " ".join((settings.get("ORGANISATION_NAME", environ) or "").split())
    run_by = RUN_BY[lang].format(organisation=organisation) if organisation else RUN_BY_DEFAULT[lang]
    return f"{run_by} {UPDATED[lang].format(date=written_date(updated or content_date(), lang))}"
