"""What an outsider uses: raw HTTP requests, slow sockets and a socket.io client."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import socketio

from channels.sessions import ID_HEADER, TOKEN_HEADER

EVIL_ORIGIN = "https://evil.example"


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: Dict[str, str]
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


def request(url: str, method: str = "GET", body: Optional[bytes | str] = None,
            headers: Optional[Dict[str, str]] = None, timeout: float = 30) -> Answer:
    """Sends one request exactly as given (any body, any headers)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    started = time.monotonic()
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=data,
                           headers={"Content-Type": "application/json", **(headers or {})})
        answer = connection.getresponse()
        content = answer.read() if answer.status != 101 else b""
        return Answer(answer.status, {k.lower(): v for k, v in answer.getheaders()}, content,
                      time.monotonic() - started)
    finally:
        connection.close()


def post_json(url: str, value: Any, headers: Optional[Dict[str, str]] = None) -> Answer:
    return request(url, "POST", json.dumps(value), headers)


@dataclass
class RestConversation:
    """One conversation over REST (or the page's relay), as a well-behaved client keeps it.

    It starts with an id of its own (what a server without issued ids, the old
    one, continues) and takes the id and token the server issues from every answer.
    """

    url: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    token: Optional[str] = None
    headers: Dict[str, str] = field(default_factory=dict)

    def say(self, message: str = "hallo") -> Answer:
        """Sends a message in this conversation and takes the renewed token from the answer."""
        headers = {**self.headers, **({TOKEN_HEADER: self.token} if self.token else {})}
        answer = post_json(self.url, {"sender": self.id, "message": message}, headers)
        if ID_HEADER.lower() in answer.headers:
            self.id, self.token = answer.headers[ID_HEADER.lower()], answer.headers[TOKEN_HEADER.lower()]
        return answer


def nested(depth: int, leaf: Any = "x") -> Any:
    """A list nested ``depth`` levels deep, built without recursion."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def nested_text(depth: int) -> str:
    """The JSON text of ``nested(depth)`` (json.dumps itself would recurse)."""
    return "[" * depth + '"x"' + "]" * depth


def seconds_until_closed(url: str, trickle_every_s: float, give_up_s: float) -> float:
    """Sends a request's headers one short line at a time and returns when the server closed the connection.

    Returns ``give_up_s`` when the server kept the connection open that long.
    """
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=give_up_s) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {parts.hostname}\r\n".encode())
        sock.settimeout(trickle_every_s)
        index = 0
        while time.monotonic() - started < give_up_s:
            try:
                if sock.recv(4096) == b"":
                    return time.monotonic() - started
                # an answer (408 or similar) before the headers were complete: the server gave up
                return time.monotonic() - started
            except TimeoutError:
                pass
            except OSError:
                return time.monotonic() - started
            try:
                sock.sendall(f"X-Slow-{index}: a\r\n".encode())
            except OSError:
                return time.monotonic() - started
            index += 1
    return give_up_s


@dataclass
class SocketUser:
    """A socket.io user: the events it received, in order."""

    url: str
    path: str = "socket.io"
    headers: Dict[str, str] = field(default_factory=dict)
    # python-engineio's websocket client needs a newer aiohttp than Rasa's: polling here,
    # websocket upgrades are tested with ``websocket_accepted``.
    transports: List[str] = field(default_factory=lambda: ["polling"])
    received: List[Any] = field(default_factory=list)

    async def connect(self) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False, request_timeout=2)

        @client.on("bot_uttered")
        async def bot_uttered(data: Any) -> None:
            self.received.append(data)

        @client.on("session_confirm")
        async def session_confirm(data: Any) -> None:
            self.received.append({"session_confirm": data})

        await client.connect(self.url, headers=self.headers, transports=self.transports,
                             socketio_path=self.path, wait_timeout=10)
        return client

    @staticmethod
    async def hang_up(client: socketio.AsyncClient) -> None:
        """Disconnects without waiting for the open long-poll request to end (up to 25 s)."""
        try:
            await asyncio.wait_for(client.disconnect(), 1.0)
        except asyncio.TimeoutError:
            pass

    async def wait_for(self, count: int, timeout_s: float = 20) -> List[Any]:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return self.received


def connects(url: str, headers: Dict[str, str], transports: List[str]) -> bool:
    """Whether a socket.io client with these headers gets connected."""

    async def attempt() -> bool:
        user = SocketUser(url, headers=headers, transports=transports)
        try:
            client = await user.connect()
        except (socketio.exceptions.ConnectionError, asyncio.TimeoutError):
            # python-engineio closes its session before it reads a refusal's body, so reading
            # a refusal that arrives in two packets times out: refused all the same.
            return False
        await user.hang_up(client)
        return True

    return asyncio.run(attempt())


def websocket_accepted(url: str, headers: Dict[str, str]) -> bool:
    """Whether the engine.io websocket upgrade (socket.io's websocket transport) is accepted (HTTP 101)."""
    answer = request(url.rstrip("/") + "/socket.io/?EIO=4&transport=websocket", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **headers}, timeout=5)
    return answer.status == 101
