"""Operator control through a real Rasa server: safe mode, an override and the notice, on and off.

The server runs with ``OPERATOR_TOKEN`` and its own state file; the changes go
through its operator endpoints, or straight into the state file as another
instance on the same machine would write it. No retraining, no restart.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

import pytest

from operations.store import FileBackend
from operations.texts import load_texts
from tests.server.harness import ROOT, Servers
from tests.server.test_faults_server import say

pytestmark = pytest.mark.server

TOKEN = "server-operator-token-0123456789"
KEY = "utter_faq/which_data"
QUESTION = "Welke gegevens zijn gestolen?"
OVERRIDE = "Dit is de nieuwe tekst over de gestolen gegevens.\n\nBron: Bevolkingsonderzoek Nederland, 11 augustus 2025"
INTERVAL_S = 1


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("rasa-operations"), action_server=False, enable_api=False,
                      extra_env={"OPERATOR_TOKEN": TOKEN, "OPERATIONS_CHECK_INTERVAL_S": str(INTERVAL_S)}).start()
    yield running
    running.stop()


def operator(servers: Servers, method: str, path: str, body: Optional[Dict[str, Any]] = None,
             token: str = TOKEN) -> Tuple[int, Dict[str, Any]]:
    request = urllib.request.Request(f"{servers.url}/webhooks/operator/{path}", method=method,
                                     data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                                              "X-Operator-Name": "server-test"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def texts_of(servers: Servers, text: str) -> List[str]:
    messages, _ = say(servers, f"operations-{uuid.uuid4().hex[:12]}", text)
    return [m.get("text") or "" for m in messages]


def safe_texts() -> List[str]:
    return [load_texts(ROOT / "actions" / "data" / "guidance.yml").safe_mode["nl"]]


def test_safe_mode_on_and_off_through_the_endpoint(servers):
    normal = texts_of(servers, QUESTION)
    assert any(text.startswith("Bron:") or "\nBron:" in text for text in normal), normal
    assert operator(servers, "PUT", "safe-mode") [0] == 200
    try:
        assert texts_of(servers, QUESTION) == safe_texts()  # one message, once per turn
        assert texts_of(servers, "hallo") == safe_texts()
    finally:
        assert operator(servers, "DELETE", "safe-mode")[0] == 200
    assert texts_of(servers, QUESTION) == normal


def test_a_change_written_by_another_instance_counts_within_the_interval(servers):
    backend = FileBackend(servers.workdir / "operator-state.json")
    normal = texts_of(servers, QUESTION)
    backend.update(lambda state: {**state, "safe_mode": {"by": "other-instance", "at": "now"}})
    try:
        time.sleep(INTERVAL_S + 0.5)
        assert texts_of(servers, QUESTION) == safe_texts()
    finally:
        backend.update(lambda state: {k: v for k, v in state.items() if k != "safe_mode"})
    time.sleep(INTERVAL_S + 0.5)
    assert texts_of(servers, QUESTION) == normal


def test_an_override_and_the_notice_apply_and_are_removed(servers):
    normal = texts_of(servers, QUESTION)
    greeting = texts_of(servers, "hallo")
    status, body = operator(servers, "PUT", "override", {"key": KEY, "language": "nl", "text": "Alles is veilig."})
    assert status == 422 and body["problems"]
    assert operator(servers, "PUT", "override", {"key": KEY, "language": "nl", "text": OVERRIDE})[0] == 200
    assert operator(servers, "PUT", "notice", {"nl": "De brieven zijn verstuurd.", "date": "2026-12-07"})[0] == 200
    try:
        assert "\n\n".join(texts_of(servers, QUESTION)) == OVERRIDE
        # the notice is the greeting's last bubble (channels that split bubbles send it as a message of its own)
        assert "\n\n".join(texts_of(servers, "hallo")) == "\n\n".join(
            [*greeting, "Bericht van 7 december 2026: De brieven zijn verstuurd."])
    finally:
        assert operator(servers, "DELETE", "override", {"key": KEY, "language": "nl"})[0] == 200
        assert operator(servers, "DELETE", "notice")[0] == 200
    assert texts_of(servers, QUESTION) == normal
    assert texts_of(servers, "hallo") == greeting
    assert operator(servers, "GET", "state", token="wrong")[0] == 401
    log = servers.rasa_log.read_text(errors="replace")
    assert "operator change: by=server-test" in log and "action=override_set key=utter_faq/which_data" in log
    assert OVERRIDE.splitlines()[0] not in log.split("operator change")[-1].splitlines()[0]
