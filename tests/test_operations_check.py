"""The content check of make content-check refuses a bad override or notice; the operator texts pass it."""

from __future__ import annotations

from pathlib import Path

import pytest

from operations.check import notice_problems, override_problems, text_problems
from operations.texts import load_texts

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "actions" / "data" / "guidance.yml"
KEY = "utter_faq/which_data"
SOURCE = "Bron: Bevolkingsonderzoek Nederland, 11 augustus 2025"


def problems(domain, text: str, key: str = KEY, language: str = "nl"):
    return override_problems(key, language, text, domain.responses, REGISTRY)


def test_the_domain_answer_itself_passes(domain):
    for variation in domain.responses[KEY]:
        language = "en" if variation.get("condition") else "nl"
        assert problems(domain, variation["text"], language=language) == []


@pytest.mark.parametrize("text, reason", [
    ("De gegevens zijn gestolen.", "does not end with a 'Bron: ...' line"),
    (f"Kijk op https://example.org/datalek voor meer.\n\n{SOURCE}", "link not in the guidance registry"),
    (f"Bel 020 123 45 67 voor meer.\n\n{SOURCE}", "phone number not in the guidance registry"),
    ("Uw uitslag klopt gewoon.\n\n" + SOURCE, "uitslag"),
    (" ".join(["De gegevens zijn van veel mensen die mee hebben gedaan aan het onderzoek"] * 2) + ".\n\n"
     + SOURCE, "words"),
])
def test_a_bad_override_is_refused_with_its_reason(domain, text, reason):
    found = problems(domain, text)
    assert found and any(reason in problem for problem in found), found


def test_an_override_of_an_unknown_answer_or_language_is_refused(domain):
    assert problems(domain, "Tekst.", key="utter_faq/nothing") == ["no response named 'utter_faq/nothing' in the domain"]
    assert problems(domain, f"Tekst.\n\n{SOURCE}", language="de")
    assert problems(domain, "   ")


def test_a_notice_is_one_short_checked_line():
    assert notice_problems({"nl": "De brieven zijn verstuurd."}, REGISTRY) == []
    assert notice_problems({"en": "The letters have been sent."}, REGISTRY) == ["a notice needs a Dutch text ('nl')"]
    assert any("guidance registry" in p for p in notice_problems({"nl": "Kijk op https://example.org."}, REGISTRY))
    assert any("one line" in p for p in notice_problems({"nl": "Eén.\nTwee."}, REGISTRY))
    assert any("max 200" in p for p in notice_problems({"nl": "De brieven zijn verstuurd. " * 10}, REGISTRY))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_withdrawn_and_safe_mode_texts_pass_the_content_check(language):
    texts = load_texts(REGISTRY)
    for name, text in (("operator_withdrawn", texts.withdrawn[language]),
                       ("operator_safe_mode", texts.safe_mode[language])):
        assert text_problems(name, text, language, REGISTRY, exempt_kind="notice") == [], (name, text)


def test_a_broken_registry_never_silences_the_texts(tmp_path, monkeypatch):
    """Every response passes the operators' texts: a registry they cannot use falls back, logged."""
    from operations import control
    from operations.texts import DEFAULT_REGISTRY, load_texts, without_links

    broken = tmp_path / "guidance.yml"
    broken.write_text("links:\n- id: other\n  url: http://example.org\n", encoding="utf-8")
    monkeypatch.setenv("GUIDANCE_REGISTRY", str(broken))
    control.texts.cache_clear()
    try:
        assert control.texts() == load_texts(DEFAULT_REGISTRY)
    finally:
        control.texts.cache_clear()
    bare = without_links()
    assert "{links}" not in bare.safe_mode["nl"] and "https://" not in bare.safe_mode["nl"]
