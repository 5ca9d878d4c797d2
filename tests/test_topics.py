"""Topics, answers, buttons and training data agree with each other."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from actions.flow_validation import unescape_payload
from actions.topics import load_catalogue
from scripts.content_check import variation_language
from scripts.nlu_data import (
    dev_examples,
    heldout_examples,
    leaked_heldout_examples,
    normalise,
    training_examples,
)
from tests.conftest import ROOT

MIN_TRAINING = 20
MIN_HELDOUT = 5


def test_each_topic_has_an_answer_and_each_answer_a_topic(domain):
    topics = set(load_catalogue().topics)
    answers = {name.split("/", 1)[1] for name in domain.responses if name.startswith("utter_faq/")}
    assert topics == answers
    assert len(topics) >= 35


CHOOSE_PAYLOAD_RE = re.compile(r'^/choose\{"([a-z_]+)":"([a-z_0-9]+)"\}$')


def test_every_button_payload_is_a_canonical_question_or_a_choice(domain):
    """Dutch buttons send a canonical question, or one of the next-steps /choose{...} commands."""
    catalogue = load_catalogue()
    questions = {t.question for t in catalogue.topics.values()} | {t.question for t in catalogue.extra.values()}
    for name, variations in domain.responses.items():
        for variation in variations:
            if variation_language(variation) != "nl":
                continue  # the English buttons mirror these (next test)
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
                assert payload in questions, f"{name}: {payload}"


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
                    assert button["payload"] == original["payload"], name
                    continue
                topic = by_question[original["payload"]]
                if topic.question_en:
                    assert button["payload"] == topic.question_en, f"{name}: {button['payload']}"
                else:
                    untranslated.append(topic.key)
                assert button["payload"] != original["payload"], f"{name}: Dutch payload in English"
    if untranslated:
        # topics.yml gets question_en on the branch en-faq; after the merge this runs in full.
        pytest.skip(f"topics.yml has no question_en yet for: {', '.join(sorted(set(untranslated)))}")


def test_canonical_questions_are_training_examples_of_their_topic():
    catalogue = load_catalogue()
    training = set(training_examples())
    for key, topic in catalogue.topics.items():
        assert (f"faq/{key}", topic.question) in training, key
    for intent, topic in catalogue.extra.items():
        assert (intent, topic.question) in training, intent


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


def test_no_training_example_has_two_labels():
    labels_by_text = {}
    for label, text in training_examples():
        labels_by_text.setdefault(normalise(text), set()).add(label)
    conflicts = {text: labels for text, labels in labels_by_text.items() if len(labels) > 1}
    assert not conflicts


def test_readme_lists_every_topic():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
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
