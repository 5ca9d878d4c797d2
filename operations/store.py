"""Where the operator state lives, shared by every instance: a JSON file or Redis.

Readers keep the state in memory and look again at most every
``OPERATIONS_CHECK_INTERVAL_S`` seconds (5 by default): the file's modification
time (``stat``, read again only when it changed), or Redis's one small key. A
change therefore reaches every instance within that interval, far below the
minute the issue asks for. When the store cannot be read the last state read is
kept (logged), so a Redis outage never switches a notice or safe mode off.
Writes are read-modify-write under a lock (``flock`` on the file, a Redis
transaction), so two operators cannot lose each other's change.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional, Protocol, Tuple

from operations.settings import OperationsSettings, load_settings
from operations.state import State

logger = logging.getLogger(__name__)

REDIS_KEY = "bvo:operations:state"
REDIS_TIMEOUT_S = 0.5
Change = Callable[[State], State]


class Backend(Protocol):
    """A place for the state."""

    def version(self) -> Any:
        """Something that changes whenever the state changes (cheap to get)."""

    def read(self) -> Tuple[State, Any]:
        """The state and its version."""

    def update(self, change: Change) -> State:
        """Applies ``change`` to the current state atomically and stores the result."""


def _parse(raw: Optional[str]) -> State:
    if not raw:
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the operator state is not a JSON object")
    return data


class FileBackend:
    """The state in a JSON file (one machine: every process reads the same file)."""

    def __init__(self, path: Path) -> None:
        """Args: path: The JSON file; it need not exist (no file is the normal assistant)."""
        self.path = path

    def version(self) -> Any:
        """The file's modification time and size, or None without a file."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def read(self) -> Tuple[State, Any]:
        """Reads the file (``{}`` when there is none)."""
        version = self.version()
        if version is None:
            return {}, None
        return _parse(self.path.read_text(encoding="utf-8")), version

    def update(self, change: Change) -> State:
        """Changes the file under an exclusive lock, writing a new file and renaming it over the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = change(self.read()[0])
                temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
                temporary.write_text(json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True),
                                     encoding="utf-8")
                os.replace(temporary, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return state


class RedisBackend:
    """The state in one Redis key (a cluster: every instance reads the same key)."""

    def __init__(self, url: str, client: Any = None) -> None:
        """Args: url: The Redis URL. client: A ready client (tests); made from ``url`` when None."""
        if client is None:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                          socket_connect_timeout=REDIS_TIMEOUT_S, decode_responses=True)
        self.client = client

    def version(self) -> Any:
        """The stored JSON itself (one small GET)."""
        return self.client.get(REDIS_KEY)

    def read(self) -> Tuple[State, Any]:
        """Reads the key (``{}`` when it is not set)."""
        raw = self.client.get(REDIS_KEY)
        return _parse(raw), raw

    def update(self, change: Change) -> State:
        """Changes the key in a transaction (retried when another writer came first)."""
        import redis

        while True:
            with self.client.pipeline() as pipe:
                try:
                    pipe.watch(REDIS_KEY)
                    state = change(_parse(pipe.get(REDIS_KEY)))
                    pipe.multi()
                    pipe.set(REDIS_KEY, json.dumps(state, ensure_ascii=False, sort_keys=True))
                    pipe.execute()
                    return state
                except redis.WatchError:
                    continue


class Current:
    """The state as this process knows it, looked up again at most every ``interval_s`` seconds."""

    def __init__(self, backend: Backend, interval_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Args: backend: The store. interval_s: Seconds between two looks. clock: Seconds (tests)."""
        self.backend = backend
        self.interval_s = interval_s
        self.clock = clock
        self._state: State = {}
        self._version: Any = None
        self._checked: Optional[float] = None
        self._failing = False
        self._lock = threading.Lock()

    def state(self) -> State:
        """The state; read again when the interval has passed and the store changed."""
        now = self.clock()
        if self._checked is not None and now - self._checked < self.interval_s:
            return self._state
        with self._lock:
            self._checked = now
            try:
                version = self.backend.version()
                if version != self._version:
                    self._state, self._version = self.backend.read()
                    logger.info("operator state read: notice %s, %d overridden answers, safe mode %s",
                                "on" if self._state.get("notice") else "off",
                                sum(len(v) for v in (self._state.get("overrides") or {}).values()),
                                "on" if self._state.get("safe_mode") else "off")
                self._failing = False
            except Exception as error:  # noqa: BLE001 - keep the last state; never break an answer
                if not self._failing:
                    logger.error("operator state cannot be read (%r); keeping the last state read", error)
                self._failing = True
        return self._state

    def update(self, change: Change) -> State:
        """Changes the stored state and takes the result at once in this process."""
        state = self.backend.update(change)
        with self._lock:
            self._state, self._version = self.backend.read()
            self._checked = self.clock()
        return state


def backend_for(settings: OperationsSettings) -> Backend:
    """Redis when a Redis URL is configured, else the file."""
    if settings.redis_url:
        return RedisBackend(settings.redis_url)
    return FileBackend(settings.state_file)


_current: Optional[Current] = None


def current() -> Current:
    """This process's state reader, made from the settings at first use."""
    global _current
    if _current is None:
        settings = load_settings()
        _current = Current(backend_for(settings), settings.check_interval_s)
        logger.info("operator state in %s, looked up every %.0f s",
                    "Redis" if settings.redis_url else settings.state_file, settings.check_interval_s)
    return _current


def reset() -> None:
    """Forgets this process's reader (tests that change the settings)."""
    global _current
    _current = None
