"""Rasa's own commands in the project root, without make and without flags (issue 18).

`make test-plain` runs this with the model of `make train`, which is itself plain
`rasa train` (scripts/train_if_needed.py): nothing here trains. Each command runs
as a Rasa developer types it; only `--model` (the current model among several in
models/), `--port` (a free one, other servers may run), for the test stories
`--stories tests/stories` (Rasa's default is data/) and for interactive learning
`--skip-visualization` (no second web server) are given. The environment has
none of the Makefile's variables except RASA_TELEMETRY_ENABLED=false.

With the changes to Rasa off (``RASA_PATCHES=0``) stock Rasa sends every custom
action to the action server, so `rasa shell` and `rasa run` get one, started as
plain `rasa run actions` in a second process as a Rasa developer would; it
listens on a free port, which `--endpoints` (a copy of endpoints.yml,
scripts/endpoints.py) names, since other servers may hold Rasa's 5055.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

import settings
from scripts.domain_files import raw_responses
from scripts.endpoints import endpoints_for
from tests.plain_rasa.pty_session import ENTER, UP, PtySession
from tests.server.harness import free_port

pytestmark = pytest.mark.plain

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
START_TIMEOUT_S = 300
# Set by the Makefile or scripts/run.py; a plain command must not need them.
MAKE_ONLY = ("SANIC_ACCESS_LOG", "ACTION_PORT", "RASA_PORT", "TF_INTER_OP_PARALLELISM_THREADS",
             "TF_INTRA_OP_PARALLELISM_THREADS", "RASA_MAX_CACHE_SIZE", "ACTION_SERVER_TOKEN")
BSN_MESSAGE = "Mijn BSN is 123456782, wat moet ik doen?"
# A client address as Sanic's access log writes it: [127.0.0.1:54321]
CLIENT_ADDRESS = re.compile(r"\b127\.0\.0\.1:\d{2,5}\b")
# A record of Sanic's access log in Rasa's log file: its text is empty, the client address
# and the request are extra fields that another formatter (Sanic's own) would write.
ACCESS_RECORD = re.compile(r"^\S+ \S+ \[INFO \]  $", re.M)


def plain_env() -> Dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in MAKE_ONLY}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env


def model() -> str:
    chosen = settings.get("BVO_MODEL")
    if chosen:
        return chosen
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no model: run `make train` (or set BVO_MODEL)")
    return str(models[-1])


def texts(name: str) -> List[str]:
    return [variation["text"] for variation in raw_responses(ROOT)[name]]


def run(argv: List[str], timeout_s: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=plain_env(), capture_output=True, text=True, timeout=timeout_s)


def post(url: str, body: dict, timeout_s: float = 60) -> Tuple[int, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def get(url: str, timeout_s: float = 10) -> Tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def start_action_server(port: int, log: Path) -> subprocess.Popen:
    """Plain `rasa run actions` on ``port``, up once it answers /health."""
    with log.open("w") as out:
        proc = subprocess.Popen([RASA, "run", "actions", "--port", str(port)], cwd=ROOT, env=plain_env(),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if get(f"http://127.0.0.1:{port}/health")[0] == 200:
                return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(1)


def stop(proc: subprocess.Popen) -> None:
    """Ends ``proc`` and its children (started in a session of its own)."""
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)


@contextmanager
def actions_for_stock_rasa(tmp_path: Path) -> Iterator[List[str]]:
    """The flags `rasa shell` / `rasa run` need for custom actions: none with the changes to Rasa.

    With ``RASA_PATCHES=0`` an action server runs meanwhile (`rasa run actions` on a free
    port) and the flags name an endpoints.yml copy with that port.
    """
    if settings.get("RASA_PATCHES"):
        yield []
        return
    port = free_port()
    proc = start_action_server(port, tmp_path / "rasa-run-actions.log")
    try:
        yield ["--endpoints", str(endpoints_for({"ACTION_PORT": str(port)}, folder=tmp_path))]
    finally:
        stop(proc)


@pytest.fixture
def server(tmp_path) -> Iterator[Tuple[str, subprocess.Popen, Path]]:
    """Plain `rasa run` (default endpoints.yml and credentials.yml), up once it answers over REST.

    Sanic's access log reaches a file only through Rasa's ``--log-file`` and only when
    Rasa's LOG_LEVEL_LIBRARIES is INFO or DEBUG (the default is ERROR). The server
    gets both, as an operator looking into a problem would set them, so that an
    access log would show; the yielded log holds the output and the log file.
    """
    port = free_port()
    log = tmp_path / "rasa-run.log"
    with actions_for_stock_rasa(tmp_path) as flags:
        with log.open("w") as out:
            proc = subprocess.Popen([RASA, "run", "--model", model(), "--port", str(port), *flags,
                                     "--log-file", str(log.with_suffix(".file.log"))], cwd=ROOT,
                                    env={**plain_env(), "LOG_LEVEL_LIBRARIES": "INFO"}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                assert proc.poll() is None, log.read_text()[-3000:]
                try:
                    if post(url, {"sender": "warm-up", "message": "hoi"})[0] == 200:
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(2)
            yield url, proc, log
        finally:
            stop(proc)


def test_rasa_data_validate():
    done = run([RASA, "data", "validate"])
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "failed" not in out.lower() and "empty domain" not in out.lower()
    assert "No story structure conflicts found" in out


def test_rasa_test_core_on_the_test_stories(tmp_path):
    done = run([RASA, "test", "core", "--model", model(), "--stories", "tests/stories",
                "--fail-on-prediction-errors", "--out", str(tmp_path / "results")])
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    failed = (tmp_path / "results" / "failed_test_stories.yml").read_text()
    assert "stories" not in failed or "steps" not in failed
    assert "Finished collecting predictions" in done.stdout + done.stderr


def test_rasa_shell_answers_and_applies_the_privacy_check(tmp_path):
    with actions_for_stock_rasa(tmp_path) as flags:
        session = PtySession([RASA, "shell", "--model", model(), "--port", str(free_port()), *flags], ROOT,
                             {**plain_env(), "TERM": "xterm", "COLUMNS": "200", "LINES": "60"},
                             tmp_path / "rasa-shell.log")
        try:
            at = session.expect(r"Your input ->", START_TIMEOUT_S)
            session.send("hoi" + ENTER)
            at = session.expect(r"digitale assistent over het datalek", 120, at)
            session.send(ENTER)  # the first button: "Wat is er gebeurd?"
            at = session.expect(r"Criminele hackers zijn binnengekomen", 120, at)
            session.send(UP)  # the last choice: type a message of your own
            time.sleep(1)
            session.send(ENTER)
            at = session.expect(r"Your input ->", 60, at)
            session.send(BSN_MESSAGE + ENTER)
            notice = texts("utter_privacy_notice")[0]
            session.expect(re.escape(notice), 120, at)
            assert "Task exception" not in session.text and "Traceback" not in session.text
        finally:
            session.stop()


def test_rasa_run_answers_over_rest_with_the_privacy_check_and_no_access_log(server):
    url, _, log = server
    status, messages = post(url, {"sender": "plain-user", "message": BSN_MESSAGE})
    assert status == 200
    replies = [m.get("text", "") for m in messages]
    assert replies[0] == texts("utter_privacy_notice")[0]
    assert len(replies) > 1 and not any("123456782" in reply for reply in replies)
    time.sleep(1)
    log_file = log.with_suffix(".file.log").read_text()
    written = log.read_text() + log_file
    switch = "runtime changes active" if settings.get("RASA_PATCHES") else "changes to Rasa off"
    assert switch in written and "Starting worker" in log_file
    assert not CLIENT_ADDRESS.search(written), "the log holds a client address"
    assert "sanic.access" not in written
    assert not ACCESS_RECORD.search(log_file), "the access log is on"


def test_rasa_run_actions_answers_health(tmp_path):
    port = free_port()
    proc = start_action_server(port, tmp_path / "actions.log")
    try:
        status, body = get(f"http://127.0.0.1:{port}/health")
        assert status == 200 and json.loads(body) == {"status": "ok"}
    finally:
        stop(proc)


def test_rasa_interactive_starts_with_the_model(tmp_path):
    # --model: without it Rasa's interactive learning first trains a model of its own
    session = PtySession([RASA, "interactive", "--model", model(), "--port", str(free_port()),
                          "--skip-visualization"], ROOT,
                         {**plain_env(), "TERM": "xterm", "COLUMNS": "200", "LINES": "60"},
                         tmp_path / "rasa-interactive.log")
    try:
        session.expect(r"Your input ->", START_TIMEOUT_S)
        assert "Traceback" not in session.text
    finally:
        session.stop()
