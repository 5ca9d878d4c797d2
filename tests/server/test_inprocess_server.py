"""A running Rasa server runs the custom actions itself (ACTIONS_IN_PROCESS, default on).

The server's action endpoint points at a port nobody listens on: with the
default, the checklist flow (form validation and the closing action) and the
fallback still work, because no action goes over HTTP; the server's log says
so. (With ``ACTIONS_IN_PROCESS=0`` the same endpoint gives the apology:
tests/server/test_faults_server.py.)
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import closed_port_url
from tests.server.harness import Servers
from tests.server.test_faults_server import CHECKLIST, apology, say, tracker

# The time limit and the apology, and the actions run in the server, are changes to Rasa (runtime/).
pytestmark = [pytest.mark.server, pytest.mark.patches]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    port = closed_port_url().rsplit(":", 1)[1].split("/")[0]
    running = Servers(tmp_path_factory.mktemp("rasa-inprocess"), extra_env={"ACTION_PORT": port}).start()
    yield running
    running.stop()


def test_the_log_says_the_actions_run_in_the_server_and_the_loaded_objects_are_frozen(servers):
    log = servers.rasa_log.read_text(errors="replace")
    assert "custom actions in the Rasa server (ACTIONS_IN_PROCESS=1)" in log
    assert "model loaded for prediction only" in log
    assert re.search(r"\d+ actions of actions/ loaded in the Rasa server", log)  # at start, before the freeze
    frozen = re.search(r"garbage collector: (\d+) objects of the loaded server frozen", log)
    assert frozen and int(frozen.group(1)) > 100_000, "the model's objects are frozen once it is loaded"


def test_the_checklist_flow_runs_without_an_action_server(servers):
    sender = f"inprocess-{uuid.uuid4().hex[:12]}"
    asked, _ = say(servers, sender, CHECKLIST)
    assert asked and asked[0].get("buttons"), asked
    answer, _ = say(servers, sender, asked[0]["buttons"][0]["payload"])
    texts = [m.get("text") or "" for m in answer]
    assert texts and not set(texts) & set(apology())
    assert any("http" in text for text in texts)  # the checklist with its official links
    state = tracker(servers, sender)
    assert not (state.get("active_loop") or {}).get("name")
    assert state["latest_action_name"] == "action_listen"
    log = servers.rasa_log.read_text(errors="replace")
    assert "Couldn't connect" not in log and "could not run" not in log


def test_the_fallback_action_runs_without_an_action_server(servers):
    answer, _ = say(servers, f"inprocess-{uuid.uuid4().hex[:12]}", "xqzv blorp fnargh wibble")
    texts = [m.get("text") or "" for m in answer]
    assert texts and texts[0] and not set(texts) & set(apology())
