"""The answers stay inside the content brief: sources, links, numbers, length."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scripts.content_check import MAX_WORDS_PER_BUBBLE
from scripts.content_rules import (
    PHONE_RE,
    SOURCE_PREFIXES,
    URL_RE,
    bubbles,
    dates_in,
    source_dates,
    word_count,
)
from settings import get as get_setting
from tests.conftest import ROOT
from tests.extract import all_texts, texts_in

# The shared folder with the brief and the announcement: ../shared, or SHARED_DIR for a clone elsewhere.
SHARED = Path(get_setting("SHARED_DIR") or ROOT.parent / "shared")
BRIEF = SHARED / "content" / "BRIEF.md"
SOURCE = SHARED / "sources" / "aankondiging-2025-08-11.txt"
# Figures of a thousand and more: "485.000" in Dutch, "485,000" in English.
BIG_NUMBER_RE = re.compile(r"\b\d{1,3}(?:[.,]\d{3})+\b")
SOURCE_PREFIX_BY_LANGUAGE = {"nl": "Bron:", "en": "Source:"}


@pytest.fixture(scope="module")
def brief_text() -> str:
    if not BRIEF.exists():
        pytest.fail(f"content brief not found at {BRIEF}")
    return BRIEF.read_text(encoding="utf-8") + SOURCE.read_text(encoding="utf-8")


def test_every_message_is_short(domain):
    too_long = []
    for name, text in all_texts(domain):
        for part in bubbles(text):
            if word_count(part) > MAX_WORDS_PER_BUBBLE:
                too_long.append((name, word_count(part)))
    assert not too_long, f"messages over {MAX_WORDS_PER_BUBBLE} words: {too_long}"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_faq_answer_ends_with_its_source(domain, language):
    texts = [(name, text) for name, text in texts_in(domain, language) if name.startswith("utter_faq/")]
    assert len(texts) >= 35
    for name, text in texts:
        assert text.strip().splitlines()[-1].startswith(SOURCE_PREFIX_BY_LANGUAGE[language]), name


def test_facts_from_the_screening_organisation_carry_a_date(domain):
    for name, text in all_texts(domain):
        for line in text.splitlines():
            if line.startswith(tuple(SOURCE_PREFIXES.values())) and "Bevolkingsonderzoek Nederland" in line:
                assert dates_in(line, "nl") or dates_in(line, "en"), f"{name}: source line without a date: {line}"


def test_links_are_only_those_of_the_brief(domain, brief_text):
    brief_urls = set(URL_RE.findall(brief_text))
    found = {url for _, text in all_texts(domain) for url in URL_RE.findall(text)}
    assert found, "expected links in the answers"
    assert found <= brief_urls, f"links not in the brief: {found - brief_urls}"


def test_phone_numbers_are_only_those_of_the_brief(domain, brief_text):
    found = {num for _, text in all_texts(domain) for num in PHONE_RE.findall(text)}
    assert {"088 900 10 00", "112", "0800 0113"} <= found
    # The brief writes 113's free number with a hyphen (0800-0113); the answers with a space.
    brief_numbers = re.sub(r"(?<=\d)-(?=\d)", " ", brief_text)
    assert all(num in brief_numbers for num in found), found


def test_figures_are_those_of_the_brief(domain, brief_text):
    brief_numbers = {n.replace(",", "") for n in re.findall(r"\d{1,3}(?:,\d{3})+", brief_text)}
    brief_numbers |= {n.replace(".", "") for n in BIG_NUMBER_RE.findall(brief_text)}
    for name, text in all_texts(domain):
        for number in BIG_NUMBER_RE.findall(text):
            assert re.sub(r"[.,]", "", number) in brief_numbers, f"{name}: {number} not in the brief"
        assert "850.000" not in text and "850,000" not in text, \
            "the 850,000 figure includes other patients; do not use it"


def test_no_claim_that_a_police_report_is_needed_for_the_theft(domain):
    dutch, english = (variation["text"] for variation in domain.responses["utter_faq/police"])
    assert "hoeft u voor de diefstal van de gegevens zelf geen aangifte te doen" in dutch
    assert "you do not need to report the theft of the data to the police yourself" in english


def test_content_date_is_the_newest_source_date(domain):
    meta = yaml.safe_load((ROOT / "actions" / "data" / "content_meta.yml").read_text(encoding="utf-8"))
    dates = [found for _, text in all_texts(domain) for found in source_dates(text)]
    assert max(dates).isoformat() == meta["content_date"]


def test_quote_is_verbatim_from_the_announcement(domain, brief_text):
    text = domain.responses["utter_faq/apology"][0]["text"]
    quote = re.search(r'"([^"]+)"', text).group(1)
    assert quote in brief_text


def test_english_quote_says_it_is_translated(domain):
    text = domain.responses["utter_faq/apology"][1]["text"]
    assert 'said (translated from Dutch): "' in text


def test_greeting_warns_not_to_type_personal_data(domain):
    text = domain.responses["utter_greet"][0]["text"]
    assert "digitale assistent" in text and "BSN" in text
    assert len(domain.responses["utter_greet"][0]["buttons"]) >= 3


def test_every_answer_offers_at_most_three_follow_ups(domain):
    for name, variations in domain.responses.items():
        if name.startswith("utter_faq/"):
            for variation in variations:
                buttons = variation.get("buttons") or []
                assert 1 <= len(buttons) <= 3, name
