"""The lean model load (runtime/model_load.py) predicts exactly what Rasa's own load predicts.

Loads the trained model twice in this process, once as Rasa 3.6 does (one
training step, then the weights) and once without the training step, and
parses every text of the Dutch and English blind test sets and the development
set with both: same intent, same FAQ topic, same confidences.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest

from runtime import model_load
from scripts.nlu_data import dev_examples, heldout_en_examples, heldout_examples
from tests.server.harness import model_path

pytestmark = pytest.mark.server

TOLERANCE = 1e-5


def _summary(parse: Dict[str, Any]) -> Dict[str, Any]:
    faq = (parse.get("response_selector") or {}).get("faq", {}).get("response", {})
    return {
        "intent": parse["intent"]["name"],
        "confidence": parse["intent"]["confidence"],
        "ranking": [(i["name"], i["confidence"]) for i in parse.get("intent_ranking", [])],
        "faq": faq.get("intent_response_key"),
        "faq_confidence": faq.get("confidence", 0.0),
    }


def _parse_all(texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path()))

    async def run() -> List[Dict[str, Any]]:
        return [_summary(await agent.parse_message(text)) for text in texts]

    return asyncio.run(run())


@pytest.fixture(scope="module")
def texts() -> List[str]:
    examples = heldout_examples() + heldout_en_examples() + dev_examples()
    return [text for _, text in examples] + ["", "2", "ja", "🙂", "<script>alert(1)</script>", "x" * 2000]


def _rasa_loaders() -> Dict[str, Any]:
    """Rasa's own load functions, unwrapped if this process installed the patches."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    load = RasaModel.load.__func__
    spacy_load = SpacyNLP.load_model
    return {"load": getattr(load, "__wrapped__", load), "spacy": getattr(spacy_load, "__wrapped__", spacy_load)}


def test_lean_load_predicts_the_same_as_rasas_load(texts: List[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    rasa_own = _rasa_loaders()
    monkeypatch.setattr(RasaModel, "load", classmethod(rasa_own["load"]))
    monkeypatch.setattr(SpacyNLP, "load_model", staticmethod(rasa_own["spacy"]))
    expected = _parse_all(texts)

    lean_calls: List[str] = []

    def counting_lean(cls: Any, *args: Any, **kwargs: Any) -> Any:
        lean_calls.append(cls.__name__)
        return model_load.lean_load(rasa_own["load"])(cls, *args, **kwargs)

    spacy_loads: List[str] = []

    def counting_spacy(name: str) -> Any:
        spacy_loads.append(name)
        return rasa_own["spacy"](name)

    monkeypatch.setattr(RasaModel, "load", classmethod(counting_lean))
    monkeypatch.setattr(SpacyNLP, "load_model", staticmethod(model_load.shared_spacy_model(counting_spacy)))
    actual = _parse_all(texts)

    assert sorted(lean_calls) == ["DIET", "DIET2BOW"]  # DIETClassifier and ResponseSelector
    assert spacy_loads == ["nl_core_news_sm"]  # two SpacyNLP nodes, one pipeline
    assert len(actual) == len(expected) == len(texts) > 700
    for text, got, want in zip(texts, actual, expected, strict=True):
        assert (got["intent"], got["faq"]) == (want["intent"], want["faq"]), text
        assert got["confidence"] == pytest.approx(want["confidence"], abs=TOLERANCE), text
        assert got["faq_confidence"] == pytest.approx(want["faq_confidence"], abs=TOLERANCE), text
        assert [name for name, _ in got["ranking"]] == [name for name, _ in want["ranking"]], text
