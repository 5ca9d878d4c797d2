"""Starts a Rasa server (and the action server) on free ports for server-level tests and the fuzz run.

The model comes from ``BVO_MODEL`` or, without it, the newest file in models/.
The Rasa server runs with ``--debug`` and ``LOG_LEVEL_LIBRARIES=DEBUG`` so its
log is as complete as it gets; both logs are written to files in ``workdir``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

import settings
from channels.sessions import ID_HEADER, TOKEN_HEADER
from scripts.endpoints import endpoints_for
from tests.ports import free_port  # noqa: F401 - also used by importers of this module

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SQLITE_ENDPOINTS = ROOT / "deploy" / "endpoints.sqlite.yml"
STARTUP_TIMEOUT_S = 300


def model_path() -> Path:
    """Returns the model to test: ``BVO_MODEL``, else the newest file in models/."""
    configured = settings.get("BVO_MODEL")
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else ROOT / path
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError("no model in models/: run `make train` or set BVO_MODEL")
    return models[-1]


def sqlite_endpoints(workdir: Path) -> Path:
    """Writes deploy/endpoints.sqlite.yml with its database moved into ``workdir``."""
    config: Dict[str, Any] = yaml.safe_load(SQLITE_ENDPOINTS.read_text(encoding="utf-8"))
    config["tracker_store"]["db"] = str(workdir / "conversations.db")
    path = workdir / "endpoints.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


class RestConversations:
    """Conversations over the REST channel by the test's own names.

    The server issues each conversation's id and a token with its first answer
    (``channels.sessions``); later messages of the same name send them back.
    """

    def __init__(self) -> None:
        self.issued: Dict[str, Dict[str, str]] = {}

    def id(self, name: str) -> str:
        """The issued id of a named conversation (the name before its first answer)."""
        return self.issued.get(name, {}).get("id", name)

    def say(self, url: str, name: str, payload: Dict[str, Any], timeout_s: float = 60) -> Tuple[int, Any]:
        """POSTs ``payload`` (with ``sender`` and the token of ``name``) to the REST webhook at ``url``.

        Returns:
            The HTTP status and the parsed answer.
        """
        issued = self.issued.get(name, {})
        headers = {"Content-Type": "application/json", **({TOKEN_HEADER: issued["token"]} if issued else {})}
        body = json.dumps({**payload, "sender": self.id(name)}).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            if answer.headers.get(ID_HEADER):
                self.issued[name] = {"id": answer.headers[ID_HEADER], "token": answer.headers[TOKEN_HEADER]}
            return answer.status, json.loads(answer.read())


def rss_kib(pid: int) -> int:
    """Returns the resident set size of a process in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class Servers:
    """The action server and the Rasa server (REST channel and HTTP API), started and stopped together.

    Args:
        workdir: Folder for the logs (and the SQLite database).
        endpoints: Endpoints file; the SQLite example when None.
        model: Model file; ``model_path()`` when None.
        debug: Run with ``--debug`` and library logs at DEBUG (the fuzz run turns it off).
        extra_env: More environment variables for both servers (e.g. channel settings).
        enable_api: Start Rasa with its HTTP API (``--enable-api``); without it the server
            is what ``make run`` starts (channels only) and readiness is read from
            ``/webhooks/health/ready``.
        action_server: Start the action server too (off: the actions run in the Rasa server).
    """

    def __init__(self, workdir: Path, endpoints: Optional[Path] = None, model: Optional[Path] = None,
                 debug: bool = True, extra_env: Optional[Dict[str, str]] = None,
                 enable_api: bool = True, action_server: bool = True) -> None:
        self.workdir = workdir
        self.debug = debug
        self.extra_env = dict(extra_env or {})
        self.enable_api = enable_api
        self.action_server = action_server
        self.endpoints = endpoints or sqlite_endpoints(workdir)
        self.model = model or model_path()
        self.port, self.action_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.rasa_log = workdir / "rasa.log"
        self.action_log = workdir / "actions.log"
        self.procs: List[subprocess.Popen] = []

    def environment(self) -> Dict[str, str]:
        """Environment of both servers: maximal logs, no telemetry, no access log."""
        env = dict(os.environ)
        env.update({"ACTION_PORT": str(self.action_port), "RASA_TELEMETRY_ENABLED": "false",
                    "LOG_LEVEL_LIBRARIES": "DEBUG" if self.debug else "ERROR", "SANIC_ACCESS_LOG": "false",
                    "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1",
                    # operator control (operations/): a state of its own, never the clone's
                    "OPERATIONS_STATE_FILE": str(self.workdir / "operator-state.json")})
        env.update(self.extra_env)
        return env

    def start(self) -> Servers:
        """Starts both servers and waits until they answer.

        With the changes to Rasa off (``RASA_PATCHES=0``) stock Rasa sends every custom
        action to the action server, so it is started whatever ``action_server`` says,
        and the project's ``endpoints.yml`` is passed as a copy that names its port.
        """
        env = self.environment()
        if not settings.get("RASA_PATCHES", env):
            self.action_server = True
            if self.endpoints.resolve() == (ROOT / "endpoints.yml").resolve():
                self.endpoints = endpoints_for(env, folder=self.workdir)
        rasa = str(BIN / "rasa")
        debug = ["--debug"] if self.debug else []
        api = ["--enable-api"] if self.enable_api else []
        with self.action_log.open("wb") as action_out, self.rasa_log.open("wb") as rasa_out:
            if self.action_server:
                self.procs.append(subprocess.Popen(
                    [rasa, "run", "actions", "--actions", "actions", "--port", str(self.action_port), *debug],
                    cwd=ROOT, env=env, stdout=action_out, stderr=subprocess.STDOUT))
            self.procs.append(subprocess.Popen(
                [rasa, "run", "--model", str(self.model), "--port", str(self.port), "-i", "127.0.0.1",
                 "--endpoints", str(self.endpoints), "--credentials", "credentials.yml", *api, *debug],
                cwd=ROOT, env=env, stdout=rasa_out, stderr=subprocess.STDOUT))
        try:
            if self.action_server:
                self._wait(f"http://127.0.0.1:{self.action_port}/health", self.procs[0])
            ready = "/status" if self.enable_api else "/webhooks/health/ready"
            self._wait(f"{self.url}{ready}", self.procs[-1])
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def rasa_pid(self) -> int:
        """Process id of the Rasa server."""
        return self.procs[-1].pid

    def _wait(self, url: str, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server stopped during start-up (exit {proc.returncode}); see {self.workdir}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"no answer at {url} within {STARTUP_TIMEOUT_S} s")

    def stop(self) -> None:
        """Stops both servers (SIGTERM, then SIGKILL after 20 s)."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> Servers:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


class WebPage:
    """The web page's server (``webchat.server``) in front of a running Rasa server.

    Args:
        workdir: Folder for its log.
        rasa_url: Base URL of the Rasa server.
        extra_env: More environment variables (e.g. the allowed origins).
    """

    def __init__(self, workdir: Path, rasa_url: str, extra_env: Optional[Dict[str, str]] = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.rasa_url = rasa_url
        self.log = workdir / "webchat.log"
        self.extra_env = dict(extra_env or {})
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> WebPage:
        """Starts the page's server and waits until its health check answers 200."""
        env = {**os.environ, "WEB_PORT": str(self.port), "RASA_URL": self.rasa_url, "PYTHONUNBUFFERED": "1",
               **self.extra_env}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "webchat.server"], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"web page server stopped during start-up; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"web page server did not answer within 60 s; see {self.log}")

    def stop(self) -> None:
        """Stops the page's server."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
