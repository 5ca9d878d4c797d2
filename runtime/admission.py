"""At most a few messages in progress per server process; the others wait their turn in arrival order.

Under a spike, a Rasa server without a limit starts every arriving message at
once. Whenever one of them waits for I/O, it queues again behind all the others
on the event loop, so a message that waits twice (a form step: the action
server, then the answer) takes about twice as long as one that does not: at 50
concurrent users the p95 latency was 2.2 times the median (README, "Speed and
memory"). With a limit, the queue in front of it is served first come, first
served, so every message waits about the same time. The total work is the same.

A message keeps its place while it waits for the action server: the calls
take milliseconds, and a message that gave its place back would queue again
behind the newcomers or, with priority over them, let every form step reach the
action server at once (tried, commit 812108e: p95 at 50 users 2207 ms, median
26 ms; 4c19b88: 1231 ms; bench/results/2026-12-04-*). Only a call still
running after ``SLOW_CALL_S`` gives the place back (``outside_limit``), and
the message takes the next free place, before newcomers, when the answer is
there: a slow action server (up to ``ACTION_TIMEOUT_S`` per call) so never
holds the places that FAQ answers need.

``MAX_CONCURRENT_MESSAGES`` sets the limit per process (default
``DEFAULT_LIMIT``; 0 turns it off). The limit sits inside the conversation
lock (it wraps ``MessageProcessor.handle_message``), so a message that waits for
its conversation's lock does not hold a place; every holder of a place already
holds its lock and can finish, so the two never wait for each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Deque, Mapping, Optional, TypeVar

import settings

logger = logging.getLogger(__name__)

LIMIT_VARIABLE = "MAX_CONCURRENT_MESSAGES"
DEFAULT_LIMIT = settings.setting(LIMIT_VARIABLE).default
MAX_LIMIT = settings.setting(LIMIT_VARIABLE).high
# A call to the action server that takes longer gives its place back (normal calls take 5-20 ms).
SLOW_CALL_S = 0.25

Result = TypeVar("Result")
AsyncMethod = Callable[..., Awaitable[Any]]


def configured_limit(environ: Optional[Mapping[str, str]] = None) -> int:
    """The limit from ``MAX_CONCURRENT_MESSAGES`` (default ``DEFAULT_LIMIT``; 0 = no limit).

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        A whole number between 0 and ``MAX_LIMIT``; the default for a value that is not one (logged).
    """
    return int(settings.get(LIMIT_VARIABLE, environ))


class _Places:
    """The places of one event loop: free ones, and two queues of waiters (resumed ones first)."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.resumed: Deque[asyncio.Future] = deque()
        self.new: Deque[asyncio.Future] = deque()

    async def acquire(self, resumed: bool) -> None:
        if self.free > 0 and not self.resumed and not self.new:
            self.free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        queue = self.resumed if resumed else self.new
        queue.append(waiter)
        try:
            await waiter  # a place is handed over: ``free`` is not counted up in between
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over just before the cancellation: pass it on
            else:
                queue.remove(waiter)
            raise

    def release(self) -> None:
        for queue in (self.resumed, self.new):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self.free += 1


@dataclass
class _Holding:
    admission: Admission
    held: bool = True


_holding: contextvars.ContextVar[Optional[_Holding]] = contextvars.ContextVar("admission_holding",
                                                                              default=None)


class Admission:
    """A first-come, first-served limit on work in progress, one set of places per event loop.

    Args:
        limit: How many may be in progress at once (at least 1).
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the limit must be at least 1")
        self.limit = limit
        self._places: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Places] = (
            weakref.WeakKeyDictionary())

    def _here(self) -> _Places:
        loop = asyncio.get_running_loop()
        places = self._places.get(loop)
        if places is None:
            places = self._places[loop] = _Places(self.limit)
        return places

    def in_progress(self) -> int:
        """How many hold a place on the running loop now."""
        places = self._places.get(asyncio.get_running_loop())
        return 0 if places is None else self.limit - places.free

    async def run(self, work: Callable[[], Awaitable[Result]]) -> Result:
        """Waits for a place (at once when one is free), runs ``work``, gives the place back.

        Args:
            work: Starts the work when called.

        Returns:
            What the work returns (its exception propagates; the place is given back either way).
        """
        places = self._here()
        await places.acquire(resumed=False)
        holding = _Holding(self)
        token = _holding.set(holding)
        try:
            return await work()
        finally:
            _holding.reset(token)
            if holding.held:
                places.release()


@contextlib.asynccontextmanager
async def place_given_back() -> AsyncIterator[None]:
    """Gives the task's place back for the block; then takes the next free place, before newcomers.

    Does nothing when the task holds no place (no limit, or called outside a message).
    """
    holding = _holding.get()
    if holding is None or not holding.held:
        yield
        return
    places = holding.admission._here()
    holding.held = False
    places.release()
    try:
        yield
    finally:
        await places.acquire(resumed=True)
        holding.held = True


async def _without_place_when_slow(call: Awaitable[Result], slow_after_s: float) -> Result:
    """Awaits ``call`` holding the place; after ``slow_after_s`` without an answer, gives it back.

    Without a place (no limit, or outside a message) it just awaits the call: no timer, no task.
    """
    holding = _holding.get()
    if holding is None or not holding.held:
        return await call
    task = asyncio.ensure_future(call)
    try:
        return await asyncio.wait_for(asyncio.shield(task), slow_after_s)
    except asyncio.TimeoutError:
        async with place_given_back():
            return await task
    except asyncio.CancelledError:
        task.cancel()
        raise


def limited(original: AsyncMethod, admission: Admission) -> AsyncMethod:
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


def outside_limit(remote_run: AsyncMethod) -> AsyncMethod:
    """Wraps ``RemoteAction.run``: a slow call to the action server gives the message's place back.

    Args:
        remote_run: The ``run`` that calls the action server.

    Returns:
        The replacement ``run``.
    """

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls the action server; gives the place back when the call is slow."""
        return await _without_place_when_slow(remote_run(self, *args, **kwargs), SLOW_CALL_S)

    run.__wrapped__ = remote_run  # type: ignore[attr-defined]
    return run
