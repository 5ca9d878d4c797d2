"""channels/startup.py: what every start of the Rasa server applies, also for `rasa shell`."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels import startup
from channels.guard import MessageGuard
from privacy.tracker_stores import RedactingInMemoryTrackerStore
from runtime.memory_store import TrackerKeepingStore

ROOT = Path(__file__).resolve().parent.parent
BSN_MESSAGE = "Mijn BSN is 123456782, moet ik iets doen?"


class FakeAgent:
    """What the guarded handle_message reads of Rasa's agent; records what reaches Rasa."""

    def __init__(self, domain):
        self.domain = domain
        self.seen = []

    def is_ready(self):
        return True


async def rasa_handle_message(agent, message):
    agent.seen.append(message.text)
    return ["answer"]


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


def test_a_message_of_rasas_own_channel_is_checked_and_redacted(domain):
    agent, output = FakeAgent(domain), CollectingOutputChannel()
    handle = startup._guarded(rasa_handle_message)
    result = run(handle(agent, UserMessage(BSN_MESSAGE, output, "shell-user", input_channel="cmdline")))
    assert agent.seen == ["Mijn BSN is [BSN], moet ik iets doen?"]
    assert result == ["answer"]
    notice = domain.responses["utter_privacy_notice"][0]["text"]
    assert [m["text"] for m in output.messages] == [notice]


def test_a_message_that_passed_a_channel_guard_is_not_checked_twice(domain):
    agent, output = FakeAgent(domain), CollectingOutputChannel()
    handle = startup._guarded(rasa_handle_message)
    guard = MessageGuard(lambda: domain, lambda: True)
    run(guard.handle(BSN_MESSAGE, output, "web-user", lambda m: handle(agent, m), input_channel="rest"))
    assert agent.seen == ["Mijn BSN is [BSN], moet ik iets doen?"]
    assert len(output.messages) == 1  # one privacy notice, not two


def test_the_guard_is_installed_once_on_rasas_agent():
    from rasa.core.agent import Agent

    startup.guard_every_channel()
    patched = Agent.handle_message
    assert getattr(patched, startup.MARKER)
    assert startup.guard_every_channel() is False and Agent.handle_message is patched


def test_no_access_log_for_any_app():
    from sanic import Sanic

    app = Sanic("startup_test_app")
    assert app.config.ACCESS_LOG is True
    logging.getLogger(startup.ACCESS_LOGGER).disabled = False
    startup.no_access_log()
    assert app.config.ACCESS_LOG is False
    assert logging.getLogger(startup.ACCESS_LOGGER).disabled


def test_the_tracker_store_of_endpoints_yml_runs_the_start_up(domain, monkeypatch):
    calls = []
    monkeypatch.setattr(startup, "start", lambda install_runtime=False: calls.append(install_runtime))
    store = startup.StartupTrackerStore(domain)
    assert calls == [True]  # with the changes to Rasa: rasa shell reads no credentials.yml entry
    assert isinstance(store, RedactingInMemoryTrackerStore) and isinstance(store, TrackerKeepingStore)
    assert "channels.startup.StartupTrackerStore" in (ROOT / "endpoints.yml").read_text(encoding="utf-8")


def test_thread_pools_are_set_in_code_when_the_environment_does_not_set_them():
    probe = ("import tensorflow as tf\nfrom channels.startup import one_thread_per_pool\n"
             "applied = one_thread_per_pool({})\n"
             "print(len(applied), tf.config.threading.get_inter_op_parallelism_threads(),"
             " tf.config.threading.get_intra_op_parallelism_threads())\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_I")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-3:] == ["2", "1", "1"]
    assert startup.one_thread_per_pool({"TF_INTER_OP_PARALLELISM_THREADS": "2",
                                        "TF_INTRA_OP_PARALLELISM_THREADS": "2"}) == []


def test_building_a_channel_runs_the_start_up_without_changing_rasa(monkeypatch):
    calls = []
    monkeypatch.setattr(startup, "install_runtime_patches", lambda: calls.append("installed"))
    startup.start()
    assert calls == []
    startup.start(install_runtime=True)
    assert calls == ["installed"]
