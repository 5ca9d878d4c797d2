"""Short follow-ups that lean on the previous turn (understanding/followup.py)."""

from __future__ import annotations

import pytest

from understanding.followup import asks_the_same, is_anaphoric, is_followup


@pytest.mark.parametrize("text", [
    "en mijn adres?", "en voor borstkanker?", "hoeveel daarvan?", "waarom?", "wat betekent dat?",
    "waarom niet?", "is dat erg?", "en de darmkankertest?", "what about my phone number?", "why?",
])
def test_follow_ups(text):
    assert is_followup(text)


@pytest.mark.parametrize("text", [
    "welke gegevens zijn gestolen?", "Moet ik mijn BSN veranderen?", "",
    "en dan nog iets: ik heb een brief gekregen maar ik weet niet wat ik ermee moet doen, help",
])
def test_questions_that_stand_alone(text):
    assert not is_followup(text)


def test_anaphoric_follow_ups_point_back():
    assert is_anaphoric("hoe groot is die groep?")
    assert is_anaphoric("waarom?")
    assert not is_anaphoric("en mijn telefoonnummer?")


@pytest.mark.parametrize("text, same", [
    ("in de brief ook?", True),
    ("alleen in het begin of ook in die brief?", True),
    ("bij het lab ook?", True),
    ("in the letter too?", True),
    ("ook mijn testuitslag??", False),  # a thing of its own
    ("en voor borstkanker?", False),  # no "ook": another screening, its own topic
    ("zit mijn uitslag daar ook in?", False),  # a question with a verb
])
def test_the_same_question_about_another_place(text, same):
    assert asks_the_same(text) is same
