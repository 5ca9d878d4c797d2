"""Messages per sender per minute: a token bucket per sender, with a bounded number of buckets.

Every channel hands its messages to ``channels.guard.MessageGuard``, which asks
the process-wide limiter (``shared_limiter``) first; a message over the limit
gets the notice ``limit_texts.RATE_LIMITED`` and is not processed. Buckets are
kept by a hash of the sender id, least recently used first out, so memory stays
bounded however many senders there are; a forgotten sender starts with a full
bucket again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Optional, Tuple

from privacy import settings


class RateLimiter:
    """A token bucket per sender: ``burst`` messages at once, refilled at ``per_minute`` a minute.

    Args:
        per_minute: Messages a sender may send per minute, on average.
        burst: Messages a sender may send at once (the bucket's size).
        max_senders: Buckets kept; beyond it the least recently used is dropped.
        clock: Seconds, monotonic (tests pass their own).
    """

    def __init__(self, per_minute: int, burst: int, max_senders: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1 or burst < 1 or max_senders < 1:
            raise ValueError("per_minute, burst and max_senders must be at least 1")
        self.rate_per_s = per_minute / 60.0
        self.burst = float(burst)
        self.max_senders = max_senders
        self._clock = clock
        self._buckets: OrderedDict[int, Tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many senders' buckets are kept."""
        return len(self._buckets)

    def allow(self, sender_id: str) -> bool:
        """Takes one message from the sender's bucket.

        Args:
            sender_id: The conversation id (a platform pseudonym on messaging channels).

        Returns:
            True when the message may be processed, False when it is over the limit.
        """
        key = hash(sender_id)
        now = self._clock()
        with self._lock:
            tokens, seen = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.rate_per_s)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_senders:
                self._buckets.popitem(last=False)
        return allowed


_shared: Optional[RateLimiter] = None


def shared_limiter() -> RateLimiter:
    """The limiter of this process, made from the settings on first use (``privacy.settings``)."""
    global _shared
    if _shared is None:
        _shared = RateLimiter(settings.rate_limit_per_minute(), settings.rate_limit_burst(),
                              settings.rate_limit_senders())
    return _shared
