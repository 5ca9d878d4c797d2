"""Closed-loop load generator over Rasa's REST channel (asyncio + aiohttp).

``users`` simulated users each play conversations back to back, every one with
its own sender id, and send a message only after the answer to the previous one
came. Latencies and throughput count only messages sent after the warm-up.
Where the server issues the conversation id and a token with each answer
(ours, ``channels.sessions``), the next message sends them back; the stock
assistant keeps the client's own sender id.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import aiohttp

from bench.scenarios import Conversation
from channels.sessions import ID_HEADER, TOKEN_HEADER

ConversationFactory = Callable[[int], Conversation]
REQUEST_TIMEOUT_S = 60.0
EMPTY_ANSWER = "empty_answer"


@dataclass
class LoadResult:
    """What one load run measured.

    Attributes:
        users: Concurrent simulated users.
        duration_s: Length of the measured window (after the warm-up).
        latencies_s: Latency of every answered message in the window.
        errors: Error counts by kind (HTTP status, timeout, transport).
        empty_answers: Messages answered with an empty list (HTTP 200, no bot message): counted
            apart, not as errors, since a model may legitimately predict no answer.
        conversations: Conversations started during the whole run.
        answered: Messages answered during the whole run, warm-up included (for CPU per message).
        latencies_by_kind: The window's latencies per kind of message ("typed", "click").
        sent_texts: Every text sent during the whole run, in order (for the repeat share).
        sent_kinds: The kind of each of ``sent_texts``.
    """

    users: int
    duration_s: float
    latencies_s: List[float] = field(default_factory=list)
    errors: Dict[str, int] = field(default_factory=dict)
    empty_answers: int = 0
    conversations: int = 0
    answered: int = 0
    latencies_by_kind: Dict[str, List[float]] = field(default_factory=dict)
    sent_texts: List[str] = field(default_factory=list)
    sent_kinds: List[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Answered messages per second in the measured window."""
        return len(self.latencies_s) / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def error_count(self) -> int:
        """All errors in the measured window."""
        return sum(self.errors.values())


async def send_message(session: aiohttp.ClientSession, url: str, sender: Dict[str, Optional[str]],
                       text: str) -> str:
    """Sends one message and waits for the answer.

    Args:
        session: The HTTP session.
        url: The REST webhook URL.
        sender: The conversation's ``id`` and ``token`` (None until the server
            issued one); updated from the answer's headers.
        text: The message.

    Returns:
        "" on success, else the kind of error (e.g. "http_500", "empty_answer").
    """
    headers = {TOKEN_HEADER: sender["token"]} if sender.get("token") else None
    async with session.post(url, json={"sender": sender["id"], "message": text}, headers=headers) as response:
        if ID_HEADER in response.headers:
            sender.update(id=response.headers[ID_HEADER], token=response.headers.get(TOKEN_HEADER))
        if response.status != 200:
            await response.read()
            return f"http_{response.status}"
        answer = await response.json(content_type=None)
        return "" if isinstance(answer, list) and answer else EMPTY_ANSWER


async def run_load(
    url: str, factory: ConversationFactory, users: int, duration_s: float, warmup_s: float
) -> LoadResult:
    """Runs ``users`` simulated users for ``warmup_s + duration_s`` seconds.

    Args:
        url: The REST webhook URL.
        factory: Builds the next conversation for a user number.
        users: Concurrent users.
        duration_s: Measured window.
        warmup_s: Warm-up before the window; its messages are not counted.

    Returns:
        The measured latencies, errors and the window length.
    """
    result = LoadResult(users=users, duration_s=duration_s)
    start = time.monotonic()
    window_start, window_end = start + warmup_s, start + warmup_s + duration_s
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=users + 4)

    async def user_loop(user: int, session: aiohttp.ClientSession) -> None:
        while time.monotonic() < window_end:
            conversation = factory(user)
            result.conversations += 1
            sender: Dict[str, Optional[str]] = {"id": conversation.sender_id, "token": None}
            kinds = conversation.kinds or ["typed"] * len(conversation.messages)
            for text, kind in zip(conversation.messages, kinds, strict=False):
                sent = time.monotonic()
                if sent >= window_end:
                    return
                result.sent_texts.append(text)
                result.sent_kinds.append(kind)
                try:
                    error = await send_message(session, url, sender, text)
                except asyncio.TimeoutError:
                    error = "timeout"
                except aiohttp.ClientError as exc:
                    error = f"transport_{type(exc).__name__}"
                done = time.monotonic()
                answered = error in ("", EMPTY_ANSWER)
                result.answered += answered
                if sent >= window_start and done <= window_end:
                    if answered:
                        result.latencies_s.append(done - sent)
                        result.latencies_by_kind.setdefault(kind, []).append(done - sent)
                        result.empty_answers += error == EMPTY_ANSWER
                    else:
                        result.errors[error] = result.errors.get(error, 0) + 1
                if error.startswith("transport"):
                    await asyncio.sleep(0.1)
                if conversation.think_time_s:
                    await asyncio.sleep(conversation.think_time_s)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(user_loop(user, session) for user in range(users)))
    return result
