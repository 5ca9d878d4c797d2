"""The page's own greeting (webchat/static/js/welcome.js) reads as the assistant's greeting.

The page greets before it connects, so the operators' notice that the
assistant's greeting ends with (``operations.state.apply``) must end the
page's greeting too, in the same words: the line ``/api/notice`` gives
(``operations.control.public_notice``).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from operations.control import public_notice
from operations.nlg import OperatorNaturalLanguageGenerator
from operations.store import current
from webchat import pages

JS = Path(__file__).resolve().parent.parent / "webchat" / "static" / "js"
NOTICE = {"text": {"nl": "De brieven zijn verstuurd.", "en": "The letters have been sent."},
          "date": "2026-12-07", "by": "t", "at": "t"}
DUTCH_ONLY = {**NOTICE, "text": {"nl": "De brieven zijn verstuurd."}}

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def page_greeting(language: str, notice_line: str) -> str:
    """The greeting's text as welcome.js builds it from the page's data."""
    data: Dict[str, Any] = json.loads(pages.page_values()["page_data"])
    script = f"""
    import {{ strings }} from {json.dumps((JS / "i18n.js").as_uri())};
    import {{ greetingMessage }} from {json.dumps((JS / "welcome.js").as_uri())};
    const data = {json.dumps(data)};
    console.log(JSON.stringify(greetingMessage(data, strings({json.dumps(language)}), {json.dumps(notice_line)}).text));
    """
    result = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                            timeout=30, check=True)
    return json.loads(result.stdout)


def assistant_greeting(domain: Any, language: str) -> str:
    """The assistant's greeting on a messaging channel: like the page's, it names who runs it and the date."""
    tracker = DialogueStateTracker.from_events(
        "t", [ActionExecuted("action_listen"), SlotSet("language", language)], domain.slots)
    nlg = OperatorNaturalLanguageGenerator(None, domain)
    return asyncio.run(nlg.generate("utter_greet", tracker, "telegram"))["text"]


@needs_node
@pytest.mark.parametrize("language", ["nl", "en"])
def test_without_a_notice_the_greeting_is_the_assistants(domain, language):
    assert public_notice() is None
    assert page_greeting(language, "") == assistant_greeting(domain, language)


@needs_node
@pytest.mark.parametrize("notice", [NOTICE, DUTCH_ONLY], ids=["both languages", "Dutch only"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_with_a_notice_the_greeting_ends_with_the_same_line_as_the_assistants(domain, language, notice):
    current().update(lambda state: {**state, "notice": notice})
    line = public_notice()[language]
    assert line.startswith("Bericht van 7 december 2026" if language == "nl" or notice is DUTCH_ONLY
                           else "Update of 7 December 2026")
    text = page_greeting(language, line)
    assert text.endswith("\n\n" + line)
    assert text == assistant_greeting(domain, language)
