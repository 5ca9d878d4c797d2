"""Topics, answers, buttons and training data agree with each other."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from actions.flow_validation import unescape_payload
from actions.topics import TOPICS_FILE, Catalogue, load_catalogue
from channels.responses import expand_placeholders, placeholder_values
from scripts.nlu_data import (
    ENGLISH_TRAINING_DIR,
    dev_examples,
    dutch_training_examples,
    english_training_examples,
    heldout_en_examples,
    heldout_examples,
    leaked_heldout_examples,
    normalise,
    read_examples,
    training_examples,
)
from tests.conftest import ROOT
from tests.extract import variation_language

ENGLISH_BUTTONS_FILE = ENGLISH_TRAINING_DIR / "faq_buttons.yml"

MIN_TRAINING = 20
MIN_HELDOUT = 5
# Fewest training examples of a label in each language (the feedback reasons are short lists).
MIN_TRAINING_PER_LANGUAGE = 12
# Intents added with the English version that the Dutch test and dev sets do not
# have yet. The lead adds them to those sets (helpers may not read them) and then
# empties this set.


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
    """Buttons send a canonical question, a next-steps /choose{...} or another known command."""
    catalogue = load_catalogue()
    questions = {language: canonical_questions(catalogue, language) for language in ("nl", "en")}
    for name, variations in domain.responses.items():
        for variation in variations:
            language = variation_language(variation)
            for button in variation.get("buttons") or []:
                payload = button["payload"]
                if payload.startswith("{"):
                    continue  # filled from a slot by the fallback action (tested there)
                if payload.startswith("/choose"):
                    match = CHOOSE_PAYLOAD_RE.match(unescape_payload(payload))
                    assert match, f"{name}: {payload}"
                    entity, value = match.groups()
                    assert entity in domain.entities, f"{name}: {payload}"
                    if entity == "flow":
                        assert value in next(s for s in domain.slots if s.name == "flow").values, payload
                    continue
                if payload.startswith("/"):
                    commands = expand_placeholders(unescape_payload(payload), placeholder_values(domain))
                    assert commands, f"{name}: {payload}"
                    for command in commands:
                        message = YAMLStoryReader.unpack_regex_message(Message(data={"text": command}), domain)
                        assert message.get("intent")["name"] in domain.intents, command
                        entities = message.get("entities") or []
                        assert {e["entity"] for e in entities} <= set(domain.entities), command
                        assert len(entities) == command.count(":"), command
                    continue
                assert payload in questions[language], f"{name} ({language}): {payload}"


def test_english_buttons_send_the_english_question_of_the_same_topic(domain):
    """Button i of an English variation sends the ``question_en`` of the topic of Dutch button i."""
    catalogue = load_catalogue()
    by_question = {t.question: t for t in [*catalogue.topics.values(), *catalogue.extra.values()]}
    untranslated = []
    for name, variations in domain.responses.items():
        dutch = [v for v in variations if variation_language(v) == "nl"]
        for variation in (v for v in variations if variation_language(v) == "en"):
            pairs = zip(dutch[0].get("buttons") or [], variation.get("buttons") or [], strict=True)
            for original, button in pairs:
                if original["payload"].startswith(("/", "{")):
                    # The language buttons offer the other language, so they differ on purpose.
                    if not original["payload"].startswith("/change_language"):
                        assert button["payload"] == original["payload"], name
                    continue
                topic = by_question[original["payload"]]
                if topic.question_en:
                    assert button["payload"] == topic.question_en, f"{name}: {button['payload']}"
                else:
                    untranslated.append(topic.key)
                assert button["payload"] != original["payload"], f"{name}: Dutch payload in English"
    # Every topic behind an English button has its English question (topics.yml question_en).
    assert not untranslated, f"topics.yml has no question_en for: {', '.join(sorted(set(untranslated)))}"


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




def test_enough_training_and_heldout_examples_per_label(domain):
    train_counts = Counter(label for label, _ in training_examples())
    heldout_counts = Counter(label for label, _ in heldout_examples())
    dev_counts = Counter(label for label, _ in dev_examples())
    declared = [
        intent
        for intent in yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")).get("intents") or []
    ]
    labels = {f"faq/{key}" for key in load_catalogue().topics} | (set(declared) - {"faq"})
    for label in labels:
        assert train_counts[label] >= MIN_TRAINING, f"{label}: {train_counts[label]} training examples"
        assert heldout_counts[label] >= MIN_HELDOUT, f"{label}: {heldout_counts[label]} held-out examples"
        assert dev_counts[label] >= MIN_HELDOUT, f"{label}: {dev_counts[label]} dev examples"
    assert set(heldout_counts) <= labels
    assert set(dev_counts) <= labels


def test_english_heldout_set_has_every_dutch_heldout_label_and_change_language():
    """tests/nlu_heldout_en: the labels of the Dutch held-out set (choose included) plus change_language."""
    dutch_labels = {label for label, _ in heldout_examples()}
    english_counts = Counter(label for label, _ in heldout_en_examples())
    assert set(english_counts) == dutch_labels | {"change_language"}
    too_few = {label: count for label, count in english_counts.items() if count < MIN_HELDOUT}
    assert not too_few


def test_heldout_examples_are_never_training_data():
    """No Dutch or English test or dev example is in data/nlu/** (any language, normalised)."""
    assert heldout_examples()
    assert dev_examples()
    assert heldout_en_examples()
    assert not leaked_heldout_examples()


def test_heldout_and_dev_sets_do_not_overlap():
    dev = {normalise(text) for _, text in dev_examples()}
    assert not [text for _, text in heldout_examples() if normalise(text) in dev]


def test_both_languages_have_training_examples_for_every_label():
    dutch = Counter(label for label, _ in dutch_training_examples())
    english = Counter(label for label, _ in english_training_examples())
    assert set(dutch) == set(english)
    for label in dutch:
        assert dutch[label] >= MIN_TRAINING_PER_LANGUAGE, f"{label}: {dutch[label]} Dutch examples"
        assert english[label] >= MIN_TRAINING_PER_LANGUAGE, f"{label}: {english[label]} English examples"


def test_no_training_example_occurs_twice():
    """Not in one file, not in two files, not in two languages (compared normalised)."""
    counts = Counter(normalise(text) for _, text in training_examples())
    assert not [text for text, count in counts.items() if count > 1]


@pytest.mark.parametrize("examples", [dutch_training_examples, english_training_examples], ids=["nl", "en"])
def test_no_training_example_has_two_labels(examples):
    labels_by_text = {}
    for label, text in examples():
        labels_by_text.setdefault(normalise(text), set()).add(label)
    conflicts = {text: labels for text, labels in labels_by_text.items() if len(labels) > 1}
    assert not conflicts


def test_the_docs_list_every_topic():
    readme = (ROOT / "docs" / "topics.md").read_text(encoding="utf-8")
    missing = [key for key in load_catalogue().topics if f"`faq/{key}`" not in readme]
    assert not missing


def test_english_title_and_question_fall_back_to_dutch():
    from actions.topics import Topic
    both = Topic("which_lab", "Welk lab?", "Welk laboratorium is gehackt?", "Which lab?", "Which lab was hacked?")
    dutch_only = Topic("which_lab", "Welk lab?", "Welk laboratorium is gehackt?")
    assert both.as_button("en") == {"title": "Which lab?", "payload": "Which lab was hacked?"}
    assert both.as_button() == {"title": "Welk lab?", "payload": "Welk laboratorium is gehackt?"}
    assert dutch_only.as_button("en") == dutch_only.as_button("nl")
    assert (both.title_in("de"), both.question_in("de")) == (both.title, both.question)
