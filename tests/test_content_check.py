"""make content-check: each rule fails on a small synthetic domain, and the real domain passes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from scripts import content_check
from scripts.content_check import (
    MAX_AVERAGE_SENTENCE_WORDS,
    MAX_LONG_WORD_SHARE,
    MAX_WORDS_PER_BUBBLE,
    SOURCE_EXEMPT,
    base_name,
    check,
    main,
)
from scripts.content_rules import bubbles, dates_in, readability, syllables
from tests.conftest import ROOT
from tests.extract import REGISTRY_FILE

SOURCE = "Bron: Bevolkingsonderzoek Nederland, 11 augustus 2025."
FACT = "Het lab zit in Rijswijk. Het lab onderzocht uitstrijkjes."
META = {"content_date": "2025-08-11"}


def write_domain(tmp_path: Path, responses: dict, meta: dict = META, name: str = "faq.yml") -> Path:
    """Writes a one-file domain and content_meta.yml under tmp_path; returns the meta path."""
    domain = tmp_path / "domain"
    domain.mkdir(exist_ok=True)
    data = {"version": "3.1", "responses": {key: [{"text": text}] for key, text in responses.items()}}
    (domain / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    meta_file = tmp_path / "content_meta.yml"
    meta_file.write_text(yaml.safe_dump(meta), encoding="utf-8")
    return meta_file


def run(tmp_path: Path, responses: dict, meta: dict = META, exempt: dict = None):
    meta_file = write_domain(tmp_path, responses, meta)
    return check(tmp_path / "domain", REGISTRY_FILE, meta_file, exempt=exempt or {})


def problems(report) -> list:
    return [p for r in report.responses for p in r.problems] + report.global_problems


# --- the real domain ---------------------------------------------------------------


def test_the_real_domain_passes(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "utter_faq/how_many" in out and "content check passed" in out
    assert "margin" in out


def test_the_real_domain_is_checked_in_full():
    report = check()
    kinds = {r.name: r.kind for r in report.responses}
    assert sum(1 for name in kinds if name.startswith("utter_faq/")) >= 35
    assert all(kind == "fact" for name, kind in kinds.items() if name.startswith("utter_faq/"))
    advice = [name for name in kinds if name.startswith(("utter_situation_", "utter_checklist_", "utter_affected_"))]
    assert len(advice) >= 20
    assert all(kinds[name] == "fact" for name in advice if not name.endswith(("_more", "_intro")))
    assert set(SOURCE_EXEMPT) <= {base_name(name) for name in kinds}, "every exemption names a real response"
    assert set(SOURCE_EXEMPT.values()) == {"greeting", "question", "notice", "template"}


def test_answers_about_figures_and_letters_show_their_latest_update():
    meta = yaml.safe_load((ROOT / "actions" / "data" / "content_meta.yml").read_text(encoding="utf-8"))
    updates = meta["latest_updates"]
    assert "utter_faq/how_many" in updates["figures"]["responses"]
    assert {"utter_faq/letter_will_i_get", "utter_faq/letter_when", "utter_faq/letter_not_received",
            "utter_faq/letter_meaning"} <= set(updates["letters"]["responses"])
    assert not check().global_problems


# --- source lines --------------------------------------------------------------------


def test_a_fact_without_a_source_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": FACT})
    assert problems(report) == ["states a fact but does not end with a 'Bron: ...' line"]


def test_a_source_that_is_not_the_last_line_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": f"{SOURCE}\n{FACT}"})
    assert "does not end with a 'Bron: ...' line" in problems(report)[0]


def test_an_empty_source_line_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": f"{FACT}\nBron:"})
    assert problems(report)


def test_a_fact_with_its_source_passes(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": f"{FACT}\n{SOURCE}"})
    assert report.ok, problems(report)


def test_an_english_fact_with_its_source_passes(tmp_path):
    text = "The lab is in Rijswijk.\nSource: Bevolkingsonderzoek Nederland, 11 August 2025."
    report = run(tmp_path, {"utter_faq/lab": text})
    assert report.ok, problems(report)


def test_an_empty_english_source_line_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": "The lab is in Rijswijk.\nSource:"})
    assert problems(report) == ["states a fact but does not end with a 'Bron: ...' line"]


def test_an_exempt_response_needs_no_source(tmp_path):
    report = run(tmp_path, {"utter_greet": "Hallo! Waar heeft u een vraag over?"},
                 exempt={"utter_greet": "greeting"})
    assert report.ok
    assert report.responses[0].kind == "greeting"


def test_an_exemption_for_a_missing_response_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": f"{FACT}\n{SOURCE}"}, exempt={"utter_gone": "notice"})
    assert report.global_problems == ["SOURCE_EXEMPT names a response that does not exist: utter_gone"]


# --- bubble length ---------------------------------------------------------------------


def sentences_of(words: int) -> str:
    """Short sentences of five words each (ends with a shorter one if needed)."""
    tokens = ["Dit is een korte zin."] * (words // 5)
    rest = words % 5
    if rest:
        tokens.append(" ".join(["Kort"] * rest) + ".")
    return " ".join(tokens)


def test_a_bubble_over_the_limit_fails(tmp_path):
    text = f"{sentences_of(MAX_WORDS_PER_BUBBLE - 5)}\n{SOURCE}"  # the source line has 6 words
    report = run(tmp_path, {"utter_faq/long": text})
    assert problems(report) == [f"bubble 1 has {MAX_WORDS_PER_BUBBLE + 1} words (max {MAX_WORDS_PER_BUBBLE})"]


def test_a_bubble_at_the_limit_passes(tmp_path):
    text = f"{sentences_of(MAX_WORDS_PER_BUBBLE - 6)}\n{SOURCE}"
    report = run(tmp_path, {"utter_faq/long": text})
    assert report.ok, problems(report)
    assert report.responses[0].longest_bubble == MAX_WORDS_PER_BUBBLE


def test_a_blank_line_starts_a_new_bubble(tmp_path):
    text = f"{sentences_of(50)}\n\n{sentences_of(50)}\n{SOURCE}"
    report = run(tmp_path, {"utter_faq/long": text})
    assert report.ok, problems(report)
    assert bubbles(text)[1].startswith("Dit is")


# --- links and numbers ----------------------------------------------------------------


def test_an_unregistered_link_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/link": f"Kijk op https://www.example.nl/hulp voor meer.\n{SOURCE}"})
    assert problems(report) == ["link not in the guidance registry: https://www.example.nl/hulp"]


def test_an_unregistered_phone_number_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/phone": f"Bel 0800-1234567 voor hulp.\n{SOURCE}"})
    assert problems(report) == ["phone number not in the guidance registry: 0800-1234567"]


def test_registered_links_and_numbers_pass(tmp_path):
    text = (f"Kijk op https://www.bevolkingsonderzoeknederland.nl/ of bel 088 900 10 00. "
            f"Bij spoed: bel 112.\n{SOURCE}")
    report = run(tmp_path, {"utter_faq/ok": text})
    assert report.ok, problems(report)


# --- B1 readability -------------------------------------------------------------------------


def test_long_sentences_fail(tmp_path):
    words = int(MAX_AVERAGE_SENTENCE_WORDS) + 2
    sentence = " ".join(["het lab is dicht"] * (words // 4 + 1)) + "."
    report = run(tmp_path, {"utter_faq/slow": f"{sentence}\n{SOURCE}"})
    assert len(problems(report)) == 1 and problems(report)[0].startswith("B1:")
    assert "words per sentence" in problems(report)[0]


def test_many_long_words_fail(tmp_path):
    text = ("Het bevolkingsonderzoek baarmoederhalskanker. De persoonsgegevens en verzekeringsgegevens. "
            f"Identiteitsfraude en informatievoorziening.\n{SOURCE}")
    assert readability(text).long_word_share > MAX_LONG_WORD_SHARE
    report = run(tmp_path, {"utter_faq/hard": text})
    assert problems(report) and "long words" in problems(report)[0]


def test_a_very_short_text_is_not_judged_on_long_words(tmp_path):
    report = run(tmp_path, {"utter_faq/short": f"Identiteitsfraude melden.\n{SOURCE}"})
    assert report.ok, problems(report)


def test_source_lines_links_and_numbers_are_not_read_for_readability():
    text = ("Kijk op https://www.rijksoverheid.nl/onderwerpen/identiteitsfraude of bel 088 900 10 00.\n"
            "Bron: Rijksdienst voor Identiteitsgegevens (RvIG); Autoriteit Persoonsgegevens.")
    measured = readability(text)
    assert (measured.sentences, measured.words, measured.long_words) == (1, 4, 0)


@pytest.mark.parametrize("word, expected", [
    ("lab", 1), ("huisarts", 2), ("uitslag", 2), ("gegevens", 3), ("bevolkingsonderzoek", 6),
    ("identiteitsbewijs", 6), ("112", 1),
])
def test_syllables_of_dutch_words(word, expected):
    assert syllables(word) == expected


# --- content date and latest updates ----------------------------------------------------


def test_a_stale_content_date_fails(tmp_path):
    text = f"{FACT}\nBron: Kamerbrief, 5 februari 2026."
    report = run(tmp_path, {"utter_faq/lab": text}, meta={"content_date": "2025-08-11"})
    assert report.global_problems == [
        "content_meta: content_date is 2025-08-11, but the newest 'Bron:' date in the answers is 2026-02-05"]


def test_a_content_date_that_is_no_date_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/lab": f"{FACT}\n{SOURCE}"}, meta={"content_date": "soon"})
    assert "content_date is not a date" in report.global_problems[0]


LETTERS = {"content_date": "2025-09-12",
           "latest_updates": {"letters": {"date": "2025-09-12",
                                          "responses": ["utter_faq/letter_when", "utter_faq/letter_meaning"]}}}
WAVE_1 = "Rond 19 augustus 2025 kregen 405.000 deelnemers een brief.\nBron: Bevolkingsonderzoek Nederland, 19 augustus 2025."
WAVE_2 = "Tussen 12 en 17 september 2025 kreeg iedereen een brief.\nBron: Bevolkingsonderzoek Nederland, 12 september 2025."


def test_every_letter_answer_showing_the_latest_wave_passes(tmp_path):
    report = run(tmp_path, {"utter_faq/letter_when": f"{WAVE_1}\n\n{WAVE_2}",
                            "utter_faq/letter_meaning": WAVE_2}, meta=LETTERS)
    assert report.ok, problems(report)


def test_a_letter_answer_without_the_latest_wave_fails(tmp_path):
    report = run(tmp_path, {"utter_faq/letter_when": f"{WAVE_1}\n\n{WAVE_2}",
                            "utter_faq/letter_meaning": WAVE_1}, meta=LETTERS)
    assert report.global_problems == [
        "utter_faq/letter_meaning: does not show the latest letters update: no 'Bron:' line with 12 september 2025"]


def test_a_new_wave_without_updating_content_meta_fails(tmp_path):
    wave_3 = "Update 2 maart 2026: een nieuwe brief.\nBron: Bevolkingsonderzoek Nederland, 2 maart 2026."
    meta = dict(LETTERS, content_date="2026-03-02")
    report = run(tmp_path, {"utter_faq/letter_when": f"{WAVE_2}\n\n{wave_3}",
                            "utter_faq/letter_meaning": WAVE_2}, meta=meta)
    assert len(report.global_problems) == 1
    assert "2026-03-02 is newer than latest_updates.letters (2025-09-12)" in report.global_problems[0]


def test_latest_updates_naming_a_missing_response_fails(tmp_path):
    meta = {"content_date": "2025-09-12",
            "latest_updates": {"letters": {"date": "2025-09-12", "responses": ["utter_faq/gone"]}}}
    report = run(tmp_path, {"utter_faq/letter_meaning": WAVE_2}, meta=meta)
    assert report.global_problems == ["content_meta: latest_updates.letters: no response utter_faq/gone"]


def test_dates_with_two_days_count_both():
    assert {d.isoformat() for d in dates_in("Bron: BVO NL, 11 en 29 augustus 2025.")} == {
        "2025-08-11", "2025-08-29"}
    assert {d.isoformat() for d in dates_in("Source: BVO NL, 11 and 29 August 2025.")} == {
        "2025-08-11", "2025-08-29"}


def test_english_source_dates_count_for_the_content_date(tmp_path):
    text = f"{FACT}\nSource: Letter to parliament, 5 February 2026."
    report = run(tmp_path, {"utter_faq/lab": text}, meta={"content_date": "2025-08-11"})
    assert report.global_problems == [
        "content_meta: content_date is 2025-08-11, but the newest 'Bron:' date in the answers is 2026-02-05"]


def test_english_source_lines_are_not_read_for_readability():
    measured = readability("The lab is closed.\nSource: Rijksdienst voor Identiteitsgegevens (RvIG).")
    assert (measured.sentences, measured.words) == (1, 4)


# --- the command ----------------------------------------------------------------------------


def test_the_command_prints_a_row_per_response_and_fails_on_a_problem(tmp_path, capsys, monkeypatch):
    meta_file = write_domain(tmp_path, {"utter_faq/lab": FACT, "utter_faq/ok": f"{FACT}\n{SOURCE}"})
    monkeypatch.setattr(content_check, "SOURCE_EXEMPT", {})
    code = main(["--domain", str(tmp_path / "domain"), "--meta", str(meta_file)])
    out = capsys.readouterr().out
    assert code == 1
    rows = [line for line in out.splitlines() if line.startswith("utter_faq/")]
    assert [row.split()[0] for row in rows] == ["utter_faq/lab", "utter_faq/ok"]
    assert rows[0].endswith("FAIL") and rows[1].endswith("ok")
    assert "FAIL utter_faq/lab: states a fact" in out and "content check FAILED" in out


def test_variations_are_checked_one_by_one(tmp_path):
    domain = tmp_path / "domain"
    domain.mkdir()
    (domain / "faq.yml").write_text(textwrap.dedent(f"""\
        version: "3.1"
        responses:
          utter_faq/lab:
          - text: "{FACT}\\n{SOURCE}"
          - text: "{FACT}"
        """), encoding="utf-8")
    meta_file = tmp_path / "content_meta.yml"
    meta_file.write_text(yaml.safe_dump(META), encoding="utf-8")
    report = check(domain, REGISTRY_FILE, meta_file, exempt={})
    assert [(r.name, bool(r.problems)) for r in report.responses] == [
        ("utter_faq/lab[0]", False), ("utter_faq/lab[1]", True)]
