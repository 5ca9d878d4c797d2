"""Finding the separate questions in one message (understanding/questions.py)."""

from __future__ import annotations

import pytest

from understanding.questions import is_dependent, is_question, split_questions, words_of


@pytest.mark.parametrize("text, expected", [
    ("is mijn uitslag nog goed en moet ik iets doen met mijn bsn?",
     ["is mijn uitslag nog goed", "moet ik iets doen met mijn bsn?"]),
    ("welk lab was het, en zijn mijn mailadres en telefoon ook weg?",
     ["welk lab was het", "zijn mijn mailadres en telefoon ook weg?"]),
    ("wat is er gebeurd en hoeveel mensen zijn getroffen",
     ["wat is er gebeurd", "hoeveel mensen zijn getroffen"]),
    ("Wanneer was de hack? Welk lab was het?", ["Wanneer was de hack?", "Welk lab was het?"]),
    ("wat moet ik doen? en is mijn bsn gelekt?", ["wat moet ik doen?", "is mijn bsn gelekt?"]),
    ("1) is mijn adres gelekt\n2) mijn uitslag\n3) mijn telefoonnummer",
     ["is mijn adres gelekt", "is mijn uitslag gelekt", "is mijn telefoonnummer gelekt"]),
    ("1 kan ik mijn bsn veranderen\n2 moet ik aangifte doen",
     ["kan ik mijn bsn veranderen", "moet ik aangifte doen"]),
    ("what happened and which data was stolen?", ["what happened", "which data was stolen?"]),
])
def test_several_questions_are_found_in_order(text, expected):
    split = split_questions(text)
    assert split.is_split
    assert split.questions == expected


@pytest.mark.parametrize("text", [
    "zijn mijn naam en adres gelekt?",
    "naam en adres",
    "kan ik mijn bsn en mijn adres laten wijzigen",
    "hoe en wanneer hoor ik het",
    "ik wil weten welke gegevens dat lab precies van mij heeft, kan dat?",
    "heb vorig jaar ook dat poepbuisje voor darmkanker opgestuurd, zit dat er ook in",
    "is mijn uitslag gelekt? kan dat?",
    "Are my name and address included?",
])
def test_one_question_with_en_or_a_back_reference_stays_whole(text):
    split = split_questions(text)
    assert not split.is_split, split.questions
    assert split.questions == [text.strip()]


def test_context_sentences_stay_with_the_question_after_them():
    text = "Ik heb een sms gekregen van de overheid. Is die echt? Ik vertrouw het niet."
    assert split_questions(text).questions == [text]


def test_a_long_letter_with_one_question_is_one_question():
    text = ("Geachte heer/mevrouw,\n\nIk heb uw brief ontvangen over het datalek. Ik maak mij grote zorgen.\n"
            "Wat moet ik precies doen?\n\nMet vriendelijke groet")
    split = split_questions(text)
    assert not split.is_split
    assert "Wat moet ik precies doen?" in split.questions[0]


def test_empty_and_questionless_messages():
    assert split_questions("").questions == []
    assert split_questions("   ").questions == []
    assert split_questions("ik heb een brief gekregen.").questions == ["ik heb een brief gekregen."]


def test_repeated_questions_count_once():
    assert split_questions("wat is er gebeurd? wat is er gebeurd?").questions == ["wat is er gebeurd?"]


@pytest.mark.parametrize("sentence, expected", [
    ("wat is er gebeurd", True), ("Ik wil weten of mijn uitslag klopt.", True), ("moet ik iets doen", True),
    ("ik heb een brief", False), ("dank je wel", False), ("is het", False),
])
def test_is_question(sentence, expected):
    assert is_question(sentence) is expected


def test_is_dependent_only_for_short_back_references():
    assert is_dependent(words_of("kan dat?"))
    assert is_dependent(words_of("zit dat er ook in"))
    assert not is_dependent(words_of("wat betekent dat voor mij"))
    assert not is_dependent(words_of("moet ik aangifte doen"))


def test_a_question_after_much_context_is_also_given_alone():
    letter = ("Geachte heer/mevrouw,\n\nIk heb uw brief ontvangen over het datalek. Ik maak mij grote zorgen "
              "over mijn gegevens en die van mijn dochter.\nWat moet ik precies doen?\n\nMet vriendelijke groet")
    assert split_questions(letter).focus == "Wat moet ik precies doen?"
    assert split_questions("Ik heb een sms gekregen. Is die echt?").focus is None
    assert split_questions("wat is er gebeurd en hoeveel mensen zijn getroffen").focus is None


@pytest.mark.parametrize("text", [
    "zijn jullie eigen computers wel veilig of zitten die hackers daar ook in",
    "ik heb in juli een zelftest opgestuurd, is die uitslag nog betrouwbaar nu",
    "mijn zus kreeg een andere brief dan ik, hoe kan dat nou?",
])
def test_alternatives_context_and_rhetorical_questions_stay_one_question(text):
    assert not split_questions(text).is_split


def test_a_rhetorical_question_is_no_question_but_the_real_one_after_it_is():
    split = split_questions("This is outrageous. How could you let this happen?! Who is investigating?")
    assert not split.is_split and split.focus == "Who is investigating?"
    assert not is_question("hoe kan dat nou?")
    assert split_questions("moet ik aangifte doen of wat moet ik doen").questions == [
        "moet ik aangifte doen", "wat moet ik doen"]


@pytest.mark.parametrize("text, expected", [
    # a noun phrase alone asks the question before it about itself
    ("welke data is gestolen, is mijn uitslag erbij, en mijn mail?",
     ["welke data is gestolen", "is mijn uitslag erbij", "is mijn mail erbij"]),
    # "moet ik X of Y" with two things to do asks both
    ("moet ik nu aangifte doen of mijn bsn laten veranderen",
     ["moet ik nu aangifte doen", "moet ik mijn bsn laten veranderen"]),
    ("zo veel vragen. is mijn uitslag gelekt? zo ja, moet ik opnieuw testen?",
     ["zo veel vragen. is mijn uitslag gelekt?", "moet ik opnieuw testen?"]),
    # a part that points back with "die" gets the noun phrase before; "die test", "die hij" do not
    ("of mn bsn gelekt is en of ik die moet wijzigen", ["mn bsn gelekt is", "ik mn bsn moet wijzigen"]),
    ("is mijn uitslag gelekt? en moet ik die test opnieuw doen?",
     ["is mijn uitslag gelekt?", "moet ik die test opnieuw doen?"]),
    # one question, two ways: stays whole
    ("moet ik opnieuw testen of niet", ["moet ik opnieuw testen of niet"]),
    ("zijn ze veilig of zitten de hackers erin?", ["zijn ze veilig of zitten de hackers erin?"]),
])
def test_elliptic_parts_alternatives_and_conditions(text, expected):
    assert split_questions(text).questions == expected
