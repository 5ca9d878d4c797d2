"""At most a few messages in progress per server process; the others wait their turn in arrival order.

Under a spike, a Rasa server without a limit starts every arriving message at
once. Whenever one of them waits for I/O (the action server, the tracker or lock
store), it queues again behind all the others on the event loop, so a message
that waits twice (a form step: the action server, then the answer) takes about
twice as long as one that does not: at 50 concurrent users the p95 latency was
2.2 times the median (README, "Speed and memory"). With a limit, a message
that waits for I/O resumes behind at most the few others in progress, and the
queue in front of the limit is served first come, first served, so every
message waits about the same time. The total work is the same.

``MAX_CONCURRENT_MESSAGES`` sets the limit per process (default
``DEFAULT_LIMIT``; 0 turns it off). The limit sits inside the conversation
lock (it wraps ``MessageProcessor.handle_message``), so a message that waits for
its conversation's lock does not hold a place; every holder of a place already
holds its lock and can finish, so the two never wait for each other.
"""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from typing import Any, Awaitable, Callable, Mapping, Optional, TypeVar

logger = logging.getLogger(__name__)

LIMIT_VARIABLE = "MAX_CONCURRENT_MESSAGES"
DEFAULT_LIMIT = 4
MAX_LIMIT = 1000

Result = TypeVar("Result")
HandleMessage = Callable[..., Awaitable[Any]]


def configured_limit(environ: Optional[Mapping[str, str]] = None) -> int:
    """The limit from ``MAX_CONCURRENT_MESSAGES`` (default ``DEFAULT_LIMIT``; 0 = no limit).

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        A whole number between 0 and ``MAX_LIMIT``; the default for a value that is not one.
    """
    raw = (os.environ if environ is None else environ).get(LIMIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_LIMIT:
        logger.warning("%s=%r is not a whole number from 0 to %d; using %d",
                       LIMIT_VARIABLE, raw, MAX_LIMIT, DEFAULT_LIMIT)
        return DEFAULT_LIMIT
    return value


class Admission:
    """A first-come, first-served limit on work in progress, one per event loop.

    Args:
        limit: How many may be in progress at once (at least 1).
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the limit must be at least 1")
        self.limit = limit
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return semaphore

    def in_progress(self) -> int:
        """How many hold a place on the running loop now."""
        semaphore = self._semaphores.get(asyncio.get_running_loop())
        return 0 if semaphore is None else self.limit - semaphore._value

    async def run(self, work: Callable[[], Awaitable[Result]]) -> Result:
        """Waits for a place (at once when one is free), runs ``work``, gives the place back.

        Args:
            work: Starts the work when called.

        Returns:
            What the work returns (its exception propagates; the place is given back either way).
        """
        async with self._semaphore():
            return await work()


def limited(original: HandleMessage, admission: Admission) -> HandleMessage:
    """Wraps ``MessageProcessor.handle_message`` so that it runs within ``admission``.

    Args:
        original: Rasa's ``handle_message``.
        admission: The limit.

    Returns:
        The replacement ``handle_message``.
    """

    async def handle_message(self: Any, message: Any) -> Any:
        """Handles the message once a place is free."""
        return await admission.run(lambda: original(self, message))

    handle_message.__wrapped__ = original  # type: ignore[attr-defined]
    return handle_message
