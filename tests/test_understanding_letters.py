"""The letter form of a message: salutation, closing, announcements, ordering words."""

from __future__ import annotations

import pytest

from understanding.letters import is_announcement, strip_letter, strip_ordinal
from understanding.questions import split_questions


@pytest.mark.parametrize("text, body", [
    ("Geachte heer/mevrouw,\n\nWelke gegevens zijn gestolen?", "Welke gegevens zijn gestolen?"),
    ("Geachte heer, mevrouw, welke gegevens zijn gestolen?", "welke gegevens zijn gestolen?"),
    ("Beste, ik werd gebeld. Is dat echt?", "ik werd gebeld. Is dat echt?"),
    ("hallo\nis mijn bsn gelekt", "is mijn bsn gelekt"),
    ("Dear Sir or Madam, what happened?", "what happened?"),
    ("Wat moet ik doen? Met vriendelijke groet, J. van D.", "Wat moet ik doen?"),
    ("wat moet ik doen? mvg Jan", "wat moet ik doen?"),
    ("Wat moet ik doen?\nGroetjes,\nAnna", "Wat moet ik doen?"),
    ("What should I do?\nKind regards, Anna", "What should I do?"),
])
def test_salutation_and_closing_with_signature_are_left_out(text, body):
    assert strip_letter(text) == body


@pytest.mark.parametrize("text", [
    "ik wil de groeten doen aan mijn moeder en wat moet ik doen",
    "Met vriendelijke groet",
    "is mijn adres gelekt",
])
def test_text_that_is_no_letter_form_stays(text):
    assert strip_letter(text) == text


@pytest.mark.parametrize("sentence, announces", [
    ("Naar aanleiding van uw brief heb ik enkele vragen.", True),
    ("Ik heb een paar vragen:", True),
    ("ik heb nog 2 vragen aan jullie", True),
    ("I have a few questions.", True),
    ("ik heb vragen over mijn uitslag", False),
    ("Ik heb een vraag over de brief die ik kreeg.", False),
    ("heb ik vragen?", False),
])
def test_only_sentences_that_merely_announce_questions_are_announcements(sentence, announces):
    assert is_announcement(sentence) is announces


def test_ordering_words_are_left_out():
    assert strip_ordinal("Tot slot: wie onderzoekt deze zaak?") == "wie onderzoekt deze zaak?"
    assert strip_ordinal("Ten eerste wil ik weten wat er is gebeurd.") == "wil ik weten wat er is gebeurd."
    assert strip_ordinal("Finally, who is investigating?") == "who is investigating?"
    assert strip_ordinal("Tot slot") == "Tot slot"
    assert strip_ordinal("Naar aanleiding van uw brief zou ik graag willen weten welke gegevens zijn gestolen."
                         ) == "zou ik graag willen weten welke gegevens zijn gestolen."


def test_a_formal_letter_gives_its_questions_without_the_letter_form():
    letter = ("Geachte heer/mevrouw,\n\nNaar aanleiding van uw brief heb ik enkele vragen. Ten eerste wil ik "
              "weten welke gegevens van mij zijn buitgemaakt. Daarnaast vraag ik mij af of mijn deelname aan "
              "het borstkankeronderzoek ook is getroffen. Tot slot: wie onderzoekt deze zaak?\n\n"
              "Met vriendelijke groet,\nA. de Vries")
    assert split_questions(letter).questions == [
        "wil ik weten welke gegevens van mij zijn buitgemaakt.",
        "Daarnaast vraag ik mij af of mijn deelname aan het borstkankeronderzoek ook is getroffen.",
        "wie onderzoekt deze zaak?",
    ]
    announced = "Graag ontvang ik antwoord op de volgende vragen: Welke gegevens zijn gestolen? Moet ik iets doen?"
    assert split_questions(announced).questions == ["Welke gegevens zijn gestolen?", "Moet ik iets doen?"]


def test_someone_who_wonders_on_behalf_of_another_asks_a_question():
    text = "Zij vraagt zich af of zij opnieuw een uitstrijkje moet laten maken en of haar verzekering ook is gelekt."
    assert len(split_questions(text).questions) == 2
