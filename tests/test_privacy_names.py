"""Names: after cues, titles and closings, initials, listed first names; and the words that are no name."""

from __future__ import annotations

import pytest

from privacy.detect import NAME, find_personal_data
from privacy.redact import redact


def names(text):
    return [text[s.start:s.end] for s in find_personal_data(text) if s.kind == NAME]


@pytest.mark.parametrize("text, name", [
    ("ik heet jan de vries en ik wil iets weten", "jan de vries"),
    ("Mijn naam is Anna Bakker, heb ik een brief?", "Anna Bakker"),
    ("mijn naam is: Johanna Hendriks", "Johanna Hendriks"),
    ("Ik ben Piet Jansen uit Delft", "Piet Jansen"),
    ("ik ben jan, moet ik iets doen?", "jan"),
    ("Ik ben Sophie 't Hart", "Sophie 't Hart"),
    ("Ik ben Gerda Veenstra-Bos.", "Gerda Veenstra-Bos"),
    ("mijn vrouw heet Marga", "Marga"),
    ("My name is Emma Wilson, am I affected?", "Emma Wilson"),
    ("Hi, I'm Jessica.", "Jessica"),
    ("Ik bel namens mevrouw De Boer", "De Boer"),
    ("mevr. Bakker heeft een brief", "Bakker"),
    ("De heer Van der Meer heeft gebeld", "Van der Meer"),
    ("meneer de Jong vraagt het", "de Jong"),
    ("mevrouw jansen vraagt het", "jansen"),
    ("mevrouw K. heeft geen brief", "K."),
    ("Met vriendelijke groet,\nAnna de Boer", "Anna de Boer"),
    ("Groetjes, Fatima", "Fatima"),
    ("bedankt! mvg jan", "jan"),
    ("groetjes fatima", "fatima"),
    ("Hoogachtend,\nDrs. H.W. Zijlstra", "H.W. Zijlstra"),
    ("Groeten uit Zwolle, Ellie", "Ellie"),
    ("Thanks, Sarah", "Sarah"),
    ("A.M. de Vries heeft een brief ontvangen", "A.M. de Vries"),
    ("Brief voor J. Jansen ontvangen", "J. Jansen"),
    ("Met vriendelijke groet,\nJ. van D.", "J. van D."),
    ("Is Eva de Wit ook getroffen?", "Eva de Wit"),
    ("Mijn dochter Lisa heeft ook meegedaan", "Lisa"),
    ("Goedemiddag, met Annemiek de Bruin", "Annemiek de Bruin"),
    ("Hello, this is Grace O'Connor", "Grace O'Connor"),
])
def test_names_are_found(text, name):
    assert name in " | ".join(names(text)), names(text)


def test_two_names_under_one_letter():
    assert names("Met vriendelijke groet,\nHenk en Ria Visser") == ["Henk", "Ria Visser"]


def test_the_rest_of_the_sentence_stays():
    assert redact("ik heet jan de vries en ik wil weten of ik getroffen ben").text == (
        "ik heet [NAME] en ik wil weten of ik getroffen ben")
    assert redact("Ik ben Piet Jansen uit Delft").text == "Ik ben [NAME] uit Delft"


@pytest.mark.parametrize("text", [
    "ik ben bang", "ik ben boos", "ik ben 45", "Ik ben ongerust", "ik ben het niet eens",
    "ik ben mijn brief kwijt", "ik ben zwanger", "I am worried", "I'm not sure", "I am Dutch",
    "Ik ben Nederlandse", "ik ben slachtoffer van de hack", "Ik ben Eurofins klant",
    "er is een lening op mijn naam is afgesloten", "mijn naam is misbruikt", "mijn naam is een telefoon",
    "Geachte heer/mevrouw,", "mevrouw of meneer", "een mevrouw die zei", "groetjes en een fijne dag",
    "Groeten uit Rijswijk", "Met vriendelijke groet,\neen oudere deelneemster", "bedankt voor de uitleg",
    "thanks a lot", "cheers mate", "gr b", "Wil je me helpen?", "Ben ik getroffen?",
    "Wat doet het Ministerie van Volksgezondheid?", "N.B. Dit is belangrijk", "vitamine D. Ik weet het niet",
    "Is Eurofins B.V. de eigenaar?",
])
def test_words_that_are_no_name_stay(text):
    assert find_personal_data(text) == [], text


def test_placeholders_are_not_read_as_names():
    for text in ("Mijn naam is [NAME]", "Met vriendelijke groet,\n[NAME]", "mevrouw [NAME] woont op [ADDRESS]"):
        assert redact(text).text == text
