"""Messages that arrive together are understood together: one NLU graph run per batch, in a worker thread.

Rasa 3.6 parses every message on its own (``MessageProcessor.parse_message``
runs the NLU graph for a list of one message) on the event loop. Under load
that wastes most of the NLU time on fixed costs per call: a TensorFlow call for
each of the two classifiers, building their inputs, spaCy's network for one
text, the graph runner itself. The graph and every component already take a
list of messages, and the classifiers' networks take a batch.

``ParseBatcher`` queues the messages whose parse is awaited and runs them in
one graph run (at most ``NLU_BATCH_SIZE``) in one worker thread. While a batch
runs, the event loop goes on with other messages (answers, actions, HTTP), and
the messages that arrive meanwhile form the next batch. A message alone (one
user) is parsed at once, as before, only in the worker thread. Each message gets
the same result as alone (``tests/server/test_nlu_batch_server.py``); when a
batch run fails, each of its messages is parsed alone, so one bad message
cannot fail the others.

Only the NLU graph runs in the thread; it reads no tracker (checked at the first
batch: a graph with a node that needs the tracker is parsed one message at a
time). The components run in that one thread only, one batch at a time.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, MutableMapping, Optional, Sequence, Tuple

import settings

logger = logging.getLogger(__name__)

SIZE_VARIABLE = "NLU_BATCH_SIZE"
PLACEHOLDER_MESSAGE = "__message__"
PLACEHOLDER_TRACKER = "__tracker__"

ParseData = Dict[str, Any]


def configured_size(environ: Optional[MutableMapping[str, str]] = None) -> int:
    """The largest batch from ``NLU_BATCH_SIZE`` (1 = Rasa's own parse on the event loop).

    Args:
        environ: Environment to read; ``os.environ`` when None.
    """
    return int(settings.get(SIZE_VARIABLE, environ))


@dataclass(frozen=True)
class ParseRequest:
    """One message to understand.

    Attributes:
        message: Rasa's ``UserMessage``.
        tracker: Its conversation (passed to the graph of a message alone, as Rasa does).
        only_output_properties: Rasa's output mode of the parse.
    """

    message: Any
    tracker: Any
    only_output_properties: bool = True


ParseMany = Callable[[Sequence[ParseRequest]], List[ParseData]]


class ParseBatcher:
    """Queues parse requests and runs them in batches in one worker thread.

    Args:
        parse_many: Parses a batch of requests (in the worker thread); returns one result per request.
        parse_one: Parses one request (in the worker thread); used for a batch that failed.
        max_batch: Most requests per batch.
    """

    def __init__(self, parse_many: ParseMany, parse_one: Callable[[ParseRequest], ParseData],
                 max_batch: int) -> None:
        self._parse_many = parse_many
        self._parse_one = parse_one
        self.max_batch = max(1, max_batch)
        self._pending: List[Tuple[ParseRequest, asyncio.Future]] = []
        self._draining = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu-batch")
        self.batches: List[int] = []  # sizes of the batches run (the last 1000), for tests and logs

    async def parse(self, request: ParseRequest) -> ParseData:
        """The parse of ``request``, from the next batch that takes it.

        Raises:
            Exception: What parsing this message alone raised.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._pending.append((request, future))
        if not self._draining:
            self._draining = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        """Runs batches until no request waits."""
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                live = [(request, future) for request, future in batch if not future.cancelled()]
                if not live:
                    continue
                self.batches.append(len(live))
                del self.batches[:-1000]
                outcomes = await loop.run_in_executor(self._executor, self._run, [r for r, _ in live])
                for (_, future), outcome in zip(live, outcomes, strict=True):
                    if future.done():
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._draining = False

    def _run(self, requests: List[ParseRequest]) -> List[Any]:
        """Parses a batch (worker thread); a failed batch is parsed request by request."""
        if len(requests) > 1:
            try:
                results = self._parse_many(requests)
                if len(results) == len(requests):
                    return results
                logger.warning("NLU batch of %d gave %d results; parsing each alone",
                               len(requests), len(results))
            except Exception:  # noqa: BLE001 - each message is parsed alone below, its own error goes to it
                logger.warning("NLU batch of %d failed; parsing each alone", len(requests), exc_info=True)
        outcomes: List[Any] = []
        for request in requests:
            try:
                outcomes.append(self._parse_one(request))
            except Exception as error:  # noqa: BLE001 - handed to the message's own caller
                outcomes.append(error)
        return outcomes

    def close(self) -> None:
        """Stops the worker thread (after the running batch)."""
        self._executor.shutdown(wait=False)


def graph_reads_tracker(processor: Any) -> bool:
    """Whether a node of the processor's NLU graph takes the tracker (then no batches).

    Args:
        processor: Rasa's ``MessageProcessor``.
    """
    runner = processor.graph_runner
    schema = getattr(runner, "_graph_schema", None)
    if schema is None:
        return True
    nlu = schema.minimal_graph_schema([processor.model_metadata.nlu_target])
    return any(PLACEHOLDER_TRACKER in node.needs.values() for node in nlu.nodes.values())


def parse_many_with_graph(processor: Any, requests: Sequence[ParseRequest],
                          lookup: Callable[[Any, ParseRequest], Optional[ParseData]],
                          remember: Callable[[Any, ParseRequest, ParseData], None]) -> List[ParseData]:
    """Parses several messages in one run of the NLU graph, as Rasa parses each alone.

    Args:
        processor: Rasa's ``MessageProcessor``.
        requests: The messages.
        lookup: A result kept for a request (the parse cache), or None.
        remember: Keeps a new result (the parse cache).

    Returns:
        One parse result per request, in order: the dictionary Rasa's
        ``_parse_message_with_graph`` returns.
    """
    results: List[Optional[ParseData]] = [lookup(processor, request) for request in requests]
    missing = [index for index, result in enumerate(results) if result is None]
    if missing:
        target = processor.model_metadata.nlu_target
        outputs = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: [requests[index].message for index in missing],
                    PLACEHOLDER_TRACKER: requests[missing[0]].tracker},
            targets=[target],
        )[target]
        if len(outputs) != len(missing):
            raise RuntimeError(f"the NLU graph returned {len(outputs)} messages for {len(missing)}")
        for index, parsed in zip(missing, outputs, strict=True):
            request = requests[index]
            parse_data: ParseData = {"text": "", "intent": {"name": None, "confidence": 0.0}, "entities": []}
            parse_data.update(parsed.as_dict(only_output_properties=request.only_output_properties))
            remember(processor, request, parse_data)
            results[index] = parse_data
    return [result for result in results if result is not None]


