"""Feelings and urgent help from word patterns (understanding/emotion.py, understanding/data/feelings.yml)."""

from __future__ import annotations

import pytest

from understanding.emotion import PATTERNS_FILE, Feeling, fold, load_patterns, read_feeling


@pytest.mark.parametrize("text, urgent", [
    ("ik wil niet meer leven", "suicide"),
    ("Ik zie het echt niet meer zitten sinds die brief", "suicide"),
    ("ik denk aan zelfmoord", "suicide"),
    ("ik wil er gewoon niet meer zijn", "suicide"),
    ("I don't want to live anymore", "suicide"),
    ("mijn ex mag mijn adres niet weten en nu is het gelekt", "threat"),
    ("er staat een man voor mijn deur die mijn bankpas komt ophalen", "threat"),
    ("ze willen dat ik betaal anders publiceren ze mijn uitslag", "blackmail"),
    ("iemand stuurt mijn uitslag naar mijn man als ik niet betaal", "blackmail"),
    ("they will publish my test result unless I pay", "blackmail"),
])
def test_urgent_situations_are_recognised(text, urgent):
    assert read_feeling(text).urgent == urgent


@pytest.mark.parametrize("text, emotion", [
    ("belachelijk dit, wie betaalt mijn schade??", "anger"),
    ("ik lig er wakker van, straks weet iedereen mijn uitslag", "fear"),
    ("ik maak me grote zorgen", "fear"),
    ("mijn moeder is vorig jaar overleden en nu komt er een brief", "grief"),
    ("My late wife got a letter", "grief"),
    ("I am so angry about this", "anger"),
])
def test_feelings_are_recognised(text, emotion):
    feeling = read_feeling(text)
    assert feeling.emotion == emotion and feeling.urgent is None


@pytest.mark.parametrize("text", [
    "welke gegevens zijn gestolen",
    "hoe gaan jullie ervoor zorgen dat dit niet weer gebeurt",
    "hebben de hackers losgeld gevraagd aan het lab",
    "wat is een expert",
    "wanneer komt de brief",
])
def test_neutral_questions_show_no_feeling(text):
    assert read_feeling(text) == Feeling()


def test_suicidal_thoughts_alone_count_as_fear():
    assert read_feeling("ik wil dood") == Feeling(urgent="suicide", emotion="fear")


def test_accents_and_apostrophes_are_folded():
    assert fold("Ik BEN  bang’s café") == "ik ben bang's cafe"


def test_the_patterns_file_is_complete_and_compiles():
    patterns = load_patterns(PATTERNS_FILE)
    assert set(patterns) == {"suicide", "blackmail", "threat", "grief", "fear", "anger"}


def test_a_broken_patterns_file_is_refused(tmp_path):
    broken = tmp_path / "feelings.yml"
    broken.write_text("suicide: ['(']\nblackmail: [a]\nthreat: [a]\ngrief: [a]\nfear: [a]\nanger: [a]\n")
    with pytest.raises(ValueError, match="invalid pattern"):
        load_patterns(broken)
    missing = tmp_path / "missing.yml"
    missing.write_text("suicide: [a]\n")
    with pytest.raises(ValueError, match="blackmail"):
        load_patterns(missing)


@pytest.mark.parametrize("text, rest", [
    ("ik ben echt in paniek, straks weet iedereen dat ik een afwijkende uitslag had",
     "straks weet iedereen dat ik een afwijkende uitslag had"),
    ("jullie zijn echt waardeloos, ik krijg nu elke dag nep sms'jes. wat moet ik daar nou mee",
     "ik krijg nu elke dag nep sms'jes. wat moet ik daar nou mee"),
    ("Ik ben zo ontzettend boos. Ik vertrouw jullie voor geen meter meer.", None),  # feeling only
    ("welke gegevens zijn gestolen? en wanneer?", None),  # no feeling
    ("ik ben zo bang dat ze mijn identiteit stelen", None),  # one clause: feeling and worry together
    ("ik ben bang. echt.", None),  # too little left
])
def test_the_message_without_its_clauses_of_feeling(text, rest):
    from understanding.emotion import without_feeling

    assert without_feeling(text) == rest
