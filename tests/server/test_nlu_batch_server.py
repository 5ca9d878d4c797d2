"""Batches understand each message as Rasa 3.6 does alone, and the planned graph runs as dask runs it.

Loads the trained model with the runtime's changes (``runtime/nlu_batch.py``,
``runtime/batch_inference.py``, ``runtime/graph_runner.py``, ``runtime/policy_shortcuts.py``, ``runtime/nlu_shortcuts.py``)
and without any, and parses every text of the Dutch and English blind sets and
the development set: with the changes, 32 at a time concurrently (so in batches
of the NLU graph, with spaCy's ``pipe`` and one network call per batch);
without, one by one with Rasa's own code. Same intent, ranking, FAQ topic and
confidences. Then whole conversations: the same actions predicted with the
planned run as with dask.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Sequence

import pytest

from runtime import nlu_batch
from scripts.nlu_data import dev_examples, heldout_en_examples, heldout_examples
from tests.server.harness import model_path

pytestmark = [pytest.mark.server, pytest.mark.patches]

TOLERANCE = 1e-5
CONCURRENT = 32


def _summary(parse: Dict[str, Any]) -> Dict[str, Any]:
    faq = (parse.get("response_selector") or {}).get("faq", {})
    response = faq.get("response", {})
    return {
        "text": parse.get("text"),
        "intent": parse["intent"]["name"],
        "confidence": parse["intent"]["confidence"],
        "full": parse["intent"].get("full_retrieval_intent_name"),
        "ranking": [(i["name"], i["confidence"]) for i in parse.get("intent_ranking", [])],
        "faq": response.get("intent_response_key"),
        "faq_confidence": response.get("confidence", 0.0),
        "faq_ranking": [(i.get("intent_response_key"), i["confidence"]) for i in faq.get("ranking", [])],
        "entities": [(e["entity"], e["value"]) for e in parse.get("entities", [])],
        "questions": len(parse.get("questions") or []),
    }


def _same(expected: Dict[str, Any], got: Dict[str, Any]) -> bool:
    for key, value in expected.items():
        other = got[key]
        if key in ("confidence", "faq_confidence"):
            if abs(value - other) > TOLERANCE:
                return False
        elif key in ("ranking", "faq_ranking"):
            if [name for name, _ in value] != [name for name, _ in other]:
                return False
            if any(abs(a - b) > TOLERANCE for (_, a), (_, b) in zip(value, other, strict=True)):
                return False
        elif value != other:
            return False
    return True


@pytest.fixture(scope="module")
def texts() -> List[str]:
    examples = heldout_examples() + heldout_en_examples() + dev_examples()
    extra = ["", "2", "ja", "🙂", "<script>alert(1)</script>", "x" * 2000, "/greet",
             "Is mijn BSN gestolen? En wat moet ik met de brief?", "Hallo. Ik ben bang. Wat is er gebeurd?"]
    return [text for _, text in examples] + extra


def _load_agent() -> Any:
    from rasa.core.agent import Agent

    return Agent.load(str(model_path()))


async def _parse_concurrently(agent: Any, texts: Sequence[str]) -> List[Dict[str, Any]]:
    results: List[Dict[str, Any]] = []
    for start in range(0, len(texts), CONCURRENT):
        chunk = texts[start:start + CONCURRENT]
        results += await asyncio.gather(*(agent.parse_message(text) for text in chunk))
    return results


def test_batched_parses_equal_rasas_own_one_by_one(runtime_changes: Any, texts: List[str]) -> None:
    agent = _load_agent()
    got = [_summary(parse) for parse in asyncio.run(_parse_concurrently(agent, texts))]
    batcher = nlu_batch.BATCHERS.get(agent.processor)
    assert batcher is not None, "the batched parse was not used"
    assert max(batcher.batches) > 1, "no batch of more than one message ran"
    assert sum(batcher.batches) == len(texts)

    runtime_changes.uninstall()
    stock = _load_agent()

    async def one_by_one() -> List[Dict[str, Any]]:
        return [_summary(await stock.parse_message(text)) for text in texts]

    expected = asyncio.run(one_by_one())
    differences = [(text, want, have) for text, want, have in zip(texts, expected, got, strict=True)
                   if not _same(want, have)]
    assert not differences, f"{len(differences)} of {len(texts)} differ, e.g. {differences[:3]}"


CONVERSATION = ["Hallo", "Wat is er gebeurd?", "Is mijn BSN gestolen?", "Ik heb een sms gekregen, is die echt?",
                "Ik wil een klacht indienen", "nee", "Hoe lang duurt het onderzoek?", "bedankt", "doei"]


def test_the_planned_run_predicts_what_dask_predicts_turn_by_turn(runtime_changes: Any) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.engine.runner.dask import DaskGraphRunner

    agent = _load_agent()
    processor = agent.processor
    runner = processor.graph_runner
    planned, dask_run = DaskGraphRunner.run, runtime_changes.original("DaskGraphRunner.run")
    assert planned is not dask_run
    compared = 0

    async def conversation() -> None:
        nonlocal compared
        for turn, text in enumerate(CONVERSATION * 2):
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), "graph-runner-test"))
            tracker = await processor.tracker_store.retrieve("graph-runner-test")
            target = processor.model_metadata.core_target
            want = dask_run(runner, inputs={"__tracker__": tracker}, targets=[target])[target]
            have = planned(runner, inputs={"__tracker__": tracker}, targets=[target])[target]
            assert (have.policy_name, have.max_confidence_index, have.events, have.is_end_to_end_prediction) == (
                want.policy_name, want.max_confidence_index, want.events, want.is_end_to_end_prediction), turn
            assert have.probabilities == pytest.approx(want.probabilities)
            compared += 1
            nlu = processor.model_metadata.nlu_target
            message = UserMessage(text, sender_id="graph-runner-test")
            parsed_want = dask_run(runner, inputs={"__message__": [message], "__tracker__": tracker},
                                   targets=[nlu])[nlu][0].as_dict()
            parsed_have = planned(runner, inputs={"__message__": [message], "__tracker__": tracker},
                                  targets=[nlu])[nlu][0].as_dict()
            assert _same(_summary({"entities": [], **parsed_want}), _summary({"entities": [], **parsed_have}))

    asyncio.run(conversation())
    assert compared == len(CONVERSATION) * 2


def test_the_planned_run_raises_as_rasas_runner(runtime_changes: Any) -> None:
    from rasa.engine.exceptions import GraphComponentException, GraphRunError

    agent = _load_agent()
    runner = agent.processor.graph_runner
    nlu = agent.processor.model_metadata.nlu_target
    with pytest.raises(GraphRunError, match="clashes"):
        runner.run(inputs={"__message__": nlu}, targets=[nlu])
    with pytest.raises(GraphComponentException):
        runner.run(inputs={"__message__": [object()]}, targets=[nlu])
