"""Conversation ids the server issues, each with a signed proof that the holder owns it.

A conversation id used to work like a password anyone could type: a client
that sent someone else's id got their answers and continued their form. Now
the web channels (REST, socket.io, and so the page and its relay) accept an id
only together with its token:

- the id is random (128 bits, 32 hex characters) and made by the server;
- the token is ``<expiry>.<signature>``: the Unix time it expires and an
  HMAC-SHA256 of the id and that time with ``SESSION_SECRET`` (random per
  process start when unset; several instances must share one);
- a token is valid for ``SESSION_TOKEN_TTL_S`` (24 h) and renewed with every
  answer, so a conversation lives 24 h after its last message;
- an id that was not issued, a missing, forged or expired token: a new
  conversation, never someone else's;
- with several processes on one machine (``RASA_WORKERS``, ``channels.workers``)
  a process issues only ids that route to itself and accepts no other.

The messaging channels keep their platform ids: the platform authenticates
those (``channels.signatures``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional

from channels import config
from channels.workers import CONVERSATION_ID, Worker

# HTTP headers of the REST channel and the page's relay: the answer names the
# conversation, the client sends the token back with its next message.
ID_HEADER = "X-Conversation-Id"
TOKEN_HEADER = "X-Conversation-Token"
ID_PATTERN = CONVERSATION_ID
MAX_TOKEN_CHARS = 100
# Used when SESSION_SECRET is unset: one process (``make run``) signs and checks its own tokens.
_PROCESS_SECRET = secrets.token_bytes(32)


@dataclass(frozen=True)
class Conversation:
    """A conversation id and the token that proves its ownership.

    Attributes:
        id: The conversation id (Rasa's sender id).
        token: The proof to send with the next message.
        resumed: True when the client's id and token were valid, False for a new conversation.
    """

    id: str
    token: str
    resumed: bool = False

    def headers(self) -> Dict[str, str]:
        """The answer's headers that hand the id and the renewed token to the client."""
        return {ID_HEADER: self.id, TOKEN_HEADER: self.token}


class ConversationTokens:
    """Issues conversation ids with tokens, and checks them.

    Args:
        secret: The signing key.
        ttl_s: Seconds a token is valid.
        clock: Returns the current Unix time (tests pass their own).
        worker: This process among the ``RASA_WORKERS`` (one process: every id is its own).
    """

    def __init__(self, secret: bytes, ttl_s: float, clock: Callable[[], float] = time.time,
                 worker: Optional[Worker] = None) -> None:
        self._secret = secret
        self._ttl_s = ttl_s
        self._clock = clock
        self._worker = worker or Worker()

    @classmethod
    def from_settings(cls, environ: Optional[Mapping[str, str]] = None) -> ConversationTokens:
        """Reads ``SESSION_SECRET``, ``SESSION_TOKEN_TTL_S`` (``channels.config``) and the worker settings."""
        return cls(config.session_secret(environ) or _PROCESS_SECRET, config.session_ttl_s(environ),
                   worker=Worker.from_settings(environ))

    def _signature(self, conversation_id: str, expires: int) -> str:
        digest = hmac.new(self._secret, f"conversation:{conversation_id}:{expires}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")

    def token_for(self, conversation_id: str) -> str:
        """A fresh token for an id, valid ``ttl_s`` from now."""
        expires = int(self._clock() + self._ttl_s)
        return f"{expires}.{self._signature(conversation_id, expires)}"

    def issue(self) -> Conversation:
        """A new conversation: a random 128-bit id (one that routes to this process) and its token."""
        conversation_id = self._worker.draw(lambda: secrets.token_hex(16))
        return Conversation(conversation_id, self.token_for(conversation_id))

    def verify(self, conversation_id: Any, token: Any) -> bool:
        """Whether ``token`` proves the ownership of ``conversation_id`` now.

        Args:
            conversation_id: The id the client sent (anything).
            token: The token the client sent (anything).

        Returns:
            True only for an id this server (or one with the same secret) issued
            and its unexpired, unchanged token, and that routes to this process.
        """
        if not isinstance(conversation_id, str) or not ID_PATTERN.fullmatch(conversation_id):
            return False
        if not self._worker.owns(conversation_id):
            return False
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            return False
        expires, _, signature = token.partition(".")
        if not expires.isdigit() or int(expires) < self._clock():
            return False
        return hmac.compare_digest(signature, self._signature(conversation_id, int(expires)))

    def resume(self, conversation_id: Any, token: Any) -> Conversation:
        """The client's conversation with a renewed token when its proof is valid, else a new one.

        Args:
            conversation_id: The id the client sent, or None.
            token: The token the client sent, or None.

        Returns:
            The conversation to use.
        """
        if self.verify(conversation_id, token):
            return Conversation(conversation_id, self.token_for(conversation_id), resumed=True)
        return self.issue()
