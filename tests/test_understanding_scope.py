"""Near misses from word patterns (understanding/scope.py, understanding/data/scope.yml)."""

from __future__ import annotations

import pytest

from scripts.nlu_data import dev_examples, heldout_en_examples, heldout_examples, training_examples
from understanding.scope import SCOPE_FILE, intent_of, load_scope, near_miss


@pytest.mark.parametrize("text, category", [
    ("Was my data also leaked in the Odido hack?", "other_breach"),
    ("bij mijn tandarts is ook iets gelekt, wat moet ik doen", "other_breach"),
    ("hoe staat het aandeel eurofins ervoor na die hack", "company_or_place"),
    ("wordt het morgen mooi weer in rijswijk", "company_or_place"),
    ("wie is er nou schuldig aan dit lek bij het bevolkingsonderzoek, wat vind jij?", "opinion"),
    ("moet de minister niet gewoon aftreden hierom", "opinion"),
    ("ik wil een afspraak maken voor de mammografie", "other_service"),
    ("moet mijn dochter de hpv prik halen", "other_service"),
])
def test_near_misses(text, category):
    assert near_miss(text) == category


@pytest.mark.parametrize("text", [
    "Wat heeft Eurofins ermee te maken?",
    "Waar zit het laboratorium? In Rijswijk?",
    "Is de borstkanker screening ook geraakt door de hack bij het ziekenhuis?",
    "welke partij is gehackt",
    "Vragen ze ooit om mijn pincode of DigiD?",
    "is dit dezelfde eurofins als van de coronatesten",
    "Zijn mijn gegevens bij het lab in Rijswijk gestolen?",
])
def test_questions_about_the_breach_are_not_near_misses(text):
    assert near_miss(text) is None


def test_no_training_or_evaluation_example_of_a_topic_is_taken_for_a_near_miss():
    for source in (training_examples, heldout_examples, heldout_en_examples, dev_examples):
        wrong = [(label, text) for label, text in source()
                 if near_miss(text) and intent_of(near_miss(text)) != label]
        assert not wrong


@pytest.mark.parametrize("text", [
    "ik heb al weken bloedverlies na het vrijen, moet ik me zorgen maken",
    "wat betekent hpv positief op mijn uitslag",
    "My result says HPV positive. What does that mean for me?",
])
def test_medical_questions_go_to_the_gp(text):
    assert near_miss(text) == "medical" and intent_of("medical") == "medical_question"


@pytest.mark.parametrize("text", [
    "mijn uitslag was hpv positief en nu ben ik bang dat iedereen dat kan lezen",
    "het doet pijn om een brief te krijgen voor iemand die er niet meer is",
    "ik heb buikpijn van de stress over dat datalek",
])
def test_worries_about_the_leak_are_not_medical_questions(text):
    assert near_miss(text) != "medical"


def test_the_scope_file_compiles_and_a_broken_one_is_refused(tmp_path):
    in_scope, categories, anywhere = load_scope(SCOPE_FILE)
    assert {"other_breach", "opinion", "medical"} <= set(categories) and anywhere == {"opinion", "medical"}
    broken = tmp_path / "scope.yml"
    broken.write_text("in_scope: ['lab']\ncategories:\n  a: ['(']\n")
    with pytest.raises(ValueError, match="invalid pattern"):
        load_scope(broken)
    unknown = tmp_path / "unknown.yml"
    unknown.write_text("in_scope: ['lab']\nanywhere: [b]\ncategories:\n  a: ['x']\n")
    load_scope.cache_clear()
    with pytest.raises(ValueError, match="unknown category"):
        load_scope(unknown)
