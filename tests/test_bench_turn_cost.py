"""The turn-cost measurement's pieces: messages that never repeat, windows, no training data, one conversation."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from bench.turn_cost import QUESTION_FILES, WINDOWS, load_questions, messages, send, window_medians
from channels.sessions import ID_HEADER, TOKEN_HEADER

ROOT = Path(__file__).resolve().parent.parent


def _training_texts():
    texts = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            texts |= {line[2:].strip().lower() for line in str(block.get("examples", "")).splitlines()
                      if line.startswith("- ")}
    return texts


def test_a_thousand_messages_that_never_repeat_and_are_not_training_examples():
    sent = messages(1000, load_questions())
    assert len(sent) == len(set(sent)) == 1000
    assert all(path.parts[-3] == "tests" for path in QUESTION_FILES)
    training = _training_texts()
    assert sum(text.lower() in training for text in sent) == 0


def test_windows_are_medians_of_their_turns():
    latencies = [float(turn) for turn in range(1, 1001)]
    medians = window_medians(latencies)
    assert [label for label, _, _ in WINDOWS] == list(medians)
    assert medians["turn 1"] == 10.5 and medians["turn 50"] == 50.5
    assert medians["turn 200"] == 200.5 and medians["turn 1000"] == 990.5
    assert window_medians(latencies[:100])["turn 200"] is None


class _IssuingServer(BaseHTTPRequestHandler):
    """Answers like the REST channel: a new id unless the request has the id's token."""

    seen: list = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers.get(TOKEN_HEADER)
        self.seen.append((body.get("sender"), token))
        conversation = body["sender"] if token == f"token-{body.get('sender')}" else f"c{len(self.seen)}"
        answer = json.dumps([{"text": "ok"}]).encode("utf-8")
        self.send_response(200)
        self.send_header(ID_HEADER, conversation)
        self.send_header(TOKEN_HEADER, f"token-{conversation}")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        """Silent."""


def test_each_message_continues_the_conversation_the_server_issued():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _IssuingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/rest/webhook"
        conversation = {"id": None, "token": None}
        for text in ("een", "twee", "drie"):
            assert send(url, conversation, text) == [{"text": "ok"}]
    finally:
        server.shutdown()
    assert conversation == {"id": "c1", "token": "token-c1"}
    assert _IssuingServer.seen == [(None, None), ("c1", "token-c1"), ("c1", "token-c1")]