BatcherFor = Callable[[Any], Optional[ParseBatcher]]
# The batcher of each processor (one per loaded model; None: parsed as Rasa does).
BATCHERS: weakref.WeakKeyDictionary[Any, Optional[ParseBatcher]] = weakref.WeakKeyDictionary()


def batcher_factory(max_batch: int,
                    lookup: Callable[[Any, ParseRequest], Optional[ParseData]],
                    remember: Callable[[Any, ParseRequest, ParseData], None]) -> BatcherFor:
    """One ``ParseBatcher`` per processor (per loaded model), made at its first message.

    Args:
        max_batch: ``NLU_BATCH_SIZE``.
        lookup: The parse cache's lookup (or one that finds nothing).
        remember: The parse cache's store (or one that keeps nothing).

    Returns:
        A function from a processor to its batcher; None for a processor whose NLU
        graph reads the tracker or that parses over HTTP.
    """
    batchers = BATCHERS

    def batcher_for(processor: Any) -> Optional[ParseBatcher]:
        if processor in batchers:
            return batchers[processor]
        batcher: Optional[ParseBatcher] = None
        if not getattr(processor, "http_interpreter", None) and not graph_reads_tracker(processor):
            batcher = ParseBatcher(
                lambda requests: parse_many_with_graph(processor, requests, lookup, remember),
                lambda request: processor._parse_message_with_graph(
                    request.message, request.tracker, request.only_output_properties),
                max_batch)
            weakref.finalize(processor, batcher.close)
        else:
            logger.info("NLU batches off for this model: its graph reads the tracker or parses over HTTP")
        batchers[processor] = batcher
        return batcher

    return batcher_for


def batched_parse_message(original: Callable[..., Awaitable[ParseData]], batcher_for: BatcherFor,
                          finish: Callable[[Any, ParseData], None]) -> Callable[..., Awaitable[ParseData]]:
    """``MessageProcessor.parse_message`` with the graph run in batches.

    Args:
        original: Rasa's ``parse_message`` (used when the processor has no batcher).
        batcher_for: ``batcher_factory``'s function.
        finish: What Rasa's method does after the graph (the full retrieval intent,
            the debug log line, the check for unseen features).

    Returns:
        The replacement method (same signature and result).
    """

    async def parse_message(self: Any, message: Any, tracker: Any = None,
                            only_output_properties: bool = True) -> ParseData:
        batcher = batcher_for(self)
        if batcher is None:
            return await original(self, message, tracker, only_output_properties)
        if tracker is None:
            from rasa.shared.core.trackers import DialogueStateTracker

            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await batcher.parse(ParseRequest(message, tracker, only_output_properties))
        finish(self, parse_data)
        return parse_data

    parse_message.__doc__ = original.__doc__
    parse_message.__wrapped__ = original  # type: ignore[attr-defined]
    return parse_message


def rasa_finish(processor: Any, parse_data: ParseData) -> None:
    """What Rasa 3.6's ``parse_message`` does after the graph, in its order.

    Args:
        processor: Rasa's ``MessageProcessor``.
        parse_data: The parse result (changed in place).
    """
    processor._update_full_retrieval_intent(parse_data)
    if logging.getLogger("rasa.core.processor").isEnabledFor(logging.DEBUG):
        import copy

        import structlog

        structlog.get_logger().debug(
            "processor.message.parse",
            parse_data_text=copy.deepcopy(parse_data["text"]),
            parse_data_intent=parse_data["intent"],
            parse_data_entities=copy.deepcopy(parse_data["entities"]),
        )
    processor._check_for_unseen_features(parse_data)
