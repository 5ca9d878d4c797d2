"""make content-check: each rule fails on a small synthetic domain, and the real domain passes."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest
import yaml

from scripts import content_check
from scripts.content_check import (
    EN_MAX_LONG_WORD_SHARE,
    MAX_AVERAGE_SENTENCE_WORDS,
    MAX_LONG_WORD_SHARE,
    MAX_WORDS_PER_BUBBLE,
    SOURCE_EXEMPT,
    base_name,
    check,
    main,
)
from scripts.content_rules import bubbles, dates_in, is_long_word, readability, source_dates, syllables
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
    """Checks Dutch-only responses (the English rules have their own tests below)."""
    meta_file = write_domain(tmp_path, responses, meta)
    return check(tmp_path / "domain", REGISTRY_FILE, meta_file, exempt=exempt or {}, languages=("nl",))


def problems(report) -> list:
    return [p for r in report.responses for p in r.problems] + report.global_problems


# --- the real domain ---------------------------------------------------------------


# data/responses/faq.yml gets its English variations on another branch (en-faq). Until that is
# merged, their absence is the only failure allowed; after the merge this allows nothing.
PENDING_FAQ_ENGLISH = re.compile(r"^FAIL utter_faq/[a-z_0-9]+: no English variation ")


def test_the_real_domain_passes(capsys):
    code = main([])
    out = capsys.readouterr().out
    failures = [line for line in out.splitlines() if line.startswith("FAIL ")]
    assert [line for line in failures if not PENDING_FAQ_ENGLISH.match(line)] == []
    assert code == (1 if failures else 0)
    assert ("content check passed" in out) == (not failures)
    assert "utter_faq/how_many" in out
    assert "[nl] most long words" in out and "[en] most long words" in out and "margin" in out


def test_basics_and_guidance_have_a_checked_english_text_for_every_response():
    report = check()
    for file in ("domain.yml", "guidance.yml"):
        results = [r for r in report.responses if r.file == file]
        dutch = {r.name for r in results if r.language == "nl"}
        english = {r.name for r in results if r.language == "en"}
        assert dutch and dutch == english, file
        assert not [(r.label, r.problems) for r in results if r.problems]
    kinds = {(r.name, r.language): r.kind for r in report.responses}
    assert kinds[("utter_situation_police", "en")] == "fact"


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
    text = (f"Kijk op https://www.rivm.nl/bevolkingsonderzoek-baarmoederhalskanker of "
            f"https://www.bevolkingsonderzoeknederland.nl/ of bel 088 900 10 00. Bij spoed: bel 112.\n{SOURCE}")
    report = run(tmp_path, {"utter_faq/ok": text})
    assert report.ok, problems(report)


# --- B1 readability -------------------------------------------------------------------------


def test_long_sentences_fail(tmp_path):
    words = int(MAX_AVERAGE_SENTENCE_WORDS) + 2
    sentence = " ".join(["het lab is dicht"] * (words // 4 + 1)) + "."
    report = run(tmp_path, {"utter_faq/slow": f"{sentence}\n{SOURCE}"})
    b1 = [problem for problem in problems(report) if problem.startswith("B1:")]
    assert len(b1) == 1 and "words per sentence" in b1[0]


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
            "latest_updates": {"letters": {"date": "2025-09-12",
                                           "responses": ["utter_faq/gone", "utter_faq/letter_meaning"]}}}
    report = run(tmp_path, {"utter_faq/letter_meaning": WAVE_2}, meta=meta)
    assert report.global_problems == ["content_meta: latest_updates.letters: no response utter_faq/gone"]


def test_dates_with_two_days_count_both():
    assert {d.isoformat() for d in dates_in("Bron: BVO NL, 11 en 29 augustus 2025.")} == {
        "2025-08-11", "2025-08-29"}
    assert {d.isoformat() for d in dates_in("Source: BVO NL, 11 and 29 August 2025.", "en")} == {
        "2025-08-11", "2025-08-29"}




def test_english_source_lines_are_not_read_for_readability():
    measured = readability("The lab is closed.\nSource: Rijksdienst voor Identiteitsgegevens (RvIG).")
    assert (measured.sentences, measured.words) == (1, 4)


# --- the command ----------------------------------------------------------------------------


def test_the_command_prints_a_row_per_response_and_fails_on_a_problem(tmp_path, capsys, monkeypatch):
    meta_file = write_domain(tmp_path, {"utter_faq/lab": FACT, "utter_faq/ok": f"{FACT}\n{SOURCE}"})
    monkeypatch.setattr(content_check, "SOURCE_EXEMPT", {})
    code = main(["--domain", str(tmp_path / "domain"), "--meta", str(meta_file), "--languages", "nl"])
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
    report = check(domain, REGISTRY_FILE, meta_file, exempt={}, languages=("nl",))
    assert [(r.name, bool(r.problems)) for r in report.responses] == [
        ("utter_faq/lab[0]", False), ("utter_faq/lab[1]", True)]


# --- English variations -------------------------------------------------------------------

EN_SOURCE = "Source: Bevolkingsonderzoek Nederland, 11 August 2025."
EN_FACT = "The lab is in Rijswijk. The lab tested smears."
EN_CONDITION = [{"type": "slot", "name": "language", "value": "en"}]


def run_languages(tmp_path: Path, responses: dict, exempt: dict = None, meta: dict = META):
    """Checks responses given as {name: (dutch variation, english variation or None)}."""
    domain = tmp_path / "domain"
    domain.mkdir(parents=True, exist_ok=True)
    data = {"version": "3.1", "responses": {}}
    for name, (dutch, english) in responses.items():
        variations = [dutch if isinstance(dutch, dict) else {"text": dutch}]
        if english is not None:
            english = english if isinstance(english, dict) else {"text": english}
            variations.append({"condition": EN_CONDITION, **english})
        data["responses"][name] = variations
    (domain / "faq.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    meta_file = tmp_path / "content_meta.yml"
    meta_file.write_text(yaml.safe_dump(meta), encoding="utf-8")
    return check(domain, REGISTRY_FILE, meta_file, exempt=exempt or {})


def english_problems(report) -> list:
    return [p for r in report.responses if r.language == "en" for p in r.problems]


def test_a_faithful_english_variation_passes(tmp_path):
    report = run_languages(tmp_path, {"utter_faq/lab": (f"{FACT}\n{SOURCE}", f"{EN_FACT}\n{EN_SOURCE}")})
    assert report.ok, problems(report)
    assert [(r.name, r.language) for r in report.responses] == [("utter_faq/lab", "nl"), ("utter_faq/lab", "en")]


def test_a_response_without_an_english_variation_fails_on_its_dutch_text(tmp_path):
    report = run_languages(tmp_path, {"utter_faq/lab": (f"{FACT}\n{SOURCE}", None)})
    assert [(r.label, r.problems) for r in report.responses] == [
        ("utter_faq/lab", ["no English variation (condition: slot language = en)"])]


def test_an_english_fact_needs_a_source_line_not_a_bron_line(tmp_path):
    report = run_languages(tmp_path, {"utter_faq/lab": (f"{FACT}\n{SOURCE}", f"{EN_FACT}\n{SOURCE}")})
    assert english_problems(report)[0] == "states a fact but does not end with a 'Source: ...' line"
    assert "has 0 'Source:' lines, the Dutch has 1 'Bron:' lines" in english_problems(report)


def test_english_source_dates_must_be_those_of_the_dutch(tmp_path):
    wrong = f"{EN_FACT}\nSource: Bevolkingsonderzoek Nederland, 12 August 2025."
    report = run_languages(tmp_path, {"utter_faq/lab": (f"{FACT}\n{SOURCE}", wrong)})
    assert english_problems(report) == [
        "'Source:' dates ['2025-08-12'] differ from the Dutch 'Bron:' dates ['2025-08-11']"]


def test_english_dates_are_read_like_dutch_ones():
    line = "Source: BVO NL, 11 and 29 August 2025; OM, 27 August 2025."
    assert {d.isoformat() for d in source_dates(line, "en")} == {"2025-08-11", "2025-08-29", "2025-08-27"}
    assert source_dates("Bron: BVO NL, 11 augustus 2025.", "en") == []
    assert source_dates(line) == []


def test_english_links_and_numbers_must_be_those_of_the_dutch(tmp_path):
    dutch = f"Bel 088 900 10 00 of kijk op https://www.bevolkingsonderzoeknederland.nl/.\n{SOURCE}"
    english = f"Call 088 786 73 72.\n{EN_SOURCE}"
    report = run_languages(tmp_path, {"utter_faq/call": (dutch, english)})
    assert english_problems(report) == [
        "misses the link or number of the Dutch: 088 900 10 00",
        "misses the link or number of the Dutch: https://www.bevolkingsonderzoeknederland.nl/",
        "has a link or number the Dutch does not have: 088 786 73 72",
    ]


def test_an_unregistered_link_in_english_fails(tmp_path):
    dutch = f"Kijk op https://www.example.nl/hulp.\n{SOURCE}"
    english = f"See https://www.example.nl/hulp.\n{EN_SOURCE}"
    report = run_languages(tmp_path, {"utter_faq/link": (dutch, english)})
    assert english_problems(report) == ["link not in the guidance registry: https://www.example.nl/hulp"]


def test_english_bubbles_are_limited_and_counted_like_the_dutch(tmp_path):
    long_english = " ".join(["This is a short sentence."] * 14) + f"\n{EN_SOURCE}"  # 70 + 6 words
    report = run_languages(tmp_path, {"utter_faq/long": (f"{FACT}\n\n{FACT}\n{SOURCE}", long_english)})
    assert english_problems(report) == [f"bubble 1 has 76 words (max {MAX_WORDS_PER_BUBBLE})",
                                        "has 1 bubbles, the Dutch has 2"]


def test_english_buttons_mirror_the_dutch_ones(tmp_path):
    dutch = {"text": "Kies.", "buttons": [
        {"title": "Ja", "payload": '/choose{{"answer":"yes"}}'},
        {"title": "Wat is er gebeurd?", "payload": "Wat is er gebeurd?"},
        {"title": "{suggestion_1_title}", "payload": "{suggestion_1_question}"}]}
    good = {"text": "Choose.", "buttons": [
        {"title": "Yes", "payload": '/choose{{"answer":"yes"}}'},
        {"title": "What happened?", "payload": "What happened?"},
        {"title": "{suggestion_1_title}", "payload": "{suggestion_1_question}"}]}
    bad = {"text": "Choose.", "buttons": [
        {"title": "Yes", "payload": '/choose{{"answer":"no"}}'},
        {"title": "What happened?", "payload": "Wat is er gebeurd?"},
        {"title": "{suggestion_1_title}", "payload": "{suggestion_1_question}"}]}
    exempt = {"utter_ask": "question"}
    assert run_languages(tmp_path / "good", {"utter_ask": (dutch, good)}, exempt).ok
    report = run_languages(tmp_path / "bad", {"utter_ask": (dutch, bad)}, exempt)
    assert english_problems(report) == [
        "button 1: payload '/choose{{\"answer\":\"no\"}}' must be the Dutch one, '/choose{{\"answer\":\"yes\"}}'",
        "button 2: payload 'Wat is er gebeurd?' is the Dutch question; translate it"]
    short = {"text": "Choose.", "buttons": good["buttons"][:2]}
    report = run_languages(tmp_path / "short", {"utter_ask": (dutch, short)}, exempt)
    assert english_problems(report) == ["has 2 buttons, the Dutch has 3"]


def test_long_english_sentences_fail(tmp_path):
    sentence = " ".join(["the lab is shut"] * (int(MAX_AVERAGE_SENTENCE_WORDS) // 4 + 1)) + "."
    report = run_languages(tmp_path, {"utter_faq/slow": (f"{FACT}\n{SOURCE}", f"{sentence}\n{EN_SOURCE}")})
    assert len(english_problems(report)) == 1
    assert english_problems(report)[0].startswith("B1:") and "words per sentence" in english_problems(report)[0]


def test_many_long_english_words_fail_with_the_english_limit(tmp_path):
    text = ("Participants received information. The investigation continues. "
            f"Organisations communicate responsibly and carefully.\n{EN_SOURCE}")
    assert readability(text, "en").long_word_share > EN_MAX_LONG_WORD_SHARE
    report = run_languages(tmp_path, {"utter_faq/hard": (f"{FACT}\n{SOURCE}", text)})
    assert english_problems(report) == [
        f"B1: {readability(text, 'en').long_word_share:.0%} long words (max {EN_MAX_LONG_WORD_SHARE:.0%})"]


def test_plain_english_passes_the_long_word_rule():
    text = ("Do not click on links in the message. Never give login codes or PINs. "
            "Not sure? Then hang up and call the organisation yourself.")
    assert readability(text, "en").long_word_share <= EN_MAX_LONG_WORD_SHARE


@pytest.mark.parametrize("word, expected", [
    ("lab", 1), ("phone", 1), ("phones", 1), ("leaked", 1), ("message", 2), ("messages", 3), ("people", 2),
    ("started", 2), ("screening", 2), ("personal", 3), ("organisation", 5), ("investigation", 5),
])
def test_syllables_of_english_words(word, expected):
    assert syllables(word, "en") == expected


@pytest.mark.parametrize("word, long_in_english", [
    ("data", False), ("message", False), ("personal", True), ("Bevolkingsonderzoek", True),
    ("passwords", False), ("throughout", True),  # two syllables, but ten letters
])
def test_english_long_words_have_three_syllables_or_ten_letters(word, long_in_english):
    assert is_long_word(word, "en") is long_in_english


def test_the_table_has_a_row_per_response_and_language(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(content_check, "SOURCE_EXEMPT", {})
    run_languages(tmp_path, {"utter_faq/lab": (f"{FACT}\n{SOURCE}", f"{EN_FACT}\n{EN_SOURCE}")})
    code = main(["--domain", str(tmp_path / "domain"), "--meta", str(tmp_path / "content_meta.yml")])
    out = capsys.readouterr().out
    rows = [line.split()[:2] for line in out.splitlines() if line.startswith("utter_faq/")]
    assert rows == [["utter_faq/lab", "nl"], ["utter_faq/lab", "en"]]
    assert code == 0 and "2 response texts (1 nl, 1 en)" in out


# --- issue 21: results, URL-only links, dated subjects, registry dates, sentences, abbreviations ---


@pytest.mark.parametrize("text", [
    "Uw uitslag klopt gewoon: het datalek heeft daar geen invloed op.",
    "De uitslagen zijn nog steeds juist.",
])
def test_a_promise_about_results_beyond_the_source_fails(tmp_path, text):
    report = run(tmp_path, {"utter_faq/result": f"{text}\n{SOURCE}"})
    assert [p for p in problems(report) if p.startswith("promises more about results")], problems(report)


def test_the_sources_own_words_about_results_pass(tmp_path):
    report = run(tmp_path, {"utter_faq/result": f"Het datalek heeft geen invloed op uw uitslag.\n{SOURCE}"})
    assert report.ok, problems(report)


def test_a_promise_in_a_button_title_or_in_english_fails():
    assert content_check.wording_problems("Ok.", [{"title": "Klopt mijn uitslag?", "payload": "x"}], "nl")
    assert content_check.wording_problems("Your result is still correct.", [], "en")
    assert not content_check.wording_problems("The breach has no influence on your result.", [], "en")


RIVM = "https://www.rivm.nl/bevolkingsonderzoek-baarmoederhalskanker"
BVO = "https://www.bevolkingsonderzoeknederland.nl/"


@pytest.mark.parametrize("links", [[BVO], [BVO, RIVM]])
def test_a_url_only_link_first_or_alone_fails(tmp_path, links):
    report = run(tmp_path, {"utter_faq/links": "Kijk op " + " of ".join(links) + f"\n{SOURCE}"})
    assert problems(report) == [f"URL-only link {BVO} comes first or alone; put a checked link before it"]


def test_a_url_only_link_after_a_checked_one_passes(tmp_path):
    report = run(tmp_path, {"utter_faq/links": f"Kijk op {RIVM}\nContact: {BVO}\n{SOURCE}"})
    assert report.ok, problems(report)


def test_only_the_listed_answer_may_give_a_url_only_link_first():
    assert set(content_check.URL_ONLY_FIRST_EXEMPT) == {"utter_distress_113"}


def test_a_dutch_sentence_of_18_words_fails_and_17_pass(tmp_path):
    seventeen = " ".join(["woord"] * 17)
    report = run(tmp_path, {"utter_faq/ok": f"{seventeen}.\nDit is kort.\n{SOURCE}"})
    assert report.ok, problems(report)
    report = run(tmp_path, {"utter_faq/long": f"{seventeen} meer.\nDit is kort.\n{SOURCE}"})
    assert [p for p in problems(report) if p.startswith("sentence of 18 words")], problems(report)


def test_source_lines_links_and_numbers_do_not_count_as_sentence_words(tmp_path):
    long_source = "Bron: " + "; ".join(["Autoriteit Persoonsgegevens, 15 augustus 2025"] * 5) + "."
    text = ("Bel het Centraal Meldpunt Identiteitsfraude op 088 900 10 00 of lees "
            f"{RIVM} voor meer.\n{long_source}")
    report = run(tmp_path, {"utter_faq/ok": text})
    assert not [p for p in problems(report) if p.startswith("sentence of")], problems(report)


@pytest.mark.parametrize(("text", "ok"), [
    ("Het ministerie van VWS werkt mee.", False),
    ("Het ministerie van Volksgezondheid, Welzijn en Sport (VWS) werkt mee. VWS is blij.", True),
    ("Het OM (Openbaar Ministerie) onderzoekt het.", True),
    ("De XYZ onderzoekt het.", False),
    ("Uw BSN hoeft niet te veranderen.", True),
])
def test_abbreviations_are_explained_at_first_use(tmp_path, text, ok):
    report = run(tmp_path, {"utter_faq/abbr": f"{text}\n{SOURCE}"})
    assert report.ok == ok, problems(report)


def test_english_abbreviations_have_their_own_explanations():
    assert content_check.wording_problems("Do not type your BSN here.", [], "en")
    assert not content_check.wording_problems("Do not type your BSN (citizen service number) here.", [], "en")


TRACKED = {"content_date": "2026-02-05", "announcement_date": "2025-08-11",
           "latest_updates": {"lab": {"date": "2026-02-05", "responses": ["utter_faq/where_test_now"],
                                      "mentions": ["ander laboratorium"]}}}
LAB_UPDATE = "Update 5 februari 2026: het lab had tekortkomingen.\nBron: Kamerbrief, 5 februari 2026."


def test_an_answer_about_a_dated_subject_must_be_tracked(tmp_path):
    old_state = f"Uw test gaat naar een ander laboratorium.\n{SOURCE}"
    report = run(tmp_path, {"utter_faq/where_test_now": f"{old_state}\n\n{LAB_UPDATE}",
                            "utter_faq/keep_participating": old_state}, meta=TRACKED)
    assert report.global_problems == [
        "utter_faq/keep_participating: is about lab ('ander laboratorium') but not listed in latest_updates.lab: "
        "add it, so it shows the latest update"]


def test_an_answer_with_a_dated_update_must_be_tracked(tmp_path):
    report = run(tmp_path, {"utter_faq/where_test_now": f"Het lab.\n{SOURCE}\n\n{LAB_UPDATE}",
                            "utter_faq/measures": f"Het lab.\n{SOURCE}\n\n{LAB_UPDATE}"}, meta=TRACKED)
    assert report.global_problems == [
        "utter_faq/measures: has a dated update (2026-02-05) but is listed under no subject of latest_updates: "
        "add it to the subject(s) it is about"]


def test_a_tracked_answer_that_gives_the_old_state_only_fails(tmp_path):
    meta = {**TRACKED, "content_date": "2025-08-11"}
    report = run(tmp_path, {"utter_faq/where_test_now": f"Uw test gaat naar een ander laboratorium.\n{SOURCE}"},
                 meta=meta)
    assert report.global_problems == [
        "utter_faq/where_test_now: does not show the latest lab update: no 'Bron:' line with 5 februari 2026"]


def test_an_answer_in_two_subjects_may_show_the_newer_subjects_date(tmp_path):
    meta = {**TRACKED, "latest_updates": {**TRACKED["latest_updates"], "police": {
        "date": "2025-08-27", "responses": ["utter_faq/where_test_now"]}}}
    police = "Het OM (Openbaar Ministerie) onderzoekt het.\nBron: Openbaar Ministerie, 27 augustus 2025."
    report = run(tmp_path, {"utter_faq/where_test_now": f"{police}\n\n{LAB_UPDATE}"}, meta=meta)
    assert report.ok, problems(report)


def test_every_dated_subject_of_the_brief_is_tracked():
    meta = yaml.safe_load((ROOT / "actions" / "data" / "content_meta.yml").read_text(encoding="utf-8"))
    dates = {str(spec["date"]) for spec in meta["latest_updates"].values()}
    # The brief's section 2: figures (29 Aug), letters (12 Sep), contact data (29 Aug),
    # regulators (22 Aug), the OM (27 Aug), the lab (5 Feb 2026).
    assert dates == {"2025-08-29", "2025-09-12", "2025-08-22", "2025-08-27", "2026-02-05"}
    assert set(meta["latest_updates"]) == {"figures", "letters", "contact_data", "regulators", "prosecution", "lab"}
    assert all(spec.get("mentions") for spec in meta["latest_updates"].values())


def _registry_with(tmp_path, **fields):
    raw = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    raw["links"][0].update(fields)
    path = tmp_path / "guidance.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("fields", "message"), [
    ({"checked_on": "2026-02-05", "check": "not checked"}, "without a recorded check result"),
    ({"checked_on": None, "check": "ok"}, "has no date"),
])
def test_a_registry_date_without_a_recorded_check_fails(tmp_path, fields, message):
    if fields["checked_on"]:
        fields = {**fields, "checked_on": date.fromisoformat(fields["checked_on"])}
    registry = _registry_with(tmp_path, **fields)
    meta_file = write_domain(tmp_path, {"utter_faq/lab": f"{FACT}\n{SOURCE}"})
    report = check(tmp_path / "domain", registry, meta_file, exempt={}, languages=("nl",))
    assert [p for p in report.global_problems if message in p and p.startswith("registry guidance.yml:")], \
        report.global_problems


def test_a_registry_date_with_its_check_result_passes(tmp_path):
    registry = _registry_with(tmp_path, checked_on=date(2026, 12, 7), check="no answer")
    meta_file = write_domain(tmp_path, {"utter_faq/lab": f"{FACT}\n{SOURCE}"})
    assert check(tmp_path / "domain", registry, meta_file, exempt={}, languages=("nl",)).ok
