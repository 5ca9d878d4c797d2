"""Every link and phone number in answers, actions and the web page is in the registry."""

from __future__ import annotations

import re

import pytest

from actions.guidance import ACTION_TOPICS, Registry
from tests.conftest import ROOT
from tests.extract import REGISTRY_FILE, all_texts, references, references_in_files, scanned_files, texts_in


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(REGISTRY_FILE)


def unregistered(found: dict, registry: Registry) -> dict:
    return {item: files for item, files in found.items()
            if registry.find_url(item) is None and registry.find_number(item) is None}


def test_scanned_files_cover_answers_actions_and_web_page():
    names = {path.relative_to(ROOT).as_posix() for path in scanned_files()}
    assert {"data/responses/faq.yml", "domain.yml", "actions/fallback.py",
            "webchat/static/js/main.js", "webchat/static/js/render.js", "webchat/templates/index.html",
            "webchat/templates/privacy.html", "webchat/templates/privacy-en.html",
            "webchat/templates/toegankelijkheid.html", "webchat/templates/toegankelijkheid-en.html",
            "webchat/static/js/i18n/nl.js", "webchat/static/js/i18n/en.js"} <= names
    assert not any(name.startswith("webchat/static/vendor/") for name in names)
    assert "actions/data/guidance.yml" not in names


def test_every_link_and_number_in_the_project_is_registered(registry):
    found = references_in_files(scanned_files())
    assert len(found) >= 10, "expected the answers' links and numbers to be found"
    missing = unregistered(found, registry)
    assert not missing, f"not in actions/data/guidance.yml (add them only if the brief lists them): {missing}"


def test_every_link_and_number_in_the_responses_is_registered(domain, registry):
    found = {}
    for name, text in all_texts(domain):
        urls, phones = references(text)
        for item in urls | phones:
            found.setdefault(item, set()).add(name)
    assert {"112", "https://www.bevolkingsonderzoeknederland.nl/"} <= set(found)
    assert not unregistered(found, registry)


def test_an_unknown_link_or_number_is_caught(registry):
    text = "Kijk op https://www.example.nl/hulp of http://bvo.example, bel 0800-1234567 of 112."
    urls, phones = references(text)
    found = {item: {"sample"} for item in urls | phones}
    assert set(unregistered(found, registry)) == {
        "https://www.example.nl/hulp", "http://bvo.example", "0800-1234567"}


def test_a_registered_number_in_another_spelling_counts_as_registered(registry):
    assert not unregistered({"088-900 10 00": {"sample"}}, registry)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_opening_hours_in_the_answers_match_the_registry(domain, registry, language):
    phone = registry.get("cmi_phone")
    texts = [text for _, text in texts_in(domain, language) if phone.number in text]
    assert texts
    assert all(f"{phone.number} ({phone.hours[language]})" in text for text in texts)


TOPIC_CALL_RE = re.compile(r"\b(?:links_for|phones_for)\(\s*[\"']([a-z_]+)[\"']")


def topics_asked_in(text: str) -> set:
    return set(TOPIC_CALL_RE.findall(text))


def test_topics_the_actions_ask_for_are_action_topics():
    asked = set()
    for path in sorted((ROOT / "actions").glob("**/*.py")):
        asked |= topics_asked_in(path.read_text(encoding="utf-8"))
    assert asked <= ACTION_TOPICS, f"topics without a checked entry in ACTION_TOPICS: {asked - ACTION_TOPICS}"


def test_a_topic_call_in_code_is_found():
    code = 'links = registry.links_for("check_link")\nphones = registry.phones_for( \'emergency\', "nl")'
    assert topics_asked_in(code) == {"check_link", "emergency"}
