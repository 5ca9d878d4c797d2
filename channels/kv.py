"""A small key-value store with expiry for the channels: in memory, or Redis shared by all instances.

``shared_store`` picks Redis when ``CHANNEL_REDIS_URL`` is set or when the
agent's lock store or tracker store is a Redis store (its client is reused),
and memory otherwise (one instance only).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Dict, Optional, Protocol, Tuple

from channels import config

logger = logging.getLogger(__name__)
KEY_PREFIX = "bvo:channels:"
# Memory store: clean expired keys every this many writes.
_SWEEP_EVERY = 1000


class KeyValueStore(Protocol):
    """What the channels need from a store."""

    async def add(self, key: str, value: str, ttl_s: int) -> bool:
        """Stores the value only if the key is absent; True when it was stored."""

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        """Stores the value, replacing any old one."""

    async def get(self, key: str) -> Optional[str]:
        """Returns the value, or None when absent or expired."""

    async def delete(self, key: str) -> None:
        """Removes the key."""


class MemoryStore:
    """Keys in this process's memory, each with its own expiry time.

    Args:
        clock: Returns the current time in seconds (for tests).
    """

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._items: Dict[str, Tuple[float, str]] = {}
        self._writes = 0

    def _live(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= self._clock():
            del self._items[key]
            return None
        return item[1]

    def _write(self, key: str, value: str, ttl_s: int) -> None:
        self._items[key] = (self._clock() + ttl_s, value)
        self._writes += 1
        if self._writes % _SWEEP_EVERY == 0:
            now = self._clock()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}

    async def add(self, key: str, value: str, ttl_s: int) -> bool:
        """Stores the value only if the key is absent or expired."""
        if self._live(key) is not None:
            return False
        self._write(key, value, ttl_s)
        return True

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        """Stores the value, replacing any old one."""
        self._write(key, value, ttl_s)

    async def get(self, key: str) -> Optional[str]:
        """Returns the value, or None when absent or expired."""
        return self._live(key)

    async def delete(self, key: str) -> None:
        """Removes the key."""
        self._items.pop(key, None)


class RedisStore:
    """Keys in Redis (``SET key value NX EX ttl``), shared by every server instance.

    Args:
        client: A synchronous ``redis.Redis`` client; its calls run in a worker thread.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    async def add(self, key: str, value: str, ttl_s: int) -> bool:
        """Stores the value only if the key is absent (atomic in Redis)."""
        return bool(await asyncio.to_thread(self._client.set, KEY_PREFIX + key, value, nx=True, ex=ttl_s))

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        """Stores the value with an expiry, replacing any old one."""
        await asyncio.to_thread(self._client.set, KEY_PREFIX + key, value, ex=ttl_s)

    async def get(self, key: str) -> Optional[str]:
        """Returns the value, or None when absent or expired."""
        value = await asyncio.to_thread(self._client.get, KEY_PREFIX + key)
        return value.decode() if isinstance(value, bytes) else value

    async def delete(self, key: str) -> None:
        """Removes the key."""
        await asyncio.to_thread(self._client.delete, KEY_PREFIX + key)


def _redis_client_of(store: Any) -> Optional[Any]:
    """The Redis client of a Rasa lock or tracker store (also inside wrappers), if it has one."""
    for candidate in (store, getattr(store, "_tracker_store", None), getattr(store, "_inner", None)):
        client = getattr(candidate, "red", None)
        if client is not None and hasattr(client, "set"):
            return client
    return None


def shared_store(agent: Any = None, redis_url: Optional[str] = None) -> KeyValueStore:
    """Chooses the store: ``CHANNEL_REDIS_URL``, else the agent's Redis lock or tracker store, else memory.

    Args:
        agent: Rasa's agent (may be None before the model is loaded).
        redis_url: Redis URL; ``CHANNEL_REDIS_URL`` when None.

    Returns:
        The store.
    """
    url = redis_url or config.redis_url()
    if url:
        import redis

        logger.info("channels: message ids and offered buttons in Redis (CHANNEL_REDIS_URL)")
        return RedisStore(redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5))
    for store in (getattr(agent, "lock_store", None), getattr(agent, "tracker_store", None)):
        client = _redis_client_of(store)
        if client is not None:
            logger.info("channels: message ids and offered buttons in the Redis of the %s",
                        type(store).__name__)
            return RedisStore(client)
    logger.info("channels: message ids and offered buttons in memory (one server instance only)")
    return MemoryStore()
