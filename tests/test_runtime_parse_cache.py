"""The NLU parse cache: identical texts parse once per model; no text is kept."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from runtime import parse_cache, patches
from runtime.parse_cache import ParseCache, cache_key, cached_parse, configured_size


class CountingGraph:
    """Stands in for Rasa's NLU graph run: returns a realistic parse and counts calls."""

    def __init__(self) -> None:
        self.calls: List[str] = []

    def __call__(self, processor: Any, message: UserMessage, tracker: Any,
                 only_output_properties: bool = True) -> Dict[str, Any]:
        self.calls.append(message.text)
        return {
            "text": message.text,
            "message_id": message.message_id,
            "intent": {"name": "faq", "confidence": 0.97},
            "entities": [{"entity": "language", "value": "en", "start": 0, "end": len(message.text)}],
            "intent_ranking": [{"name": "faq", "confidence": 0.97}],
            "response_selector": {"faq": {"response": {"intent_response_key": "faq/what_happened"}}},
        }


def processor(model_id: str = "model-1") -> Any:
    return SimpleNamespace(model_metadata=SimpleNamespace(model_id=model_id))


def message(text: str, message_id: str = "m1") -> UserMessage:
    return UserMessage(text, sender_id="s", message_id=message_id)


def test_an_identical_text_is_parsed_once_and_gets_its_own_text_and_id():
    graph = CountingGraph()
    parse = cached_parse(graph, ParseCache(10))
    first = parse(processor(), message("What happened?", "a"), None)
    second = parse(processor(), message("What happened?", "b"), None)
    assert graph.calls == ["What happened?"]
    assert second == {**first, "message_id": "b"}


def test_other_texts_models_and_output_modes_are_parsed_again():
    graph = CountingGraph()
    parse = cached_parse(graph, ParseCache(10))
    parse(processor(), message("Wat is er gebeurd?"), None)
    parse(processor(), message("Wat is er gebeurd!"), None)
    parse(processor("model-2"), message("Wat is er gebeurd?"), None)
    parse(processor(), message("Wat is er gebeurd?"), None, only_output_properties=False)
    assert len(graph.calls) == 4


def test_changing_a_result_does_not_change_the_cache():
    graph = CountingGraph()
    parse = cached_parse(graph, ParseCache(10))
    first = parse(processor(), message("hallo"), None)
    first["intent"]["name"] = "changed"
    hit = parse(processor(), message("hallo"), None)
    hit["entities"].clear()
    again = parse(processor(), message("hallo"), None)
    assert again["intent"]["name"] == "faq" and again["entities"]
    assert len(graph.calls) == 1


def test_least_recently_used_results_go_first():
    graph = CountingGraph()
    parse = cached_parse(graph, ParseCache(2))
    for text in ("a1", "b1", "a1", "c1", "a1", "b1"):
        parse(processor(), message(text), None)
    # a1 stays (used again), b1 was dropped when c1 came in, so b1 is parsed twice
    assert graph.calls == ["a1", "b1", "c1", "b1"]


def test_size_zero_turns_the_cache_off():
    graph = CountingGraph()
    parse = cached_parse(graph, ParseCache(0))
    parse(processor(), message("x y"), None)
    parse(processor(), message("x y"), None)
    assert graph.calls == ["x y", "x y"]


def test_no_text_is_kept_in_the_cache():
    cache = ParseCache(10)
    parse = cached_parse(CountingGraph(), cache)
    secret = "mijn vraag over de brief van mijn moeder"
    parse(processor(), message(secret), None)
    assert len(cache) == 1
    assert secret not in repr(cache._entries)
    assert cache_key("model-1", secret, True)[1] != secret


@pytest.mark.parametrize("raw,expected", [("", 4096), ("0", 0), ("12", 12), ("-5", 0), ("abc", 4096),
                                          ("999999999", parse_cache.MAX_SIZE)])
def test_size_from_the_environment(raw, expected):
    assert configured_size({"PARSE_CACHE_SIZE": raw}) == expected


@pytest.mark.patches
def test_install_wraps_rasas_processor_once(runtime_changes):
    wrapped = MessageProcessor._parse_message_with_graph
    assert getattr(wrapped, patches.MARKER, False)
    patches.install()
    assert MessageProcessor._parse_message_with_graph is wrapped
