"""The messaging channels' greeting says who runs the assistant and how current it is, as the page does."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from operations.nlg import OperatorNaturalLanguageGenerator
from operations.trust import RUN_BY, RUN_BY_DEFAULT, UPDATED, content_date, trust_line
from scripts.content_rules import written_date

I18N = Path(__file__).resolve().parent.parent / "webchat" / "static" / "js" / "i18n"


def _js_string(language: str, name: str) -> str:
    match = re.search(rf'{name}: "([^"]*)"', (I18N / f"{language}.js").read_text(encoding="utf-8"))
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_sentences_are_the_pages_own(language):
    assert RUN_BY[language] == _js_string(language, "trustBy")
    assert RUN_BY_DEFAULT[language] == _js_string(language, "trustDefault")
    assert UPDATED[language] == _js_string(language, "trustUpdated")


def test_the_line_names_the_organisation_or_the_neutral_default_and_the_content_date():
    day = date(2026, 2, 5)
    assert trust_line("nl", {}, day) == ("Deze assistent is een informatiedienst over het datalek. "
                                         "Informatie bijgewerkt tot 5 februari 2026.")
    assert trust_line("en", {"ORGANISATION_NAME": "  Gemeente   Voorbeeld "}, day) == (
        "This assistant is run by Gemeente Voorbeeld. Information updated to 5 February 2026.")
    assert written_date(content_date(), "nl") in trust_line("nl", {})


def _greeting(domain, channel: str, language: str = "nl") -> str:
    tracker = DialogueStateTracker.from_events(
        "t", [ActionExecuted("action_listen"), SlotSet("language", language)], domain.slots)
    nlg = OperatorNaturalLanguageGenerator(None, domain)
    return asyncio.run(nlg.generate("utter_greet", tracker, channel))["text"]


@pytest.mark.parametrize("channel", ["twilio", "telegram", "facebook"])
def test_the_messaging_greeting_ends_with_the_line(domain, channel):
    text = _greeting(domain, channel)
    assert text.endswith("\n\n" + trust_line("nl"))
    assert _greeting(domain, channel, "en").endswith("\n\n" + trust_line("en"))


@pytest.mark.parametrize("channel", ["socketio", "rest"])
def test_the_web_greeting_leaves_it_to_the_page(domain, channel):
    assert trust_line("nl") not in _greeting(domain, channel)
