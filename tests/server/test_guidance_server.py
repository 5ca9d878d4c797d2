"""A real ``rasa run`` with a broken guidance registry (``GUIDANCE_REGISTRY``): it starts and apologises.

The README's claim: an invalid guidance registry does not stop the Rasa server.
Every custom action then gives the apology (the flows, and also the answer
action behind every FAQ answer), and one log line says why (the registry's
file and its problems). No action server runs, and its port is closed: the
actions run in the Rasa server (the default).
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import closed_port_url
from tests.server.harness import Servers
from tests.server.test_faults_server import FAQ_QUESTION, apology, say
from tests.test_guidance_startup import broken_registry

# The time limit and the apology, and the actions run in the server, are changes to Rasa (runtime/).
pytestmark = [pytest.mark.server, pytest.mark.patches]
SITUATION = '/choose{"flow":"situation"}'


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rasa-broken-registry")
    registry = broken_registry(folder)
    port = closed_port_url().rsplit(":", 1)[1].split("/")[0]
    running = Servers(folder, action_server=False, enable_api=False,
                      extra_env={"ACTION_PORT": port, "GUIDANCE_REGISTRY": str(registry)}).start()
    yield running, registry
    running.stop()


def test_the_server_starts_and_the_log_says_why_the_flows_cannot_run(broken):
    servers, registry = broken
    lines = [line for line in servers.rasa_log.read_text(errors="replace").splitlines()
             if "cannot be loaded" in line]
    assert len(lines) == 1, lines
    assert "every flow will answer with the apology" in lines[0]
    assert "guidance registry" in lines[0] and str(registry) in lines[0]
    assert "url must be https" in lines[0]


def test_a_question_gets_the_apology_not_silence(broken):
    servers, _ = broken
    answer, _ = say(servers, f"broken-{uuid.uuid4().hex[:12]}", FAQ_QUESTION)
    assert [m.get("text") for m in answer] == apology()


def test_the_guidance_flow_answers_with_the_apology(broken):
    servers, _ = broken
    sender = f"broken-{uuid.uuid4().hex[:12]}"
    message = SITUATION
    for _ in range(3):  # the flow's question (a response), then its first custom action
        answer, _ = say(servers, sender, message)
        texts = [m.get("text") for m in answer]
        if set(texts) & set(apology()):
            break
        buttons = [button for m in answer for button in m.get("buttons") or []]
        message = buttons[0]["payload"] if buttons else "1"
    assert texts == apology()
