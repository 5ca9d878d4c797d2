"""Exactly-once handling of webhooks: each platform message id is accepted once.

Platforms send a webhook again when the answer was slow or lost; the
duplicate must get no second reply and add no second event. The id is
claimed atomically (``SET NX`` in Redis), so this holds across instances
when the store is shared.
"""

from __future__ import annotations

import hashlib
from typing import Optional

from channels.kv import KeyValueStore


class Deduplicator:
    """Remembers the message ids a channel has accepted.

    Args:
        store: Where the ids are kept.
        channel: Channel name; ids of different platforms never collide.
        ttl_s: How long an id is remembered.
    """

    def __init__(self, store: KeyValueStore, channel: str, ttl_s: int) -> None:
        self._store = store
        self._channel = channel
        self._ttl_s = ttl_s

    def _key(self, message_id: str) -> str:
        digest = hashlib.sha256(message_id.encode("utf-8", errors="surrogateescape")).hexdigest()
        return f"seen:{self._channel}:{digest}"

    async def first_time(self, message_id: Optional[str]) -> bool:
        """Claims a message id.

        Args:
            message_id: The platform's id of the message; None when it has none.

        Returns:
            True the first time an id is seen (and for messages without an
            id); False for a re-delivery.
        """
        if not message_id:
            return True
        return await self._store.add(self._key(message_id), "1", self._ttl_s)
