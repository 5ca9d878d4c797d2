"""The component that keeps FAQ answer texts out of NLU training (nlu_components/response_keys.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.response_keys import ResponseKeys, use_response_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def training_data():
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")])
    return importer.get_nlu_data()


def _component() -> ResponseKeys:
    return ResponseKeys.create({}, None, None, None)  # type: ignore[arg-type]


def test_rasa_copies_answer_texts_into_faq_examples(training_data):
    # What the component is for: without it, every FAQ example carries a whole answer.
    faq = [m for m in training_data.training_examples if m.get(INTENT_RESPONSE_KEY)]
    assert len(faq) > 1000
    assert all(len(m.get(RESPONSE).split()) > 10 for m in faq)


def test_faq_examples_get_their_answer_key_and_keep_their_text(training_data):
    before = {id(m): (m.get(TEXT), m.get(INTENT), m.get(INTENT_RESPONSE_KEY))
              for m in training_data.training_examples}
    faq_count = sum(1 for m in training_data.training_examples if m.get(INTENT_RESPONSE_KEY))
    result = _component().process_training_data(training_data)
    assert result is training_data
    changed = 0
    for message in training_data.training_examples:
        text, intent, key = before[id(message)]
        assert (message.get(TEXT), message.get(INTENT), message.get(INTENT_RESPONSE_KEY)) == (text, intent, key)
        if key:
            assert message.get(RESPONSE) == f"utter_{key}"
            assert key.split("/")[0] in training_data.retrieval_intents  # e.g. "faq/which_lab"
            changed += 1
        else:
            assert message.get(RESPONSE) is None
    assert changed == faq_count
    # The answers themselves stay available to the ResponseSelector and the domain.
    assert all(training_data.responses[f"utter_{m.get(INTENT_RESPONSE_KEY)}"]
               for m in training_data.training_examples if m.get(INTENT_RESPONSE_KEY))


def test_examples_of_other_intents_and_messages_at_run_time_are_left_alone():
    greet = Message(data={TEXT: "hallo", INTENT: "greet"})
    assert not use_response_key(greet)
    assert greet.data == {TEXT: "hallo", INTENT: "greet"}
    incoming = Message(data={TEXT: "Wat is er gebeurd?"})
    assert _component().process([incoming]) == [incoming]
    assert incoming.data == {TEXT: "Wat is er gebeurd?"}


def test_it_runs_first_and_the_response_selector_learns_keys_not_texts():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    assert pipeline[0]["name"] == "nlu_components.response_keys.ResponseKeys"
    selectors = [c for c in pipeline if c["name"] == "ResponseSelector"]
    assert selectors and all(not c.get("use_text_as_label", False) for c in selectors)
