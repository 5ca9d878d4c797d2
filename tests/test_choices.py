"""Typed choices mapped to button options (pure logic)."""

from __future__ import annotations

import pytest

from understanding.choices import is_short_phrase_match, make_options, match_option, normalise

OPTIONS = make_options(
    [("yes", "Ja"), ("no", "Nee"), ("unknown", "Weet ik niet")],
    {"yes": ["klopt"], "no": ["nooit", "niet"], "unknown": ["geen idee"]},
)


def test_normalise_removes_case_accents_and_punctuation():
    assert normalise("  Geïnformeerd?! E-mail  ") == "geinformeerd e mail"


@pytest.mark.parametrize("text,expected", [
    ("1", "yes"), ("optie 2", "no"), ("nummer 3", "unknown"), ("de tweede", "no"), ("drie", "unknown"),
    ("Ja!", "yes"), ("nee hoor", "no"), ("Weet ik niet.", "unknown"),
    ("ik weet het niet, geen idee", "unknown"),   # the longer phrase wins over "niet"
    ("jaa", "yes"), ("ne", None),                  # one extra letter is a typo; two letters are too short
    ("Weet ik nit", "unknown"), ("klopr", "yes"),  # typos
])
def test_match_option(text, expected):
    assert match_option(text, OPTIONS) == expected


@pytest.mark.parametrize("text", ["", "4", "0", "optie 9", "ja nee", "banaan", "??"])
def test_unclear_or_out_of_range_gives_none(text):
    assert match_option(text, OPTIONS) is None


def test_priority_breaks_ties_only_when_given():
    options = make_options([("a", "Alfa"), ("b", "Bravo")], {"a": ["bank"], "b": ["gebeld"]})
    assert match_option("gebeld door de bank", options) is None
    assert match_option("gebeld door de bank", options, priority=["a", "b"]) == "a"


def test_numbers_in_long_sentences_are_not_choices():
    assert match_option("ik heb er 2 gekregen en nog meer", OPTIONS) is None


@pytest.mark.parametrize("text,expected", [
    ("stop", True), ("Stop!", True), ("laat maar", True), ("nee laat maar", True), ("stopp", True),
    ("Moet ik stoppen met het bevolkingsonderzoek?", False), ("ja", False),
])
def test_short_stop_phrases(text, expected):
    assert is_short_phrase_match(text, ["stop", "stoppen", "laat maar"]) is expected


def test_a_typo_must_be_close_in_every_word():
    options = make_options([("access", "Inzage")], {"access": ["gegevens inzien"]})
    assert match_option("gegevens inzein", options) == "access"
    assert match_option("welke gegevens zijn gestolen", options) is None


# --- English ----------------------------------------------------------------------------

EN_OPTIONS = make_options(
    [("yes", "Ja"), ("no", "Nee"), ("unknown", "Weet ik niet")],
    {"yes": ["Yes", "yeah", "i did"], "no": ["No", "never", "i did not"], "unknown": ["Don't know", "no idea"]},
)


@pytest.mark.parametrize("text,expected", [
    ("the second one", "no"), ("2nd", "no"), ("Second", "no"), ("3rd", "unknown"), ("the first", "yes"),
    ("option 3", "unknown"), ("number 2", "no"), ("choice 1", "yes"), ("button 2", "no"), ("two", "no"),
    ("three", "unknown"), ("de 2e", "no"), ("the 1st one", "yes"),
])
def test_english_numbers_and_ordinals(text, expected):
    assert match_option(text, EN_OPTIONS) == expected


@pytest.mark.parametrize("text,expected", [
    ("Yes", "yes"), ("yeah!", "yes"), ("I did", "yes"), ("I did not", "no"), ("no one", "no"),
    ("Don't know", "unknown"), ("no idea", "unknown"), ("no, no idea", "unknown"), ("yess", "yes"),
    ("dont know", None),  # "dont" is one word, "don t" two: flows.yml lists both spellings
])
def test_english_words_and_titles(text, expected):
    assert match_option(text, EN_OPTIONS) == expected


def test_one_is_not_a_number_word():
    """"one" is also the pronoun in "the second one", so only ordinals and digits count."""
    assert match_option("one", EN_OPTIONS) is None
    assert match_option("the third one", EN_OPTIONS) == "unknown"


@pytest.mark.parametrize("text,expected", [
    ("cancel", True), ("Never mind", True), ("quit!", True), ("forget it", True),
    ("Do I have to stop taking part in the screening?", False), ("no", False),
])
def test_short_english_stop_phrases(text, expected):
    assert is_short_phrase_match(text, ["stop", "cancel", "quit", "never mind", "forget it"]) is expected
