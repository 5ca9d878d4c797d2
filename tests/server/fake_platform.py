"""A fake platform API on loopback (Twilio, Telegram, Facebook): records every request it gets.

The channels send their replies here when ``TWILIO_API_BASE``,
``TELEGRAM_API_BASE`` and ``FACEBOOK_API_BASE`` point at it. A request whose
body mentions ``SLOW_MARKER`` is answered after ``SLOW_SECONDS``, to check
the channels' time limits.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List
from urllib.parse import parse_qs, urlsplit

SLOW_MARKER = "slow-recipient"
SLOW_SECONDS = 6.0


class FakePlatform:
    """Starts a threaded HTTP server on a free loopback port; ``requests`` lists what it received."""

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                if "json" in (self.headers.get("Content-Type") or ""):
                    body: Any = json.loads(raw or b"null")
                else:
                    body = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
                if SLOW_MARKER in raw.decode(errors="replace"):
                    time.sleep(SLOW_SECONDS)
                with platform._lock:
                    platform.requests.append({"path": parts.path, "query": parse_qs(parts.query),
                                              "body": body, "auth": self.headers.get("Authorization"),
                                              "at": time.monotonic()})
                answer = b'{"ok": true, "sid": "SMfake", "message_id": "m"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakePlatform:
        """Starts serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops the server."""
        self.server.shutdown()
        self.server.server_close()

    def matching(self, predicate: Callable[[Dict[str, Any]], bool]) -> List[Dict[str, Any]]:
        """The recorded requests for which the predicate holds."""
        with self._lock:
            return [request for request in self.requests if predicate(request)]

    def wait_for(self, predicate: Callable[[Dict[str, Any]], bool], count: int = 1,
                 timeout_s: float = 30.0) -> List[Dict[str, Any]]:
        """Waits until at least ``count`` requests match; returns them (fewer after the timeout)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.matching(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        return self.matching(predicate)
