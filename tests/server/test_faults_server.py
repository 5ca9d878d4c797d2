"""Action server failing, slow or down: a running Rasa server still answers, within 2 s, never silence.

The Rasa server's action endpoint points at a fake action server on loopback
(``ACTION_PORT``), which answers HTTP 500, answers too late, or is stopped (its
port then refuses connections). The project's real action server is started by
the harness as usual but not used. The tests run in file order: the fake is
stopped by the last ones.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple

import pytest

from runtime import patches
from scripts.domain_files import raw_responses
from tests.conftest import ROOT
from tests.server.harness import RestConversations, Servers

# The time limit and the apology, and the actions run in the server, are changes to Rasa (runtime/).
pytestmark = [pytest.mark.server, pytest.mark.patches]

WALL_LIMIT_S = 2.0
SLOW_S = 5.0
CHECKLIST = '/choose{"flow":"checklist"}'
FAQ_QUESTION = "Wat is er gebeurd?"


def apology() -> List[str]:
    """The Dutch apology as the channels send it: one message per bubble (blank line)."""
    variations = raw_responses(ROOT)["utter_action_unavailable"]
    text = next(v["text"] for v in variations if not v.get("condition"))
    return [bubble.strip() for bubble in re.split(r"\n\s*\n", text) if bubble.strip()]


class FakeActionServer:
    """Answers every action call according to ``mode`` ("error": HTTP 500, "slow": after SLOW_S)."""

    def __init__(self) -> None:
        self.mode = "error"
        self.calls: List[Tuple[str, str]] = []  # (sender_id, next_action)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                fake.calls.append((body.get("sender_id", ""), body.get("next_action", "")))
                try:
                    if fake.mode == "slow":
                        time.sleep(SLOW_S)
                        answer, status = b'{"events": [], "responses": []}', 200
                    else:
                        answer, status = b"Internal Server Error", 500
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # Rasa stopped waiting, as it should

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def actions_for(self, sender: str) -> List[str]:
        return [action for who, action in self.calls if who == sender]

    def stop(self) -> None:
        """Stops serving and closes the port: connections are refused from now on."""
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def fake():
    server = FakeActionServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, fake):
    running = Servers(tmp_path_factory.mktemp("rasa-faults"), extra_env={"ACTION_PORT": str(fake.port),
                                                                             "ACTIONS_IN_PROCESS": "0"}).start()
    yield running
    running.stop()


REST = RestConversations()


def say(servers: Servers, sender: str, text: str) -> Tuple[List[Dict[str, Any]], float]:
    started = time.monotonic()
    _, messages = REST.say(f"{servers.url}/webhooks/rest/webhook", sender, {"message": text})
    return messages, time.monotonic() - started


def tracker(servers: Servers, sender: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{servers.url}/conversations/{REST.id(sender)}/tracker", timeout=60) as answer:
        return json.loads(answer.read())


def new_sender() -> str:
    return f"faults-{uuid.uuid4().hex[:12]}"


def assert_apology_and_listening(servers: Servers, sender: str, messages, elapsed: float) -> None:
    assert elapsed < WALL_LIMIT_S
    assert [m.get("text") for m in messages] == apology()
    state = tracker(servers, sender)
    assert not (state.get("active_loop") or {}).get("name")
    assert state["slots"].get("flow") is None and state["slots"].get("requested_slot") is None
    assert state["latest_action_name"] == "action_listen"


def test_the_runtime_patches_are_active_in_the_server(servers):
    log = servers.rasa_log.read_text(errors="replace")
    count = len(patches.CHANGES)  # every change is active with the default settings
    assert f"runtime changes active ({count} of {count})" in log
    assert "a limit on messages in progress" in log


def test_with_actions_over_http_every_answer_asks_the_action_server_and_a_failure_gets_the_apology(
        servers, fake):
    """One way per deployment: with ACTIONS_IN_PROCESS=0 the answer action goes over HTTP too."""
    fake.mode = "error"
    sender = new_sender()
    messages, elapsed = say(servers, sender, FAQ_QUESTION)
    assert fake.actions_for(REST.id(sender))[:1] == ["action_answer"]
    assert_apology_and_listening(servers, sender, messages, elapsed)


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_a_flow_the_action_server_cannot_run_gets_the_apology(servers, fake, mode):
    fake.mode = mode
    sender = new_sender()
    messages, elapsed = say(servers, sender, CHECKLIST)
    assert "validate_checklist_form" in fake.actions_for(REST.id(sender))
    assert_apology_and_listening(servers, sender, messages, elapsed)
    # The conversation goes on: the next question gets an answer too (the apology, as the server fails).
    messages, elapsed = say(servers, sender, FAQ_QUESTION)
    assert_apology_and_listening(servers, sender, messages, elapsed)


def test_action_server_down_gets_the_apology_at_once(servers, fake):
    fake.stop()
    sender = new_sender()
    messages, elapsed = say(servers, sender, CHECKLIST)
    assert_apology_and_listening(servers, sender, messages, elapsed)
    messages, elapsed = say(servers, sender, FAQ_QUESTION)
    assert_apology_and_listening(servers, sender, messages, elapsed)
