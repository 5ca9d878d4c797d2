"""Every FAQ answer has one English variation that says the same as the Dutch one.

The English text is a translation: the same bubbles, links, phone numbers, figures
and dates, source lines in the same places, and the same follow-up buttons in the
same order (English titles, English canonical questions as payloads).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Tuple

import pytest

from actions.topics import load_catalogue
from scripts.content_rules import PHONE_RE, URL_RE, bubbles, dates_in, source_lines
from tests.extract import variation_language

ENGLISH_CONDITION = [{"type": "slot", "name": "language", "value": "en"}]
FIGURE_RE = re.compile(r"\b\d{1,3}(?:[.,]\d{3})+\b")
YEAR_RE = re.compile(r"\b20\d{2}\b")
# Words that only a Dutch sentence would have; Dutch names (Bevolkingsonderzoek
# Nederland, Autoriteit Persoonsgegevens ...) and titles of Dutch pages may stay.
DUTCH_WORDS_RE = re.compile(r"\b(?:de|het|een|en|van|u|uw|niet|ook|Bron)\b")
DUTCH_NAMES_RE = re.compile(
    r"Inspectie Gezondheidszorg en Jeugd|Rijksdienst voor Identiteitsgegevens|Raad van Bestuur")


def faq_responses(domain) -> Dict[str, List[Dict[str, Any]]]:
    """The FAQ responses of the domain, by name."""
    return {name: variations for name, variations in domain.responses.items() if name.startswith("utter_faq/")}


def dutch_and_english(variations: List[Dict[str, Any]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The Dutch (unconditioned) and the English variation of a response."""
    dutch = [v for v in variations if variation_language(v) == "nl"]
    english = [v for v in variations if variation_language(v) == "en"]
    assert len(dutch) == 1 and len(english) == 1
    return dutch[0], english[0]


def figures(text: str) -> List[str]:
    """Figures of a thousand and more without their separators ("485.000" and "485,000" give "485000")."""
    return [re.sub(r"[.,]", "", figure) for figure in FIGURE_RE.findall(text)]


def topic_of_payload(payload: str) -> str:
    """The topic (or extra button) whose Dutch or English canonical question a payload is."""
    catalogue = load_catalogue()
    for key, entry in list(catalogue.topics.items()) + list(catalogue.extra.items()):
        if payload in (entry.question, entry.question_en):
            return key
    raise AssertionError(f"not a canonical question: {payload}")


@pytest.fixture(scope="module")
def pairs(domain) -> Mapping[str, Tuple[Dict[str, Any], Dict[str, Any]]]:
    return {name: dutch_and_english(variations) for name, variations in faq_responses(domain).items()}


def test_every_faq_answer_has_exactly_one_english_variation_after_the_dutch_one(domain):
    responses = faq_responses(domain)
    assert len(responses) == len(load_catalogue().topics)
    for name, variations in responses.items():
        assert len(variations) == 2, name
        assert not variations[0].get("condition"), f"{name}: the Dutch variation must be the default"
        assert variations[1].get("condition") == ENGLISH_CONDITION, name


def test_english_answers_have_the_same_bubbles(pairs):
    for name, (dutch, english) in pairs.items():
        assert len(bubbles(english["text"])) == len(bubbles(dutch["text"])), name


def test_english_answers_have_the_same_links_and_phone_numbers(pairs):
    for name, (dutch, english) in pairs.items():
        assert URL_RE.findall(english["text"]) == URL_RE.findall(dutch["text"]), name
        assert PHONE_RE.findall(english["text"]) == PHONE_RE.findall(dutch["text"]), name


def test_english_answers_have_the_same_figures_years_and_dates(pairs):
    for name, (dutch, english) in pairs.items():
        assert figures(english["text"]) == figures(dutch["text"]), name
        assert sorted(dates_in(english["text"], "en")) == sorted(dates_in(dutch["text"])), name
        assert sorted(YEAR_RE.findall(english["text"])) == sorted(YEAR_RE.findall(dutch["text"])), name


def test_english_source_lines_match_the_dutch_ones(pairs):
    for name, (dutch, english) in pairs.items():
        dutch_sources, english_sources = source_lines(dutch["text"]), source_lines(english["text"], "en")
        assert [line.split(":", 1)[0] for line in english_sources] == ["Source"] * len(dutch_sources), name
        for dutch_line, english_line in zip(dutch_sources, english_sources, strict=True):
            assert dates_in(english_line, "en") == dates_in(dutch_line), f"{name}: {english_line}"
            for organisation in ("Bevolkingsonderzoek Nederland", "Autoriteit Persoonsgegevens",
                                 "Openbaar Ministerie", "Fraudehelpdesk", "Rijksoverheid", "RvIG"):
                assert (organisation in english_line) == (organisation in dutch_line), f"{name}: {organisation}"


def test_english_answers_have_the_same_buttons_in_the_same_order(pairs):
    catalogue = load_catalogue()
    for name, (dutch, english) in pairs.items():
        dutch_buttons, english_buttons = dutch.get("buttons") or [], english.get("buttons") or []
        assert len(english_buttons) == len(dutch_buttons), name
        for nl_button, en_button in zip(dutch_buttons, english_buttons, strict=True):
            if nl_button["payload"].startswith("/"):
                assert en_button["payload"] == nl_button["payload"], name
                assert en_button["title"] != nl_button["title"], f"{name}: untranslated {en_button['title']}"
                continue
            key = topic_of_payload(nl_button["payload"])
            entry = catalogue.topics.get(key) or catalogue.extra[key]
            assert nl_button == {"title": entry.title, "payload": entry.question}, name
            assert en_button == {"title": entry.title_en, "payload": entry.question_en}, name


def test_english_answers_are_in_english(pairs):
    for name, (_, english) in pairs.items():
        text = DUTCH_NAMES_RE.sub(" ", english["text"])
        for url in URL_RE.findall(text):
            text = text.replace(url, " ")
        assert not DUTCH_WORDS_RE.findall(text), f"{name}: {DUTCH_WORDS_RE.findall(text)}"
