"""Active handovers keyed by (channel, sender), with the reverse key from the Chatwoot conversation.

Kept in the channels' key-value store (in memory for one instance, Redis when
the cluster's Redis is configured; ``channels.kv.shared_store`` chooses it and
the channel layer passes it in). A record holds no message text; for a
messaging channel it holds the platform address the agent's replies go to,
and it is deleted when the handover ends (resolved, failed or expired).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, List, Optional, Protocol

PREFIX = "handover:"
# Records outlive their end time (``until``) by this much, so that a conversation whose
# handover expired is still found once and its Rasa conversation resumed.
GRACE_S = 7 * 86_400
# A page or REST client fetches the agent's replies from here; kept at most this long.
OUTBOX_TTL_S = 86_400


class Store(Protocol):
    """What the handover needs from a key-value store (``channels.kv.KeyValueStore``)."""

    async def add(self, key: str, value: str, ttl_s: int) -> bool:
        """Stores the value only if the key is absent; True when it was stored."""

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        """Stores the value, replacing any old one."""

    async def get(self, key: str) -> Optional[str]:
        """Returns the value, or None."""

    async def delete(self, key: str) -> None:
        """Removes the key."""


@dataclass
class Handover:
    """One conversation handed over to a person.

    Attributes:
        channel: The input channel the user came from (``socketio``, ``rest``, ``telegram``, ...).
        sender: The Rasa conversation id.
        conversation_id: The Chatwoot conversation.
        language: "nl" or "en", for the assistant's own texts.
        until: Unix time after which the handover ends by itself.
        address: The platform address replies go to (messaging channels only).
        reply_from: The platform's own address to send from (Twilio).
    """

    channel: str
    sender: str
    conversation_id: int
    language: str = "nl"
    until: float = field(default_factory=time.time)
    address: Optional[str] = None
    reply_from: Optional[str] = None

    @property
    def expired(self) -> bool:
        """Whether the handover's time is up."""
        return time.time() >= self.until


def _key(channel: str, sender: str) -> str:
    return f"{PREFIX}active:{channel}:{sender}"


def _reverse(conversation_id: int) -> str:
    return f"{PREFIX}conversation:{conversation_id}"


def _outbox(channel: str, sender: str) -> str:
    return f"{PREFIX}outbox:{channel}:{sender}"


class Handovers:
    """Reads and writes handover records.

    Args:
        store: The key-value store.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, channel: str, sender: str) -> Optional[Handover]:
        """The handover of a conversation, or None."""
        raw = await self.store.get(_key(channel, sender))
        return Handover(**json.loads(raw)) if raw else None

    async def by_conversation(self, conversation_id: int) -> Optional[Handover]:
        """The handover of a Chatwoot conversation, or None."""
        raw = await self.store.get(_reverse(conversation_id))
        if not raw:
            return None
        channel, _, sender = raw.partition(":")
        return await self.get(channel, sender)

    async def save(self, handover: Handover) -> None:
        """Stores a handover and its reverse key."""
        ttl = int(max(handover.until - time.time(), 0) + GRACE_S)
        await self.store.put(_key(handover.channel, handover.sender), json.dumps(asdict(handover)), ttl)
        await self.store.put(_reverse(handover.conversation_id), f"{handover.channel}:{handover.sender}", ttl)

    async def end(self, handover: Handover) -> None:
        """Deletes a handover (and its reverse key)."""
        await self.store.delete(_key(handover.channel, handover.sender))
        await self.store.delete(_reverse(handover.conversation_id))

    async def previous_conversation(self, channel: str, sender: str) -> Optional[int]:
        """The Chatwoot conversation of this user's last handover, to reuse it."""
        raw = await self.store.get(f"{PREFIX}last:{channel}:{sender}")
        return int(raw) if raw and raw.isdigit() else None

    async def remember_conversation(self, channel: str, sender: str, conversation_id: int,
                                    ttl_s: int) -> None:
        """Keeps the Chatwoot conversation of this user for a later handover."""
        await self.store.put(f"{PREFIX}last:{channel}:{sender}", str(conversation_id), ttl_s)

    async def queue(self, channel: str, sender: str, messages: List[Any]) -> None:
        """Adds messages for a client that fetches them (REST, the page's relay)."""
        key = _outbox(channel, sender)
        raw = await self.store.get(key)
        waiting = json.loads(raw) if raw else []
        await self.store.put(key, json.dumps(waiting + list(messages)), OUTBOX_TTL_S)

    async def take(self, channel: str, sender: str) -> List[Any]:
        """Returns and removes the messages waiting for a client."""
        key = _outbox(channel, sender)
        raw = await self.store.get(key)
        if not raw:
            return []
        await self.store.delete(key)
        return list(json.loads(raw))
