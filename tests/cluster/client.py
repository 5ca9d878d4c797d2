"""Talking to the cluster in tests: messages over REST, trackers straight from PostgreSQL.

A test names its conversations (``"slow-turn-test"``); the cluster issues the
real conversation id and a token with the first answer (``channels.sessions``),
and every later message of that name sends them back. ``conversation_id``
gives the issued id (the sender id in the store and at the action server).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import aiohttp
import psycopg2

from channels.sessions import ID_HEADER, TOKEN_HEADER
from cluster.runner import Cluster, http_status
from scripts.domain_files import raw_responses

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = aiohttp.ClientTimeout(total=90)

# Distinct questions (no personal data, so stored as typed).
QUESTIONS = [
    "Wat is er gebeurd?",
    "Welke gegevens zijn gestolen?",
    "Hallo",
    "Wat moet ik nu doen?",
    "Ben ik getroffen door het datalek?",
    "Dank je wel",
    "Wat is het bevolkingsonderzoek?",
    "Moet ik opnieuw een uitstrijkje laten maken?",
    "Kan ik met een mens praten?",
    "Wanneer is het datalek bekend gemaakt?",
    "Ben jij een robot?",
    "Waar kan ik terecht met vragen?",
]


# The issued id and token of each named conversation; and the first message of a name while it is under way.
ISSUED: Dict[str, Dict[str, str]] = {}
_OPENING: Dict[str, asyncio.Event] = {}


def conversation_id(name: str) -> str:
    """The id the cluster issued for a named conversation (the name itself before its first answer)."""
    return ISSUED.get(name, {}).get("id", name)


def unavailable_texts() -> set:
    """Both variations of the "try again later" answer."""
    return {variation["text"] for variation in raw_responses(ROOT)["utter_service_unavailable"]}


@dataclass
class Reply:
    """One message sent and what came back."""

    sender: str
    text: str
    url: str
    status: Optional[int] = None
    messages: List[Dict[str, Any]] = field(default_factory=list)
    sent: float = 0.0
    received: float = 0.0

    @property
    def answered(self) -> bool:
        """A normal answer: HTTP 200 with bot messages, not "try again later"."""
        texts = {message.get("text") for message in self.messages}
        return self.status == 200 and bool(self.messages) and not texts & unavailable_texts()

    @property
    def try_later(self) -> bool:
        """The answer was "probeer het later opnieuw"."""
        return any(message.get("text") in unavailable_texts() for message in self.messages)


async def send(session: aiohttp.ClientSession, base_url: str, sender: str, text: str) -> Reply:
    """POSTs one message of the named conversation ``sender`` to ``base_url``'s REST webhook.

    Messages of a name sent at once wait for the first one's answer, which issues the conversation.
    """
    opening = _OPENING.get(sender)
    if sender not in ISSUED and opening is not None and not opening.is_set():
        await opening.wait()
    first = None
    if sender not in ISSUED:
        first = _OPENING[sender] = asyncio.Event()
    try:
        return await _post(session, base_url, sender, text)
    finally:
        if first is not None:
            first.set()


async def _post(session: aiohttp.ClientSession, base_url: str, sender: str, text: str) -> Reply:
    reply = Reply(sender, text, base_url, sent=time.monotonic())
    issued = ISSUED.get(sender, {})
    headers = {TOKEN_HEADER: issued["token"]} if issued else None
    try:
        async with session.post(f"{base_url}/webhooks/rest/webhook", headers=headers,
                                json={"sender": issued.get("id", sender), "message": text}) as answer:
            reply.status = answer.status
            if ID_HEADER in answer.headers:
                ISSUED[sender] = {"id": answer.headers[ID_HEADER], "token": answer.headers[TOKEN_HEADER]}
            body = await answer.read()
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = []
            reply.messages = parsed if isinstance(parsed, list) else []
    except (aiohttp.ClientError, asyncio.TimeoutError):
        reply.status = None
    reply.received = time.monotonic()
    return reply


def send_one(base_url: str, sender: str, text: str) -> Reply:
    """Sends one message and waits for the answer."""

    async def run() -> Reply:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            return await send(session, base_url, sender, text)

    return asyncio.run(run())


def stored_events(cluster: Cluster, sender: str) -> List[Dict[str, Any]]:
    """Every stored event of a named conversation, in the order the store returns them."""
    connection = psycopg2.connect(host="127.0.0.1", port=cluster.postgres.port, user="rasa",
                                  password=cluster.postgres.password, dbname="rasa", connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (conversation_id(sender),))
            return [json.loads(row[0]) for row in cursor.fetchall()]
    finally:
        connection.close()


@dataclass
class Turn:
    """A user message and what followed it up to the next one."""

    text: str
    bot_texts: List[Optional[str]] = field(default_factory=list)
    listens: int = 0
    late_bot: bool = False


def split_turns(events: List[Dict[str, Any]]) -> List[Turn]:
    """Splits a conversation into turns; marks bot messages after the turn was closed."""
    turns: List[Turn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append(Turn(event.get("text")))
        elif turns and kind == "bot":
            turns[-1].late_bot |= turns[-1].listens > 0
            turns[-1].bot_texts.append(event.get("text"))
        elif turns and kind == "action" and event.get("name") == "action_listen":
            turns[-1].listens += 1
    return turns


def paragraphs(texts: Iterable[Optional[str]]) -> List[str]:
    """The texts' paragraphs (a channel may send each paragraph as its own message)."""
    return [part.strip() for text in texts if text for part in text.split("\n\n") if part.strip()]


def timestamps_in_order(events: List[Dict[str, Any]]) -> bool:
    """Whether the stored events' timestamps never go back."""
    stamps = [event.get("timestamp", 0) for event in events]
    return all(later >= earlier for earlier, later in zip(stamps, stamps[1:], strict=False))


def wait_for_health(url: str, want: int, timeout_s: float) -> float:
    """Polls ``url`` until it answers ``want``; returns the seconds it took (raises on timeout)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if http_status(url, timeout_s=3) == want:
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"{url} did not answer {want} within {timeout_s} s")


def align(sent: List[Reply], stored: List[str]) -> Optional[str]:
    """Checks one conversation's stored user messages against what was sent, in order.

    An answered message must be stored (next in line), a "try again later" one
    must not, one without an HTTP answer (cut off by a crash) may be.

    Returns:
        None when they agree, else what is wrong.
    """
    position = 0
    for reply in sent:
        here = stored[position] if position < len(stored) else None
        if reply.answered:
            if here != reply.text:
                return f"answered {reply.text!r} not stored at {position} (found {here!r})"
            position += 1
        elif reply.status != 200 and here == reply.text:
            position += 1
    if position != len(stored):
        return f"stored messages that were not answered: {stored[position:]}"
    return None
