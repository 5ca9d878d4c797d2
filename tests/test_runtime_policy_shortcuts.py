"""runtime/policy_shortcuts.py gives Rasa's own answers, with the project's domain and real trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.policies.memoization import AugmentedMemoizationPolicy, MemoizationPolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import patches, policy_shortcuts
from tests.conftest import user_turn

RASA_PREDICT = patches.original("MemoizationPolicy.predict_action_probabilities")
RASA_IS_EMPTY = patches.original("Domain.is_empty")
SHORTCUT = policy_shortcuts.empty_memo_shortcut(RASA_PREDICT)


def _policy(cls: Any, tmp_path: Path) -> Any:
    return cls(cls.get_default_config(), LocalModelStorage(tmp_path), Resource("memo"),
               ExecutionContext(GraphSchema({}), "test"))


def _trackers(domain: Domain) -> List[DialogueStateTracker]:
    events: List[Any] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    trackers = []
    for index, (intent, text) in enumerate([("greet", "hallo"), ("faq", "wat is er gebeurd"),
                                            ("thanks", "dank je"), ("faq", "is mijn bsn gestolen")]):
        events += [user_turn(intent, text)]
        trackers.append(DialogueStateTracker.from_events(f"s{index}", list(events), domain.slots))
        events += [ActionExecuted("action_answer"), SlotSet("last_topic", "what_happened"),
                   ActionExecuted("action_listen")]
        trackers.append(DialogueStateTracker.from_events(f"t{index}", list(events), domain.slots))
    return trackers


def _same(a: Any, b: Any) -> bool:
    return (a.probabilities, a.policy_name, a.events, a.optional_events, a.is_end_to_end_prediction,
            a.is_no_user_prediction, a.diagnostic_data, a.hide_rule_turn, a.action_metadata) == (
        b.probabilities, b.policy_name, b.events, b.optional_events, b.is_end_to_end_prediction,
        b.is_no_user_prediction, b.diagnostic_data, b.hide_rule_turn, b.action_metadata)


def test_an_empty_memory_predicts_what_rasa_predicts_without_building_states(domain: Domain, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    policy = _policy(MemoizationPolicy, tmp_path)
    assert policy.lookup == {}
    built: List[int] = []
    rasa_states = MemoizationPolicy._prediction_states
    monkeypatch.setattr(MemoizationPolicy, "_prediction_states",
                        lambda self, *a, **k: built.append(1) or rasa_states(self, *a, **k))
    for tracker in _trackers(domain):
        before = len(built)
        assert _same(SHORTCUT(policy, tracker, domain), RASA_PREDICT(policy, tracker, domain))
        assert len(built) == before + 1, "only Rasa's method built states"


def test_a_memory_with_content_is_asked_as_rasa_asks_it(domain: Domain, tmp_path: Path) -> None:
    policy = _policy(MemoizationPolicy, tmp_path)
    for tracker in _trackers(domain):
        key = policy._create_feature_key(policy._prediction_states(tracker, domain))
        policy.lookup = {key: "utter_greet"}
        got, want = SHORTCUT(policy, tracker, domain), RASA_PREDICT(policy, tracker, domain)
        assert _same(got, want)
        assert max(got.probabilities) == 1.0, "the memorised action was predicted"


def test_a_subclass_that_recalls_in_its_own_way_keeps_rasas_method(domain: Domain, tmp_path: Path) -> None:
    policy = _policy(AugmentedMemoizationPolicy, tmp_path)
    for tracker in _trackers(domain):
        assert _same(SHORTCUT(policy, tracker, domain), RASA_PREDICT(policy, tracker, domain))


def test_is_empty_answers_as_rasa(domain: Domain) -> None:
    is_empty = policy_shortcuts.constant_empty_domain(RASA_IS_EMPTY)
    for candidate in (domain, Domain.empty(), Domain.from_dict({"intents": ["greet"]}),
                      Domain.from_dict({"responses": {"utter_x": [{"text": "x"}]}}), Domain.from_dict({})):
        assert is_empty(candidate) is RASA_IS_EMPTY(candidate)
    assert is_empty(Domain.empty()) is True and is_empty(domain) is False
