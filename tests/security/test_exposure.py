"""Finding 3: nothing listens beyond this machine under `make run`, and the action server is closed.

The processes are started exactly as ``scripts/run.py`` (``make run``) plans
them, with ``ACTIONS_IN_PROCESS=0`` so that the action server runs too, and
attacked: from the machine's own network address, and at the action server
without (or with a wrong) token.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from scripts.domain_files import raw_responses
from scripts.run import ROOT, services, settings
from tests.security.client import post_json, request
from tests.server.harness import free_port, model_path

pytestmark = pytest.mark.security

TOKEN = "test-token-" + uuid.uuid4().hex
CHECKLIST = '/choose{"flow":"checklist"}'


def network_address() -> str | None:
    """This machine's address on its network (not loopback), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def made_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("make-run")
    env = {**settings(), "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
           "WEB_PORT": str(free_port()), "ACTIONS_IN_PROCESS": "0", "ACTION_SERVER_TOKEN": TOKEN,
           "HTTP_HEADER_TIMEOUT_S": "2"}
    for name in ("BIND_HOST", "WEB_HOST", "ACTION_HOST"):
        env.pop(name, None)
    env = settings_with(env)
    planned = services(env, model_path())
    procs = []
    try:
        for index, service in enumerate(planned):
            with (workdir / f"{index}.log").open("wb") as out:
                procs.append(subprocess.Popen(service.argv, cwd=ROOT, env=service.env, stdout=out,
                                              stderr=subprocess.STDOUT))
        for service, proc in zip(planned, procs, strict=True):
            wait_up(service.ready_url, proc)
        yield env, planned
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def settings_with(env):
    """``scripts.run.settings()`` as it reads this environment."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def wait_up(url, proc, timeout_s=300):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process stopped (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"no answer at {url}")


@pytest.mark.patches  # the actions run in the server: a change to Rasa (runtime.inprocess_actions)
def test_make_run_starts_no_action_server_when_actions_run_in_the_server():
    env = settings_with({k: v for k, v in os.environ.items() if k != "ACTIONS_IN_PROCESS"})
    names = [service.name for service in services(env, Path("model.tar.gz"))]
    assert names == ["Rasa server", "web page"]


def test_nothing_answers_on_the_network_address(made_run):
    env, _ = made_run
    address = network_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    for port in (env["RASA_PORT"], env["ACTION_PORT"], env["WEB_PORT"]):
        with socket.create_connection(("127.0.0.1", int(port)), timeout=2):
            pass  # up on loopback
        with pytest.raises(OSError):
            socket.create_connection((address, int(port)), timeout=2).close()


def test_action_server_refuses_calls_without_the_token(made_run):
    env, _ = made_run
    base = f"http://127.0.0.1:{env['ACTION_PORT']}"
    call = {"next_action": "action_answer", "sender_id": "x", "tracker": {}, "domain": {}, "version": "3.6.2"}
    assert post_json(base + "/webhook", call).status == 401
    assert post_json(base + "/webhook", call, headers={"Authorization": "Bearer wrong"}).status == 401
    assert request(base + "/actions").status == 401
    assert request(base + "/health").status == 200


def test_action_server_errors_do_not_echo_the_request(made_run):
    env, _ = made_run
    marker = "SECRET-" + uuid.uuid4().hex
    call = {"next_action": "action_answer", "sender_id": marker, "version": "3.6.2",
            "tracker": {"sender_id": marker, "slots": "not a dict", "latest_message": marker, "events": marker},
            "domain": {"slots": marker}}
    answer = post_json(f"http://127.0.0.1:{env['ACTION_PORT']}/webhook", call,
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status >= 400
    assert marker.encode() not in answer.body
    assert len(answer.body) < 200


@pytest.mark.patches  # Rasa sending the token is a change to Rasa (runtime.action_token)
def test_the_rasa_server_sends_the_token(made_run):
    env, _ = made_run
    sorry = raw_responses(ROOT)["utter_action_unavailable"][0]["text"].split("\n")[0]
    answer = post_json(f"http://127.0.0.1:{env['RASA_PORT']}/webhooks/rest/webhook",
                       {"sender": uuid.uuid4().hex, "message": CHECKLIST})
    texts = json.dumps(answer.json(), ensure_ascii=False)
    assert answer.status == 200 and sorry not in texts
    assert answer.json()[0].get("buttons"), texts


# Rasa's HTTP API (rasa/server.py): status, model, parsing, trackers, events, actions, training.
API_ROUTES = [("GET", "/status"), ("GET", "/version"), ("GET", "/domain"), ("POST", "/model/parse"),
              ("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"), ("POST", "/model/test/intents"),
              ("POST", "/model/predict"), ("GET", "/conversations/x/tracker"),
              ("POST", "/conversations/x/messages"), ("POST", "/conversations/x/tracker/events"),
              ("PUT", "/conversations/x/tracker/events"), ("GET", "/conversations/x/story"),
              ("POST", "/conversations/x/execute"), ("POST", "/conversations/x/trigger_intent"),
              ("POST", "/conversations/x/predict")]


@pytest.mark.parametrize("method, path", API_ROUTES)
def test_make_run_keeps_rasas_http_api_off(made_run, method, path):
    """Anyone who reaches the Rasa port cannot read or change conversations, the model or the domain."""
    env, _ = made_run
    answer = request(f"http://127.0.0.1:{env['RASA_PORT']}{path}", method,
                     '{"text": "hallo", "sender": "user", "event": "action", "name": "action_listen"}')
    assert answer.status in (404, 405), (method, path, answer.status)


def test_make_run_lets_no_other_site_read_answers(made_run):
    """CORS: Rasa's answers carry Access-Control-Allow-Origin only for the page's own origin."""
    env, _ = made_run
    url = f"http://127.0.0.1:{env['RASA_PORT']}/webhooks/rest/webhook"
    body = {"sender": uuid.uuid4().hex, "message": "hallo"}
    evil = "https://evil.example"
    refused = post_json(url, body, headers={"Origin": evil})
    preflight = request(url, "OPTIONS", headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
    for answer in (refused, preflight):
        assert answer.headers.get("access-control-allow-origin") not in (evil, "*"), answer.headers
    own = f"http://localhost:{env['WEB_PORT']}"
    assert post_json(url, body, headers={"Origin": own}).headers.get("access-control-allow-origin") == own
