"""A fake Chatwoot application API on loopback, and a webhook sender that signs as Chatwoot does.

``FakeChatwoot`` records every request (path, JSON body, ``api_access_token``)
and answers as Chatwoot 4.13 does for the calls ``handover.chatwoot`` makes.
``mode`` switches it to ``"down"`` (HTTP 503) or ``"slow"`` (answers after
``SLOW_S``, past the client's time limit).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from handover.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

SLOW_S = 3.0


class FakeChatwoot:
    """Threaded HTTP server on a free loopback port; ``requests`` lists what it received."""

    def __init__(self, waiting: int = 2) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.mode = "up"
        self.waiting = waiting
        self._next_conversation = 40
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                path = urlsplit(self.path).path
                with fake._lock:
                    fake.requests.append({"method": method, "path": path, "body": body,
                                          "token": self.headers.get("api_access_token")})
                if fake.mode == "slow":
                    time.sleep(SLOW_S)
                if fake.mode != "up":
                    self._answer(503, {"error": "down"})
                    return
                self._answer(200, fake.reply(method, path))

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self._handle("POST")

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reply(self, method: str, path: str) -> Dict[str, Any]:
        """Chatwoot's answer to one call."""
        if path.endswith("/contacts"):
            return {"payload": {"contact": {"id": 7, "name": "x"}, "contact_inbox": {"source_id": "src-7"}}}
        if path.endswith("/conversations"):
            with self._lock:
                self._next_conversation += 1
                return {"id": self._next_conversation, "status": "open"}
        if path.endswith("/conversations/meta"):
            return {"meta": {"mine_count": 0, "unassigned_count": self.waiting, "all_count": self.waiting}}
        return {"id": 1}

    @property
    def last_conversation(self) -> int:
        """The id of the conversation created last."""
        return self._next_conversation

    def start(self) -> FakeChatwoot:
        """Starts serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops the server."""
        self.server.shutdown()
        self.server.server_close()

    def clear(self) -> None:
        """Forgets the recorded requests and comes up again."""
        with self._lock:
            self.requests.clear()
        self.mode = "up"

    def calls(self, suffix: str) -> List[Dict[str, Any]]:
        """The recorded requests whose path ends with ``suffix``."""
        with self._lock:
            return [request for request in self.requests if request["path"].endswith(suffix)]


def send_webhook(url: str, secret: str, event: Dict[str, Any], bad_signature: bool = False,
                 delivery: Optional[str] = None) -> int:
    """Posts a webhook as Chatwoot signs it (``X-Chatwoot-Signature`` over timestamp and body); returns the status."""
    body = json.dumps(event).encode()
    timestamp = str(int(time.time()))
    signed = signature("wrong-secret" if bad_signature else secret, timestamp, body)
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signed}
    if delivery:
        headers[DELIVERY_HEADER] = delivery
    try:
        with urlopen(Request(url, data=body, headers=headers, method="POST"), timeout=10) as answer:
            return answer.status
    except HTTPError as error:
        return error.code


def agent_reply(conversation_id: int, text: str) -> Dict[str, Any]:
    """``message_created`` of an agent's public reply."""
    return {"event": "message_created", "message_type": "outgoing", "private": False, "content": text,
            "conversation": {"id": conversation_id, "status": "open"}}


def resolved(conversation_id: int) -> Dict[str, Any]:
    """``conversation_status_changed`` to resolved."""
    return {"event": "conversation_status_changed", "id": conversation_id, "status": "resolved"}
