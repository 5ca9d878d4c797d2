"""A Redis lock store that is safe across server instances, with every turn bounded in time.

Rasa's ``RedisLockStore`` has two gaps when several processes share it:

* Its ticket operations read the lock, change it in Python and write it back.
  Two instances that issue a ticket for the same conversation at the same
  moment can both get the same number and then both run at once.
* A ticket expires ``TICKET_LOCK_LIFETIME`` seconds (60 by default) after it
  was *issued*. A turn that runs longer (a hanging action server, a blocked
  process) loses its lock while it still runs, the next message of that
  conversation starts in parallel, and the slow turn then saves on top of it.

``SafeRedisLockStore`` closes both:

* Every read-modify-write of a lock runs as a Redis transaction (``WATCH`` /
  ``MULTI``), retried when another instance changed the lock in between.
* The ticket's lifetime starts again when the turn *acquires* the lock, and the
  turn is bounded by ``turn_timeout_s`` (default 20 s, at most a third of the
  lifetime): at the deadline the turn is cancelled and ``TurnTimeout`` raised.
* ``check_turn()`` (called by the tracker store right before it saves) refuses
  to save when the turn's deadline has passed, also when the event loop was
  blocked so that the cancellation came too late. A save that starts before
  the deadline has the rest of the lifetime (at least twice the turn timeout,
  40 s by default) to finish; the cluster's database connections time out
  after a few seconds (``cluster.stores``).

A message that waits longer than ``queue_timeout_s`` for its turn gets a
``LockError`` instead of waiting on (the channels then answer "try again
later"). Configure in endpoints.yml::

    lock_store:
      type: cluster.locks.SafeRedisLockStore
      url: localhost
      port: 6379
      db: 1
      turn_timeout_s: 20
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncGenerator, Callable, Optional, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_SOCKET_TIMEOUT_S = 3.0


class TurnTimeout(Exception):
    """A turn ran past its deadline; it was stopped and nothing of it is saved."""


@dataclass
class Turn:
    """The running turn of one conversation in this task.

    Attributes:
        conversation_id: The conversation.
        deadline: Wall-clock time (``time.time()``) by which the turn must be saved.
        expires: Wall-clock time at which the turn's ticket expires.
    """

    conversation_id: str
    deadline: float
    expires: float


_TURN: contextvars.ContextVar[Optional[Turn]] = contextvars.ContextVar("bvo_turn", default=None)


def current_turn() -> Optional[Turn]:
    """Returns the turn that holds a lock in the current task, if any."""
    return _TURN.get()


def check_turn(conversation_id: str, now: Optional[float] = None) -> None:
    """Refuses a save that could overlap with the next turn of the conversation.

    Outside a locked turn (tools, tests, the in-memory lock store) nothing is checked.

    Args:
        conversation_id: The conversation about to be saved.
        now: Current time (for tests); ``time.time()`` when None.

    Raises:
        TurnTimeout: The turn's deadline passed.
    """
    turn = _TURN.get()
    if turn is None or turn.conversation_id != conversation_id:
        return
    now = time.time() if now is None else now
    if now > turn.deadline:
        raise TurnTimeout("the turn ran past its deadline; not saved")


def _number(config: dict, key: str, env: str) -> float:
    raw = config.pop(key, None)
    if raw is None:
        return float(settings.get(env))
    value = float(raw)
    if value <= 0:
        raise ValueError(f"lock store: {key} must be positive, not {raw!r}")
    return value


class SafeRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with atomic ticket operations and bounded turns.

    Args:
        endpoint_config: The ``lock_store`` section of endpoints.yml (``url``,
            ``port``, ``db``, ``password``, ``key_prefix``, ``socket_timeout``,
            and ``lifetime_s``, ``turn_timeout_s``, ``queue_timeout_s``,
            ``poll_s``); environment variables ``TICKET_LOCK_LIFETIME``,
            ``TURN_TIMEOUT_S`` and ``QUEUE_TIMEOUT_S`` are the defaults.
        **kwargs: Used instead of ``endpoint_config`` (tests).

    Raises:
        ValueError: The turn timeout is more than a third of the lifetime.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        config = dict(endpoint_config.kwargs) if endpoint_config else {}
        config.update(kwargs)
        host = config.pop("host", None) or (endpoint_config.url if endpoint_config else None) or "localhost"
        self.lifetime_s = _number(config, "lifetime_s", "TICKET_LOCK_LIFETIME")
        self.turn_timeout_s = _number(config, "turn_timeout_s", "TURN_TIMEOUT_S")
        self.queue_timeout_s = _number(config, "queue_timeout_s", "QUEUE_TIMEOUT_S")
        self.poll_s = _number(config, "poll_s", "LOCK_POLL_S")
        if self.turn_timeout_s * 3 > self.lifetime_s:
            raise ValueError(f"lock store: turn_timeout_s ({self.turn_timeout_s}) must be at most a third "
                             f"of the lock lifetime ({self.lifetime_s})")
        config.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT_S)
        super().__init__(host=host, **config)

    # Atomic read-modify-write of one lock.

    def _change(self, conversation_id: str, change: Callable[[TicketLock], T]) -> T:
        """Applies ``change`` to the stored lock in a Redis transaction; deletes the lock when empty."""
        key = self.key_prefix + conversation_id
        expiry_ms = int(self.lifetime_s * 2000)

        def run(pipe: Any) -> T:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else self.create_lock(conversation_id)
            result = change(lock)
            lock.remove_expired_tickets()
            pipe.multi()
            if lock.tickets:
                pipe.set(key, lock.dumps(), px=expiry_ms)
            else:
                pipe.delete(key)
            return result

        return self.red.transaction(run, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = 0) -> int:
        """Issues the next ticket atomically.

        Args:
            conversation_id: The conversation.
            lock_lifetime: Ignored; the store's ``lifetime_s`` applies.

        Returns:
            The ticket number.

        Raises:
            LockError: Redis cannot be reached.
        """
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(self.lifetime_s))
        except LockError:
            raise
        except Exception as error:  # noqa: BLE001 - any Redis failure means: no lock
            raise LockError(f"Error while acquiring lock: {type(error).__name__}") from error

    def _start_serving(self, conversation_id: str, ticket: int) -> Optional[float]:
        """Renews the ticket's lifetime if it is the one being served; returns its new expiry."""

        def renew(lock: TicketLock) -> Optional[float]:
            if lock.now_serving != ticket:
                return None
            for item in lock.tickets:
                if item.number == ticket:
                    item.expires = time.time() + self.lifetime_s
                    return item.expires
            return None

        return self._change(conversation_id, renew)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket atomically (the lock goes when no ticket is left)."""
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket; never raises (Redis may be gone by now)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except Exception as error:  # noqa: BLE001 - the ticket then expires by itself
            logger.warning("could not release a conversation lock: %s", type(error).__name__)

    def update_lock(self, conversation_id: str) -> None:
        """Removes expired tickets atomically."""
        self._change(conversation_id, lambda lock: None)

    async def _wait_for_turn(self, conversation_id: str, ticket: int) -> float:
        """Waits until ``ticket`` is served; returns the renewed expiry."""
        give_up = time.monotonic() + self.queue_timeout_s
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None or all(item.number != ticket for item in lock.tickets):
                raise LockError("the ticket expired while waiting")
            if lock.now_serving == ticket:
                expires = self._start_serving(conversation_id, ticket)
                if expires is not None:
                    return expires
            if time.monotonic() > give_up:
                raise LockError(f"waited more than {self.queue_timeout_s:g} s for the conversation")
            await asyncio.sleep(self.poll_s)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = 0,
                   wait_time_in_seconds: float = 0) -> AsyncGenerator[TicketLock, None]:
        """Holds the conversation's lock for one turn of at most ``turn_timeout_s``.

        Args:
            conversation_id: The conversation.
            lock_lifetime: Ignored; the store's ``lifetime_s`` applies.
            wait_time_in_seconds: Ignored; the store's ``poll_s`` applies.

        Yields:
            The lock.

        Raises:
            LockError: Redis failed, or the wait for the turn took too long.
            TurnTimeout: The turn ran past ``turn_timeout_s`` and was cancelled.
        """
        ticket = self.issue_ticket(conversation_id)
        task = asyncio.current_task()
        fired = False
        handle: Optional[asyncio.TimerHandle] = None
        token: Optional[contextvars.Token] = None
        try:
            try:
                expires = await self._wait_for_turn(conversation_id, ticket)
            except LockError:
                raise
            except Exception as error:  # noqa: BLE001 - any Redis failure means: no lock
                raise LockError(f"Error while acquiring lock: {type(error).__name__}") from error
            deadline = time.time() + self.turn_timeout_s
            token = _TURN.set(Turn(conversation_id, deadline, expires))

            def cancel() -> None:
                nonlocal fired
                fired = True
                if task is not None:
                    task.cancel()

            handle = asyncio.get_running_loop().call_later(self.turn_timeout_s, cancel)
            try:
                yield self.get_lock(conversation_id) or self.create_lock(conversation_id)
            except asyncio.CancelledError:
                if fired:
                    raise TurnTimeout(f"the turn took longer than {self.turn_timeout_s:g} s") from None
                raise
        finally:
            if handle is not None:
                handle.cancel()
            if token is not None:
                _TURN.reset(token)
            self.cleanup(conversation_id, ticket)
