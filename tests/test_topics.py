"""Topics, answers, buttons and training data agree with each other."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from actions.flow_validation import unescape_payload
from actions.topics import TOPICS_FILE, Catalogue, load_catalogue
from scripts.nlu_data import (
    TRAINING_DIR_EN,
    dev_examples,
    english_training_examples,
    heldout_examples,
    leaked_heldout_examples,
    normalise,
    read_examples,
    training_examples,
)
from tests.conftest import ROOT
from tests.extract import variation_language

ENGLISH_BUTTONS_FILE = TRAINING_DIR_EN / "faq_buttons.yml"

MIN_TRAINING = 20
MIN_HELDOUT = 5


def test_each_topic_has_an_answer_and_each_answer_a_topic(domain):
    topics = set(load_catalogue().topics)
    answers = {name.split("/", 1)[1] for name in domain.responses if name.startswith("utter_faq/")}
    assert topics == answers
    assert len(topics) >= 35


CHOOSE_PAYLOAD_RE = re.compile(r'^/choose\{"([a-z_]+)":"([a-z_0-9]+)"\}$')


def canonical_questions(catalogue: Catalogue, language: str) -> set:
    """The canonical questions of all topics and extra buttons in one language."""
    entries = list(catalogue.topics.values()) + list(catalogue.extra.values())
    return {entry.question_in(language) for entry in entries}


def test_every_button_payload_is_a_canonical_question_or_a_choice(domain):
    """Buttons send a canonical question of their variation's language, or a /choose{...} command."""
    catalogue = load_catalogue()
    questions = {language: canonical_questions(catalogue, language) for language in ("nl", "en")}
    for name, variations in domain.responses.items():
        for variation in variations:
            language = variation_language(variation)
            for button in variation.get("buttons") or []:
                payload = button["payload"]
                if payload.startswith("{"):
                    continue  # filled from a slot by the fallback action (tested there)
                if payload.startswith("/"):
                    match = CHOOSE_PAYLOAD_RE.match(unescape_payload(payload))
                    assert match, f"{name}: {payload}"
                    entity, value = match.groups()
                    assert entity in domain.entities, f"{name}: {payload}"
                    if entity == "flow":
                        assert value in next(s for s in domain.slots if s.name == "flow").values, payload
                    continue
                assert payload in questions[language], f"{name} ({language}): {payload}"


def test_canonical_questions_are_training_examples_of_their_topic():
    catalogue = load_catalogue()
    training = set(training_examples())
    for key, topic in catalogue.topics.items():
        assert (f"faq/{key}", topic.question) in training, key
    for intent, topic in catalogue.extra.items():
        assert (intent, topic.question) in training, intent


def test_english_canonical_questions_are_the_english_button_examples():
    """data/nlu/en/faq_buttons.yml mirrors data/nlu/faq_buttons.yml with the English questions."""
    catalogue = load_catalogue()
    expected = [(f"faq/{key}", topic.question_en) for key, topic in catalogue.topics.items()]
    expected += [(intent, topic.question_en) for intent, topic in catalogue.extra.items()]
    assert read_examples([ENGLISH_BUTTONS_FILE]) == expected
    assert set(expected) <= set(english_training_examples())


def test_every_topic_has_an_english_title_and_question():
    raw = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    for section in ("topics", "extra_buttons"):
        for key, entry in raw[section].items():
            assert set(entry) >= {"title", "question", "title_en", "question_en"}, f"{section}.{key}"
            assert entry["title_en"].strip() and entry["question_en"].strip(), f"{section}.{key}"
    topic = load_catalogue().topic("which_lab")
    assert (topic.title_en, topic.question_en) == ("Which lab?", "Which laboratory was hacked?")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_canonical_questions_and_titles_are_unique(language):
    catalogue = load_catalogue()
    entries = list(catalogue.topics.values()) + list(catalogue.extra.values())
    questions = [normalise(entry.question_in(language)) for entry in entries]
    titles = [entry.title_in(language) for entry in entries]
    assert len(set(questions)) == len(questions)
    assert len(set(titles)) == len(titles)


def test_topics_give_buttons_in_either_language():
    topic = load_catalogue().topic("what_to_do")
    assert topic.as_button() == {"title": "Wat moet ik doen?", "payload": "Wat moet ik nu doen?"}
    assert topic.as_button("nl") == topic.as_button(None) == topic.as_button("de") == topic.as_button()
    assert topic.as_button("en") == {"title": "What should I do?", "payload": "What should I do now?"}


def test_a_topic_without_its_english_question_is_refused(tmp_path: Path):
    raw = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    del raw["topics"]["eurofins"]["question_en"]
    broken = tmp_path / "topics.yml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="'topics.eurofins' needs question_en"):
        load_catalogue.__wrapped__(broken)


def test_enough_training_and_heldout_examples_per_label(domain):
    train_counts = Counter(label for label, _ in training_examples())
    heldout_counts = Counter(label for label, _ in heldout_examples())
    dev_counts = Counter(label for label, _ in dev_examples())
    declared = [
        intent
        for path in sorted((ROOT / "domain").glob("*.yml"))
        for intent in yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or []
    ]
    labels = {f"faq/{key}" for key in load_catalogue().topics} | (set(declared) - {"faq"})
    for label in labels:
        assert train_counts[label] >= MIN_TRAINING, f"{label}: {train_counts[label]} training examples"
        assert heldout_counts[label] >= MIN_HELDOUT, f"{label}: {heldout_counts[label]} held-out examples"
        assert dev_counts[label] >= MIN_HELDOUT, f"{label}: {dev_counts[label]} dev examples"
    assert set(heldout_counts) <= labels
    assert set(dev_counts) <= labels


def test_heldout_examples_are_never_training_data():
    assert heldout_examples()
    assert dev_examples()
    assert not leaked_heldout_examples()


def test_heldout_and_dev_sets_do_not_overlap():
    dev = {normalise(text) for _, text in dev_examples()}
    assert not [text for _, text in heldout_examples() if normalise(text) in dev]


@pytest.mark.parametrize("examples", [training_examples, english_training_examples], ids=["nl", "en"])
def test_no_training_example_has_two_labels(examples):
    labels_by_text = {}
    for label, text in examples():
        labels_by_text.setdefault(normalise(text), set()).add(label)
    conflicts = {text: labels for text, labels in labels_by_text.items() if len(labels) > 1}
    assert not conflicts


def test_readme_lists_every_topic():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [key for key in load_catalogue().topics if f"`faq/{key}`" not in readme]
    assert not missing
