"""The prebuilt validator of action-server answers accepts and rejects exactly as Rasa's own check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from runtime import patches, validation

VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "flow", "value": None, "timestamp": None}],
     "responses": [{"response": "utter_guidance_links", "links": "x"}]},
    {"events": [{"event": "slot", "name": "fallback_stage", "value": "suggest"},
                {"event": "followup", "name": "action_listen"},
                {"event": "active_loop", "name": None},
                {"event": "bot", "text": "hoi", "data": {}, "metadata": {}}],
     "responses": [{"text": "a", "buttons": [{"title": "b", "payload": "/c"}]}]},
]
INVALID = [
    None,
    [],
    "text",
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": "slot", "value": 1}]},  # SlotSet without name
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "a", "value": 1, "timestamp": "yesterday"}]},
    {"events": [], "responses": [["not an object"]]},
    {"events": [{"event": "entities"}]},
]


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    return RemoteAction("action_share_guidance", None)


def stock_outcome(action, result):
    try:
        return patches.original("RemoteAction._validate_action_result")(action, result)
    except ValidationError as error:
        return (type(error), error.message, list(error.path), list(error.schema_path))


def patched_outcome(action, result):
    try:
        return validation.validate_action_result(action, result)
    except ValidationError as error:
        return (type(error), error.message, list(error.path), list(error.schema_path))


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_are_accepted(action, result):
    assert validation.validate_action_result(action, result) is True
    assert stock_outcome(action, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_are_rejected_with_the_same_error_as_stock_rasa(action, result):
    with pytest.raises(ValidationError) as raised:
        validation.validate_action_result(action, result)
    assert "Failed to validate Action server response from API" in raised.value.message
    assert patched_outcome(action, result) == stock_outcome(action, result)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
events = st.fixed_dictionaries(
    {"event": st.sampled_from(["slot", "bot", "action", "user", "followup", "active_loop", "x", "entities"])},
    optional={"name": st.none() | st.text(max_size=5) | st.integers(), "value": json_values,
              "timestamp": st.none() | st.floats(allow_nan=False) | st.text(max_size=3),
              "entities": json_values, "metadata": json_values},
)
answers = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"events": st.lists(events, max_size=3) | json_values,
                                        "responses": st.lists(json_values, max_size=2) | json_values}),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(answers)
def test_any_answer_gets_the_same_verdict_and_error_as_stock_rasa(answer):
    action = RemoteAction("action_x", None)
    assert patched_outcome(action, answer) == stock_outcome(action, answer)


def test_the_validator_is_built_once_per_action_class(action):
    assert validation.validator_for(RemoteAction) is validation.validator_for(RemoteAction)
