"""Trains and starts the two assistants under test; measures training time and cold start."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bench.procstat import memory_kib

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 300.0
WEBHOOK = "/webhooks/rest/webhook"


def free_port() -> int:
    """Returns a TCP port that is free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(**extra: str) -> Dict[str, str]:
    """Returns the environment of the servers: no telemetry, no access log, quiet TensorFlow."""
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_ACCESS_LOG": "false",
        "RASA_MAX_CACHE_SIZE": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update(extra)
    return env


def timed(command: List[str], cwd: Path, log: Path) -> float:
    """Runs ``command`` to the end, output to ``log``; returns its wall time in seconds.

    Raises:
        RuntimeError: If the command fails.
    """
    started = time.monotonic()
    with log.open("w") as out:
        code = subprocess.run(command, cwd=cwd, env=bench_env(), stdout=out, stderr=subprocess.STDOUT,
                              check=False).returncode
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {code}; see {log}")
    return time.monotonic() - started


def current_ours_model() -> Path:
    """Returns the path the project's own training gives the current model (scripts.model_key)."""
    out = subprocess.run([sys.executable, "-m", "scripts.model_key"], cwd=ROOT, env=bench_env(),
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    return Path(out.strip().splitlines()[-1])


def train_ours(log: Path) -> float:
    """Trains this assistant from scratch with ``make train``; returns the wall time.

    The current model file is removed first so that ``make train`` really trains.
    """
    current_ours_model().unlink(missing_ok=True)
    return timed(["make", "train"], ROOT, log)


def create_stock_project(path: Path) -> None:
    """Creates the stock ``rasa init`` project in ``path`` (the same files, without its training).

    ``rasa init --no-prompt`` copies Rasa's scaffold and then trains; the copy is done
    here directly so that training is done (and timed) once, by ``train_stock``.
    """
    from rasa.cli.scaffold import create_initial_project

    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    create_initial_project(str(path))
    (path / "credentials.yml").write_text("rest:\n", encoding="utf-8")


def train_stock(path: Path, log: Path) -> float:
    """Trains the stock assistant with ``rasa train`` (its own config); returns the wall time."""
    shutil.rmtree(path / "models", ignore_errors=True)
    return timed([str(BIN / "rasa"), "train", "--out", "models"], path, log)


def first_answer(url: str, proc: subprocess.Popen, text: str, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    """Posts ``text`` to the REST webhook until an answer comes back.

    Raises:
        RuntimeError: If the process stops or no answer comes within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    body = json.dumps({"sender": "bench-coldstart", "message": text}).encode()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server stopped during start-up (exit code {proc.returncode})")
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200 and response.read().strip() not in (b"", b"[]"):
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer at {url} within {timeout_s} s")


@dataclass
class RunningAssistant:
    """An assistant under test: its Rasa server and, for ours, its action server.

    Attributes:
        name: "stock" or "ours".
        url: The REST webhook URL.
        rasa: The Rasa server process.
        helpers: Other processes of the assistant (the action server).
        cold_start_s: Seconds from process start to the first answer.
        logs: Log files of the processes.
    """

    name: str
    url: str
    rasa: subprocess.Popen
    helpers: List[subprocess.Popen] = field(default_factory=list)
    cold_start_s: Optional[float] = None
    logs: List[Path] = field(default_factory=list)

    def pids(self) -> Dict[str, int]:
        """Returns the process ids by role."""
        found = {"rasa_server": self.rasa.pid}
        for proc in self.helpers:
            found["action_server"] = proc.pid
        return found

    def memory(self) -> Dict[str, Dict[str, int]]:
        """Returns current and peak RSS (KiB) of every process by role."""
        return {role: memory_kib(pid) for role, pid in self.pids().items()}

    def stop(self) -> None:
        """Stops the assistant's processes (only these; kills what does not stop in 20 s)."""
        procs = [self.rasa, *self.helpers]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_stock(project: Path, workdir: Path) -> RunningAssistant:
    """Starts the stock assistant (REST channel only) and waits for its first answer."""
    port = free_port()
    model = sorted((project / "models").glob("*.tar.gz"))[-1]
    log = workdir / "stock-rasa.log"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            cwd=project, env=bench_env(), stdout=out, stderr=subprocess.STDOUT)
    assistant = RunningAssistant("stock", f"http://127.0.0.1:{port}{WEBHOOK}", proc, logs=[log])
    try:
        first_answer(assistant.url, proc, "hello")
    except RuntimeError:
        assistant.stop()
        raise
    assistant.cold_start_s = time.monotonic() - started
    return assistant


def start_ours(model: Path, workdir: Path) -> RunningAssistant:
    """Starts this assistant as scripts/run.py does (action server + Rasa server, project files).

    Both processes start at the same moment; the cold start runs until the first answer.
    """
    port, action_port = free_port(), free_port()
    env = bench_env(ACTION_PORT=str(action_port), RASA_PORT=str(port))
    rasa_log, action_log = workdir / "ours-rasa.log", workdir / "ours-actions.log"
    started = time.monotonic()
    with action_log.open("w") as out:
        actions = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    with rasa_log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
             "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    assistant = RunningAssistant("ours", f"http://127.0.0.1:{port}{WEBHOOK}", proc, [actions],
                                 logs=[rasa_log, action_log])
    try:
        first_answer(assistant.url, proc, "Hallo")
    except RuntimeError:
        assistant.stop()
        raise
    assistant.cold_start_s = time.monotonic() - started
    return assistant


