"""runtime/rule_index.py finds the same possible rules as Rasa's ``RulePolicy._get_possible_keys``.

The lookups are the project's own rules (a ``RulePolicy`` trained on ``data/``,
about 5 s) and rules made of random conversations' states; the states are those
of random conversations in the project's domain, of the rules themselves and
hand-made edge cases.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.importers.importer import TrainingDataImporter

from runtime import patches, rule_index
from tests.test_runtime_history_window import DOMAIN, _lookup_from, _rule_policy, conversation, tracker_of

ROOT = Path(__file__).resolve().parent.parent
RASA = patches.original("RulePolicy._get_possible_keys")
INDEXED = rule_index.indexed_possible_keys(RASA)


@pytest.fixture(scope="module")
def project_policy(tmp_path_factory: pytest.TempPathFactory) -> RulePolicy:
    """A ``RulePolicy`` trained on this project's rules, as ``rasa train`` configures it."""
    importer = TrainingDataImporter.load_from_config(str(ROOT / "config.yml"), str(ROOT / "domain.yml"),
                                                     [str(ROOT / "data")])
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0,
                                     remove_duplicates=True).generate()
    policy = RulePolicy.create({**RulePolicy.get_default_config(), "enable_fallback_prediction": True,
                                "check_for_contradictions": False},
                               LocalModelStorage(tmp_path_factory.mktemp("rules")), Resource("rules"),
                               ExecutionContext(GraphSchema({}), "test"))
    policy.train(trackers, domain)
    assert len(policy.lookup[RULES]) > 40 and policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]
    return policy


def _conversation_states(policy: RulePolicy, seeds: range) -> Iterator[List[Dict[str, Any]]]:
    """The states a prediction reads, with text and with intent, after every event of random conversations."""
    for seed in seeds:
        events = conversation(seed, turns=40)
        for end in range(3, len(events), 2):
            tracker = tracker_of(events[:end])
            for use_text in (True, False):
                yield policy._prediction_states(tracker, DOMAIN, use_text,
                                                rule_only_data=policy._get_rule_only_data())


def _rule_states(policy: RulePolicy) -> Iterator[List[Dict[str, Any]]]:
    """Each rule's own states (so every rule matches at least once), and the same with the intent swapped."""
    for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
        for key in policy.lookup[table]:
            states = json.loads(key)
            yield states
            newest = dict(states[-1])
            if "user" in newest:
                newest["user"] = {**newest["user"], "intent": "greet"}
                yield [*states[:-1], newest]


def _compare(policy: RulePolicy, all_states: Iterator[List[Dict[str, Any]]]) -> int:
    """Asserts the same set for every state list and lookup; returns how many sets were not empty."""
    found = 0
    for states in all_states:
        for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
            lookup = policy.lookup[table]
            want = RASA(policy, lookup, states)
            assert INDEXED(policy, lookup, states) == want, (table, states)
            found += bool(want)
    return found


def test_the_project_rules_give_rasas_keys_for_random_conversations(project_policy: RulePolicy) -> None:
    assert _compare(project_policy, _conversation_states(project_policy, range(6))) > 100


def test_the_project_rules_give_rasas_keys_for_their_own_states(project_policy: RulePolicy) -> None:
    # keys with should_not_be_set values or slot lists do not match their own json
    assert _compare(project_policy, _rule_states(project_policy)) > len(project_policy.lookup[RULES]) // 2


@pytest.mark.parametrize("seed", range(4))
def test_rules_made_of_conversation_states_give_rasas_keys(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    policy = _rule_policy(tmp_path, _lookup_from(conversation(200 + seed, turns=60), rng))
    rules = {}
    for states in _conversation_states(policy, range(200 + seed, 201 + seed)):
        if rng.random() < 0.1:  # rules of 1 to 3 of the newest states a prediction read
            rules[json.dumps(states[-rng.randint(1, 3):], sort_keys=True)] = "utter_greet"
    policy.lookup[RULES].update(rules)
    assert _compare(policy, _conversation_states(policy, range(200 + seed, 202 + seed))) > 20


def test_the_index_checks_fewer_rules_than_rasa(project_policy: RulePolicy, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[int] = []
    rasa_check = RulePolicy._is_rule_applicable
    monkeypatch.setattr(RulePolicy, "_is_rule_applicable",
                        lambda self, *args: calls.append(1) or rasa_check(self, *args))
    states = list(_conversation_states(project_policy, range(1)))
    lookup = project_policy.lookup[RULES]
    checks = {}
    for name, method in (("rasa", RASA), ("indexed", INDEXED)):
        calls.clear()
        for one in states:
            method(project_policy, lookup, one)
        checks[name] = len(calls)
    assert checks["indexed"] * 4 < checks["rasa"], checks


def _policy_with(tmp_path: Path, rules: Dict[str, str]) -> RulePolicy:
    return _rule_policy(tmp_path, {RULES: rules, RULES_FOR_LOOP_UNHAPPY_PATH: {}, "rule_only_slots": [],
                                   "rule_only_loops": []})


EDGE_RULES = {
    json.dumps([{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]): "utter_greet",
    json.dumps([{"prev_action": {"action_name": "action_listen"}}]): "utter_any",
    json.dumps([{"prev_action": {"action_name": "action_listen"},
                 "user": {"intent": SHOULD_NOT_BE_SET}}]): "utter_no_intent",
    json.dumps([{"prev_action": {"action_name": SHOULD_NOT_BE_SET}}]): "utter_no_action",
    json.dumps([{"prev_action": {"action_text": "hallo"}}]): "utter_action_text",
    json.dumps([{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]): "utter_start",
    json.dumps([{"user": {"intent": "greet"}}]): "utter_starter",
    json.dumps([{"prev_action": {"action_name": "utter_greet"}, "slots": {"flow": ["x"]}}]): "action_listen",
    json.dumps([]): "utter_empty",
}

EDGE_STATES: List[List[Dict[str, Any]]] = [
    [],
    [{}],
    [{"user": {"intent": "greet"}}],
    [{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}],
    [{"prev_action": {"action_name": "action_listen"}, "user": {"text": "hoi"}}],
    [{"prev_action": {"action_name": "action_listen"}, "user": {"intent": SHOULD_NOT_BE_SET}}],
    [{"prev_action": {"action_name": "action_listen"}}],
    [{"prev_action": {"action_text": "hallo"}}],
    [{"prev_action": {"action_name": "utter_greet"}, "slots": {"flow": ("x",)}}],
    [{"prev_action": {"action_name": "utter_greet"}, "slots": {"flow": ("y",)}}],
    [{"prev_action": {"action_name": SHOULD_NOT_BE_SET}}],
]


def test_edge_cases_give_rasas_keys(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path, dict(EDGE_RULES))
    found = 0
    for states in EDGE_STATES:
        want = RASA(policy, policy.lookup[RULES], states)
        assert INDEXED(policy, policy.lookup[RULES], states) == want, states
        found += len(want)
    assert found > len(EDGE_STATES)


def test_a_changed_lookup_is_indexed_again(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path, {})
    lookup = policy.lookup[RULES]
    states = [{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    assert INDEXED(policy, lookup, states) == set()
    lookup.update(EDGE_RULES)  # the same object, other keys
    assert INDEXED(policy, lookup, states) == RASA(policy, lookup, states) != set()


def test_a_lookup_that_is_not_a_dict_is_left_to_rasa(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path, {})
    keys = list(EDGE_RULES)
    states = [{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    for method in (RASA, INDEXED):
        with pytest.raises(AttributeError, match="keys"):
            method(policy, keys, states)
