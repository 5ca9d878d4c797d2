"""Remembers the NLU result of recent identical messages (Rasa 3.6 ``MessageProcessor``).

On the day of the news many people send the same text: every button press sends a
canonical question, and short questions repeat word for word. The NLU pipeline is a
third of the server's time per message (bench/results/profile.md) and, in Rasa 3.6,
depends on the message text only (the tracker passed to the graph is not read by
any NLU component), so an identical text gives an identical result.

What is kept, and why it is safe:

* the key is a SHA-256 hash of the (already redacted) text plus the model id, so a
  new model never sees old results, and no text is kept as a key;
* the value is the parse result without its ``text`` and ``message_id``; those are
  put back from the message on a hit. The rest holds intents, scores, the FAQ
  answer chosen and entities from the rule-based components (the language, button
  payload values), never the user's words;
* at most ``PARSE_CACHE_SIZE`` results (default 4096, 0 turns the cache off), the
  least recently used go first; every hit returns a deep copy.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, Hashable, Mapping, Optional, Tuple

import settings

logger = logging.getLogger(__name__)

SIZE_VARIABLE = "PARSE_CACHE_SIZE"
DEFAULT_SIZE = settings.setting(SIZE_VARIABLE).default
MAX_SIZE = settings.setting(SIZE_VARIABLE).high
# Every this many lookups the cache logs its counts ("parse cache: 12 hits, 480 misses");
# 0 (default) never. The benchmark sets 1 and reads the hit rate of each run from the log.
STATS_VARIABLE = "PARSE_CACHE_STATS_EVERY"
STATS_LINE = "parse cache: %d hits, %d misses"
# Taken from the message on every hit, never stored.
PER_MESSAGE_KEYS = ("text", "message_id")


def configured_size(environ: Optional[Mapping[str, str]] = None) -> int:
    """The cache size from ``PARSE_CACHE_SIZE`` (default 4096; 0 = off).

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        A size between 0 and ``MAX_SIZE`` (values outside count as the nearest); the default for a
        value that is not a number (logged).
    """
    return int(settings.get(SIZE_VARIABLE, environ))


def configured_stats_every(environ: Optional[Dict[str, str]] = None) -> int:
    """How often the cache logs its counts, from ``PARSE_CACHE_STATS_EVERY`` (default 0: never).

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        A number of lookups, 0 or more; 0 for a value that is not a whole number (logged).
    """
    return int(settings.get(STATS_VARIABLE, environ))


class ParseCache:
    """A small thread-safe LRU map from a key to a parse result.

    Args:
        size: Most entries kept; 0 keeps nothing.
        stats_every: Log the hit and miss counts every this many lookups (0: never).
    """

    def __init__(self, size: int, stats_every: int = 0) -> None:
        self.size = size
        self.stats_every = stats_every
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Number of results kept."""
        return len(self._entries)

    def get(self, key: Hashable) -> Optional[Dict[str, Any]]:
        """A deep copy of the stored result, or None (counts hits and misses)."""
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
            else:
                self._entries.move_to_end(key)
                self.hits += 1
            if self.stats_every and (self.hits + self.misses) % self.stats_every == 0:
                logger.info(STATS_LINE, self.hits, self.misses)
        return None if value is None else copy.deepcopy(value)

    def put(self, key: Hashable, value: Dict[str, Any]) -> None:
        """Stores a deep copy of a result, dropping the least recently used beyond the size."""
        if self.size <= 0:
            return
        stored = copy.deepcopy(value)
        with self._lock:
            self._entries[key] = stored
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def cache_key(model_id: Optional[str], text: str, only_output_properties: bool) -> Tuple[str, str, bool]:
    """The cache key of a message: model, hash of the text, output mode.

    Args:
        model_id: Id of the loaded model.
        text: The message text (already redacted by the channels).
        only_output_properties: Rasa's output mode of the parse.

    Returns:
        A key that holds no text.
    """
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return (str(model_id), digest, bool(only_output_properties))


def without_message_fields(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    """The parse result without the fields that belong to one message (text, id)."""
    return {key: value for key, value in parse_data.items() if key not in PER_MESSAGE_KEYS}


def lookup(cache: ParseCache, processor: Any, message: Any,
           only_output_properties: bool) -> Optional[Dict[str, Any]]:
    """The kept result of an identical message, with this message's text and id; None if none.

    Args:
        cache: Where results are kept.
        processor: Rasa's ``MessageProcessor`` (its model id is part of the key).
        message: Rasa's ``UserMessage``.
        only_output_properties: Rasa's output mode of the parse.
    """
    text = message.text
    if cache.size <= 0 or not isinstance(text, str) or not text:
        return None
    stored = cache.get(cache_key(getattr(processor.model_metadata, "model_id", None), text,
                                 only_output_properties))
    if stored is not None:
        stored["text"] = text
        if stored.pop("_had_message_id", False):
            stored["message_id"] = message.message_id
    return stored


def remember(cache: ParseCache, processor: Any, message: Any, only_output_properties: bool,
             parse_data: Dict[str, Any]) -> None:
    """Keeps a new parse result (without the message's text and id).

    Args:
        cache: Where results are kept.
        processor: Rasa's ``MessageProcessor``.
        message: Rasa's ``UserMessage`` that was parsed.
        only_output_properties: Rasa's output mode of the parse.
        parse_data: Its result.
    """
    text = message.text
    if cache.size <= 0 or not isinstance(text, str) or not text:
        return
    value = without_message_fields(parse_data)
    value["_had_message_id"] = "message_id" in parse_data
    cache.put(cache_key(getattr(processor.model_metadata, "model_id", None), text, only_output_properties),
              value)


def cached_parse(original: Callable[..., Dict[str, Any]], cache: ParseCache) -> Callable[..., Dict[str, Any]]:
    """Wraps ``MessageProcessor._parse_message_with_graph`` with the cache.

    Args:
        original: Rasa's method.
        cache: Where results are kept.

    Returns:
        The replacement method (same signature).
    """

    def _parse_message_with_graph(self: Any, message: Any, tracker: Any,
                                  only_output_properties: bool = True) -> Dict[str, Any]:
        stored = lookup(cache, self, message, only_output_properties)
        if stored is not None:
            return stored
        parse_data = original(self, message, tracker, only_output_properties)
        remember(cache, self, message, only_output_properties, parse_data)
        return parse_data

    _parse_message_with_graph.__doc__ = original.__doc__
    return _parse_message_with_graph
