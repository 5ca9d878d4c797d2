"""A broken guidance registry: the action server refuses to start; the Rasa server starts and apologises.

The Rasa server side uses the real registry path (``GUIDANCE_REGISTRY`` pointing
at a broken copy), the real ``actions`` package and the real in-process action
path, in a fresh interpreter (this one has imported ``actions`` already). The
same with a real ``rasa run``: ``tests/server/test_guidance_server.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.ports import free_port

START_TIMEOUT = 60


def start_action_server(registry_path, port: int) -> subprocess.Popen:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", SANIC_HOST="127.0.0.1")
    env.pop("GUIDANCE_REGISTRY", None)
    if registry_path is not None:
        env["GUIDANCE_REGISTRY"] = str(registry_path)
    return subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def broken_registry(folder: Path) -> Path:
    """A copy of the guidance registry with an http link and an unknown owner."""
    broken = folder / "guidance.yml"
    broken.write_text(
        "links:\n"
        "  - {id: fake, title: {nl: Nep, en: Fake}, url: 'http://phish.example/', owner: Nobody,\n"
        "     topics: [phishing], status: checked, checked_on: 2026-02-05, check: ok}\n"
        "phones: []\n",
        encoding="utf-8",
    )
    return broken


def test_a_broken_registry_stops_the_action_server_with_a_clear_message(tmp_path):
    broken = broken_registry(tmp_path)
    server = start_action_server(broken, free_port())
    try:
        output, _ = server.communicate(timeout=START_TIMEOUT)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "The action server cannot start: guidance registry" in output
    assert str(broken) in output
    assert "url must be https" in output and "unknown owner 'Nobody'" in output
    assert "Action endpoint is up and running" not in output


def test_the_real_registry_lets_the_action_server_start():
    port = free_port()
    server = start_action_server(None, port)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"action server exited: {server.communicate()[0][-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    assert response.status == 200
                    return
            except OSError:
                time.sleep(0.3)
        pytest.fail("action server did not answer /health in time")
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


# What the Rasa server does at start (``gc_freeze`` runs ``preload`` once the model is loaded),
# then a guidance action as Rasa runs it: the installed ``RemoteAction.run``.
IN_PROCESS_PROBE = """
import asyncio, logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(levelname)s %(name)s %(message)s")
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from runtime import inprocess_actions, patches
assert patches.install()
assert inprocess_actions.preload(patches._actions_package()) is False
domain = Domain.load(["domain.yml", "data/responses"])
tracker = DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), SlotSet("situation", "letter")],
                                           domain.slots)
action = RemoteAction("action_share_guidance", EndpointConfig(url="http://127.0.0.1:9/webhook"))
events = asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                tracker, domain))
print("SENT", [e.metadata.get("utter_action") for e in events if e.type_name == "bot"])
"""


@pytest.mark.patches
def test_a_broken_registry_leaves_the_rasa_server_running_with_the_apology_and_a_clear_log_line(tmp_path):
    broken = broken_registry(tmp_path)
    env = {key: value for key, value in os.environ.items() if key not in ("ACTIONS_IN_PROCESS", "RASA_PATCHES")}
    env.update(GUIDANCE_REGISTRY=str(broken), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "-c", IN_PROCESS_PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=START_TIMEOUT * 2)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    log = done.stdout + done.stderr
    assert "SENT ['utter_action_unavailable']" in log
    line = next(line for line in log.splitlines() if "cannot be loaded" in line)
    assert "every flow will answer with the apology" in line
    assert "The action server cannot start: guidance registry" in line and str(broken) in line
