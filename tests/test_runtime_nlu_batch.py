"""The batcher of runtime/nlu_batch.py: messages that wait together are parsed together, errors stay with their message.

The parse functions here are stand-ins for the NLU graph (the graph itself is
compared with Rasa's own parse in tests/server/test_nlu_batch_server.py); what
is tested is the batcher: who is parsed with whom, in which thread, and who
gets which result or error.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, List, Sequence

import pytest

from runtime.nlu_batch import ParseBatcher, ParseRequest


class Recorder:
    """Parses a request by upper-casing its text; records batches and threads; fails on demand."""

    def __init__(self, delay_s: float = 0.0, fail_batches: bool = False, bad: str = "") -> None:
        self.delay_s = delay_s
        self.fail_batches = fail_batches
        self.bad = bad
        self.batches: List[List[str]] = []
        self.singles: List[str] = []
        self.threads: set = set()

    def many(self, requests: Sequence[ParseRequest]) -> List[dict]:
        self.threads.add(threading.current_thread().name)
        texts = [request.message for request in requests]
        self.batches.append(texts)
        time.sleep(self.delay_s)
        if self.fail_batches or self.bad in texts:
            raise RuntimeError("batch failed")
        return [{"text": text.upper()} for text in texts]

    def one(self, request: ParseRequest) -> dict:
        self.threads.add(threading.current_thread().name)
        self.singles.append(request.message)
        if request.message == self.bad:
            raise ValueError(f"cannot parse {request.message}")
        return {"text": request.message.upper()}


def _request(text: str) -> ParseRequest:
    return ParseRequest(message=text, tracker=None)


async def _parse_all(batcher: ParseBatcher, texts: Sequence[str]) -> List[Any]:
    return await asyncio.gather(*(batcher.parse(_request(text)) for text in texts), return_exceptions=True)


def test_a_message_alone_is_parsed_alone_in_the_worker_thread() -> None:
    recorder = Recorder()
    batcher = ParseBatcher(recorder.many, recorder.one, max_batch=32)
    result = asyncio.run(_parse_all(batcher, ["hallo"]))
    assert result == [{"text": "HALLO"}]
    assert recorder.singles == ["hallo"] and recorder.batches == []
    assert recorder.threads and all(name.startswith("nlu-batch") for name in recorder.threads)
    assert threading.current_thread().name not in recorder.threads


def test_messages_that_arrive_while_a_batch_runs_form_the_next_batch() -> None:
    recorder = Recorder(delay_s=0.05)
    batcher = ParseBatcher(recorder.many, recorder.one, max_batch=32)

    async def scenario() -> List[Any]:
        first = asyncio.ensure_future(batcher.parse(_request("a")))
        await asyncio.sleep(0.01)  # "a" is running alone now
        later = [asyncio.ensure_future(batcher.parse(_request(text))) for text in "bcdef"]
        return await asyncio.gather(first, *later)

    results = asyncio.run(scenario())
    assert [result["text"] for result in results] == list("ABCDEF")
    assert recorder.singles == ["a"]
    assert recorder.batches == [list("bcdef")]
    assert batcher.batches == [1, 5]


def test_no_batch_is_larger_than_the_limit_and_order_is_kept() -> None:
    recorder = Recorder()
    batcher = ParseBatcher(recorder.many, recorder.one, max_batch=4)
    texts = [f"t{index}" for index in range(10)]
    results = asyncio.run(_parse_all(batcher, texts))
    assert [result["text"] for result in results] == [text.upper() for text in texts]
    assert max(batcher.batches) <= 4 and sum(batcher.batches) == 10
    assert [text for batch in recorder.batches for text in batch] + recorder.singles == texts


def test_a_failed_batch_is_parsed_message_by_message_and_the_error_reaches_only_its_sender() -> None:
    recorder = Recorder(bad="kapot")
    batcher = ParseBatcher(recorder.many, recorder.one, max_batch=8)
    results = asyncio.run(_parse_all(batcher, ["een", "kapot", "drie"]))
    assert results[0] == {"text": "EEN"} and results[2] == {"text": "DRIE"}
    assert isinstance(results[1], ValueError)
    assert recorder.singles == ["een", "kapot", "drie"]


def test_a_batch_with_the_wrong_number_of_results_is_parsed_again_one_by_one() -> None:
    recorder = Recorder()
    batcher = ParseBatcher(lambda requests: recorder.many(requests)[:-1], recorder.one, max_batch=8)
    results = asyncio.run(_parse_all(batcher, ["x", "y", "z"]))
    assert [result["text"] for result in results] == ["X", "Y", "Z"]
    assert recorder.singles == ["x", "y", "z"]


def test_a_cancelled_wait_is_left_out_and_the_batcher_keeps_working() -> None:
    recorder = Recorder(delay_s=0.05)
    batcher = ParseBatcher(recorder.many, recorder.one, max_batch=8)

    async def scenario() -> Any:
        running = asyncio.ensure_future(batcher.parse(_request("eerst")))
        await asyncio.sleep(0.01)
        gone = asyncio.ensure_future(batcher.parse(_request("weg")))
        kept = asyncio.ensure_future(batcher.parse(_request("blijft")))
        await asyncio.sleep(0)
        gone.cancel()
        return await asyncio.gather(running, kept), await batcher.parse(_request("daarna"))

    (first, kept), after = asyncio.run(scenario())
    assert (first["text"], kept["text"], after["text"]) == ("EERST", "BLIJFT", "DAARNA")
    assert "weg" not in recorder.singles + [text for batch in recorder.batches for text in batch]


@pytest.mark.parametrize("size", [1, 2, 32])
def test_every_waiting_message_gets_its_own_result_under_load(size: int) -> None:
    recorder = Recorder(delay_s=0.002)
    batcher = ParseBatcher(recorder.many, recorder.one, max_batch=size)

    async def user(index: int) -> List[str]:
        answers = []
        for turn in range(5):
            result = await batcher.parse(_request(f"u{index}-{turn}"))
            answers.append(result["text"])
        return answers

    async def scenario() -> List[List[str]]:
        return await asyncio.gather(*(user(index) for index in range(20)))

    answers = asyncio.run(scenario())
    assert answers == [[f"U{index}-{turn}" for turn in range(5)] for index in range(20)]
    assert max(batcher.batches) <= size
    if size > 1:
        assert max(batcher.batches) > 1, "concurrent messages were never parsed together"
