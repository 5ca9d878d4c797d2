"""A small client of Chatwoot's application API for an API-channel inbox (Chatwoot's API as of March 2026).

Every call sends the header ``api_access_token`` and has a short time limit
(``CHATWOOT_TIMEOUT_S``). Any failure (timeout, connection error, a status
that is not 2xx, an answer without the expected fields) raises
``ChatwootError``; the log gets the kind of failure only, never a message text.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

from handover.settings import HandoverSettings

logger = logging.getLogger(__name__)


class ChatwootError(Exception):
    """Chatwoot could not be reached or refused a call."""


@dataclass(frozen=True)
class Contact:
    """A contact in the inbox: its id and the ``source_id`` of its contact inbox."""

    id: int
    source_id: str


class ChatwootClient:
    """Contacts, conversations, messages and status in one API-channel inbox.

    Args:
        config: The handover settings.
    """

    def __init__(self, config: HandoverSettings) -> None:
        self.config = config
        self._timeout = aiohttp.ClientTimeout(total=config.timeout_s)
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def _base(self) -> str:
        return f"{self.config.url}/api/v1/accounts/{self.config.account_id}"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout,
                                                  headers={"api_access_token": self.config.api_token})
        return self._session

    async def _call(self, method: str, path: str, json: Optional[Dict[str, Any]] = None,
                    params: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        try:
            async with self._client().request(method, self._base + path, json=json, params=params) as answer:
                if not 200 <= answer.status < 300:
                    logger.warning("chatwoot: %s %s answered HTTP %s", method, path.split("/")[1],
                                   answer.status)
                    raise ChatwootError(f"HTTP {answer.status}")
                body = await answer.json(content_type=None)
        except asyncio.TimeoutError as error:
            logger.warning("chatwoot: no answer within %.0f s", self.config.timeout_s)
            raise ChatwootError("timeout") from error
        except (aiohttp.ClientError, ValueError) as error:
            logger.warning("chatwoot: call failed: %s", type(error).__name__)
            raise ChatwootError(type(error).__name__) from error
        if not isinstance(body, dict):
            raise ChatwootError("answer is not an object")
        return body

    async def create_contact(self, name: str) -> Contact:
        """Creates a contact in the inbox (``POST /contacts``); no personal data: a pseudonymous name.

        Args:
            name: What the agents see as the contact's name.
        """
        body = await self._call("POST", "/contacts", {"inbox_id": self.config.inbox_id, "name": name})
        payload = body.get("payload") if isinstance(body.get("payload"), dict) else body
        contact = payload.get("contact") if isinstance(payload.get("contact"), dict) else payload
        contact_inbox = payload.get("contact_inbox") or {}
        source_id = contact_inbox.get("source_id") if isinstance(contact_inbox, dict) else None
        if not source_id:
            for inbox in contact.get("contact_inboxes") or []:
                if isinstance(inbox, dict) and (inbox.get("inbox") or {}).get("id") == self.config.inbox_id:
                    source_id = inbox.get("source_id")
        if not isinstance(contact.get("id"), int) or not source_id:
            raise ChatwootError("contact answer without id or source_id")
        return Contact(int(contact["id"]), str(source_id))

    async def create_conversation(self, contact: Contact) -> int:
        """Opens a conversation for the contact (``POST /conversations``); returns its id."""
        body = await self._call("POST", "/conversations", {"source_id": contact.source_id,
                                                           "inbox_id": self.config.inbox_id,
                                                           "contact_id": contact.id, "status": "open"})
        if not isinstance(body.get("id"), int):
            raise ChatwootError("conversation answer without id")
        return int(body["id"])

    async def set_status(self, conversation_id: int, status: str) -> None:
        """Sets a conversation's status (``open``, ``resolved``; ``POST /toggle_status``)."""
        await self._call("POST", f"/conversations/{conversation_id}/toggle_status", {"status": status})

    async def send_message(self, conversation_id: int, content: str, private: bool = False) -> None:
        """Adds a message of the user (incoming), or a private note for the agents."""
        message = {"content": content, "message_type": "outgoing" if private else "incoming",
                   "private": private}
        await self._call("POST", f"/conversations/{conversation_id}/messages", message)

    async def queue_position(self) -> Optional[int]:
        """How many open conversations in the inbox wait for an agent (this one included), if Chatwoot says.

        Reads ``GET /conversations/meta`` (``unassigned_count`` of the open ones);
        None when the answer has no such number (the user then hears "zo snel mogelijk").
        """
        body = await self._call("GET", "/conversations/meta",
                                params={"inbox_id": str(self.config.inbox_id), "status": "open",
                                        "assignee_type": "unassigned"})
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else body
        count = meta.get("unassigned_count")
        return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else None

    async def close(self) -> None:
        """Closes the HTTP session (at server stop)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
