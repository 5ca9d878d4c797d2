"""The rule-based language detector that fills the `language` slot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from nlu_components.language_detector import EXTRACTOR, LanguageDetector, detect_language

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", [
    "What happened?",
    "Was my data stolen?",
    "I got a letter, what does it mean?",
    "hello, is my BSN in the leak?",
    "Where can I report fraud",
    "my wife received the letter too",
])
def test_clear_english_sets_english(text):
    assert detect_language(text, "faq") == "en"


@pytest.mark.parametrize("text", [
    "Wat is er gebeurd?",
    "Is mijn BSN gestolen?",
    "Ik heb een brief gekregen",
    "Hoe weet ik of ik erbij zit?",
    "Ik heb een letter gekregen about the hack",
    "Is de brief ook in het Engels beschikbaar?",
])
def test_dutch_and_mixed_messages_keep_the_language(text):
    assert detect_language(text, "faq") is None


@pytest.mark.parametrize("text", ["ok", "thanks", "hello", "BSN?", "test", "", "👍", "12345", "<b>hi</b>"])
def test_short_or_unclear_messages_keep_the_language(text):
    assert detect_language(text, "greet") is None


@pytest.mark.parametrize("text,intent,expected", [
    ("English please", "change_language", "en"),
    ("English", "faq", "en"),
    ("Nederlands graag", "change_language", "nl"),
    ("in het Engels aub", "faq", "en"),
    ("Can you please answer me in Dutch from now on", "change_language", "nl"),
    ("switch from Dutch to English", "change_language", "en"),
    ("Ik spreek geen Engels", "change_language", None),
    ("I don't speak Dutch", "change_language", "en"),
    ("Is de brief ook in het Engels beschikbaar?", "change_language", "en"),
])
def test_requests_for_a_language(text, intent, expected):
    assert detect_language(text, intent) == expected


def test_component_adds_the_entity_and_keeps_other_entities():
    keep = {"entity": "flow", "value": "situation", "start": 0, "end": 1, "extractor": "X"}
    english = Message(data={"text": "What happened to my data?", "intent": {"name": "faq"}, "entities": [keep]})
    dutch = Message(data={"text": "Wat is er gebeurd?", "intent": {"name": "faq"}})
    LanguageDetector().process([english, dutch])
    assert english.get("entities") == [keep, {
        "entity": "language", "value": "en", "start": 0, "end": len("What happened to my data?"),
        "extractor": EXTRACTOR}]
    assert not dutch.get("entities")


def examples(folder: Path) -> Iterator[Tuple[str, str]]:
    """(intent, text) of every example in the NLU files of a folder (not recursive)."""
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in item:
                continue
            for line in item["examples"].splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"^\s*-\s*", "", line)).strip()
                if text:
                    yield item["intent"], text


# English examples that sit in the Dutch training files on purpose (people do write
# English); reviewed by hand. Any other example the detector takes for English is a bug.
ENGLISH_IN_DUTCH_FILES = frozenset({
    "thank you", "thanks a lot", "are you a bot", "am i talking to a human", "are you human",
    "are you a robot", "what is the weather like today", "tell me a joke", "who won the match yesterday",
    "how do i renew my passport", "can you recommend a good restaurant", "what does hpv positive mean",
    "talk to a human", "can i speak to someone", "what happened", "who owns the lab",
    "where is the lab located", "when was the hack", "why so late", "how many people",
    "which data was stolen", "were my test results leaked", "mobile number leaked", "is my email leaked",
    "health insurance data leaked", "were your own systems hacked",
})


def test_no_dutch_example_is_taken_for_another_language():
    """Dutch examples (training, development, held-out: 4,000+) never change the language."""
    flagged = []
    for folder in (ROOT / "data" / "nlu", ROOT / "tests" / "nlu_dev", ROOT / "tests" / "nlu_heldout"):
        for intent, text in examples(folder):
            if intent != "change_language" and detect_language(text, intent) is not None:
                flagged.append(text)
    assert sorted(set(flagged) - ENGLISH_IN_DUTCH_FILES) == []
    assert {text: detect_language(text) for text in ENGLISH_IN_DUTCH_FILES} == dict.fromkeys(
        ENGLISH_IN_DUTCH_FILES, "en")
