"""The switch that turns every change to Rasa off: RASA_PATCHES=0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.patches import switched_on
from scripts.run import needs_action_server, services, settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("0", False), ("off", False), ("False", False)])
def test_the_switch_reads_the_environment(value, on):
    environ = {} if value is None else {"RASA_PATCHES": value}
    assert switched_on(environ) is on


def test_with_the_switch_off_nothing_of_rasa_is_changed():
    # a fresh interpreter: the patches are global, and other tests install them
    probe = ("from rasa.core.actions.action import RemoteAction; from rasa.core.processor import MessageProcessor\n"
             "before = (RemoteAction.run, MessageProcessor._parse_message_with_graph)\n"
             "from runtime import install, installed\n"
             "assert install() is False and not installed()\n"
             "assert (RemoteAction.run, MessageProcessor._parse_message_with_graph) == before\n")
    env = {**os.environ, "RASA_PATCHES": "0"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_make_run_starts_the_action_server_without_a_token_when_the_patches_are_off(monkeypatch):
    monkeypatch.setenv("RASA_PATCHES", "0")
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    monkeypatch.delenv("ACTIONS_IN_PROCESS", raising=False)
    env = settings()
    assert needs_action_server(env)
    assert "ACTION_SERVER_TOKEN" not in env  # stock Rasa could not send it
    assert [service.name for service in services(env, ROOT / "model.tar.gz")][0] == "action server"
    monkeypatch.setenv("RASA_PATCHES", "1")
    assert not needs_action_server(settings())
