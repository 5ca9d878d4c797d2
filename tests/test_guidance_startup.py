"""The action server refuses to start with a broken guidance registry, and starts with the real one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

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


def test_a_broken_registry_stops_the_action_server_with_a_clear_message(tmp_path):
    broken = tmp_path / "guidance.yml"
    broken.write_text(
        "links:\n"
        "  - {id: fake, title: {nl: Nep, en: Fake}, url: 'http://phish.example/', owner: Nobody,\n"
        "     topics: [phishing], status: checked, checked_on: 2026-02-05}\n"
        "phones: []\n",
        encoding="utf-8",
    )
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
