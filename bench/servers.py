"""Trains and starts the two assistants under test; measures training time and cold start."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from bench.procstat import children, memory_kib
from runtime.server_env import server_env
from scripts.endpoints import endpoints_for
from scripts.run import wait_until_up
from tests.ports import free_port, free_ports  # noqa: F401 - free_port also used by importers

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 300.0
WEBHOOK = "/webhooks/rest/webhook"


# Every server under test: no telemetry, no access log, quiet TensorFlow, no training cache.
SERVER_SETTINGS: Dict[str, str] = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SANIC_ACCESS_LOG": "false",
    "RASA_MAX_CACHE_SIZE": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
}


def bench_env(**extra: str) -> Dict[str, str]:
    """Returns the environment of the servers: this process's, with ``SERVER_SETTINGS`` and ``extra``."""
    return {**os.environ, **SERVER_SETTINGS, **extra}


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
    """An assistant under test: its processes by role and how to stop them.

    Attributes:
        name: "stock", "ours" (one Rasa server process) or "cluster" (several behind nginx).
        url: The REST webhook URL the load generator posts to.
        roles: Process ids by role ("rasa_server", "action_server", "postgres", ...).
        stopper: Stops all processes of the assistant (and only these).
        cold_start_s: Seconds from the start of the Rasa server process(es) to the first answer.
        logs: Log files of the processes.
    """

    name: str
    url: str
    roles: Dict[str, List[int]]
    stopper: Callable[[], None]
    cold_start_s: Optional[float] = None
    logs: List[Path] = field(default_factory=list)

    def pids(self) -> List[int]:
        """Returns the process ids of all roles."""
        return [pid for pids in self.roles.values() for pid in pids]

    def memory(self) -> Dict[str, Dict[str, int]]:
        """Returns, per role, the current and peak RSS (KiB) of its largest process."""
        found: Dict[str, Dict[str, int]] = {}
        for role, pids in self.roles.items():
            readings = [memory_kib(pid) for pid in pids]
            readings = [reading for reading in readings if reading]
            if readings:
                found[role] = {key: max(reading.get(key, 0) for reading in readings)
                               for key in ("rss_kib", "peak_rss_kib")}
        return found

    def stop(self) -> None:
        """Stops the assistant's processes."""
        self.stopper()


def stop_processes(procs: Sequence[subprocess.Popen]) -> None:
    """Terminates ``procs`` and waits for them (kills what does not stop in 20 s)."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _single(name: str, url: str, rasa: subprocess.Popen, helpers: Sequence[subprocess.Popen],
            logs: List[Path]) -> RunningAssistant:
    roles = {"rasa_server": [rasa.pid]}
    if helpers:
        roles["action_server"] = [proc.pid for proc in helpers]
    return RunningAssistant(name, url, roles, lambda: stop_processes([rasa, *helpers]), logs=logs)


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
    assistant = _single("stock", f"http://127.0.0.1:{port}{WEBHOOK}", proc, [], [log])
    try:
        first_answer(assistant.url, proc, "hello")
    except RuntimeError:
        assistant.stop()
        raise
    assistant.cold_start_s = time.monotonic() - started
    return assistant


# The variants of this assistant the benchmark compares (issue 17): as ``make run`` starts
# it, with the parse cache off, and with every change to Rasa off (stock Rasa running this
# model and project; custom actions over HTTP to the action server).
OURS_VARIANTS: Dict[str, Dict[str, str]] = {
    "ours": {},
    "ours_nocache": {"PARSE_CACHE_SIZE": "0"},
    "ours_off": {"RASA_PATCHES": "0"},
}


def start_ours(model: Path, workdir: Path, name: str = "ours") -> RunningAssistant:
    """Starts this assistant as scripts/run.py does (action server + Rasa server, project files).

    Both processes start at the same moment; the cold start runs until the first answer.
    The parse cache logs its counts after every lookup (``PARSE_CACHE_STATS_EVERY=1``), so
    that each run's hit rate can be read from the server's log (``cache_counts``).

    Args:
        model: The model to serve.
        workdir: Folder of the log files.
        name: One of ``OURS_VARIANTS``.
    """
    port, action_port = free_port(), free_port()
    env = bench_env(ACTION_PORT=str(action_port), RASA_PORT=str(port), PARSE_CACHE_STATS_EVERY="1",
                    **OURS_VARIANTS[name])
    rasa_log, action_log = workdir / f"{name}-rasa.log", workdir / f"{name}-actions.log"
    started = time.monotonic()
    with action_log.open("w") as out:
        actions = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    with rasa_log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
             "--endpoints", str(endpoints_for(env)), "--credentials", "credentials.yml"],
            cwd=ROOT, env=server_env(env), stdout=out, stderr=subprocess.STDOUT)
    assistant = _single(name, f"http://127.0.0.1:{port}{WEBHOOK}", proc, [actions],
                        [rasa_log, action_log])
    try:
        first_answer(assistant.url, proc, "Hallo")
    except RuntimeError:
        assistant.stop()
        raise
    assistant.cold_start_s = time.monotonic() - started
    return assistant




# Arms that start this assistant as ``make run`` does (scripts/run.py: Rasa process(es) and the
# page) and load it through the page's relay ``/api/chat``: RASA_WORKERS for each.
RELAY_ARMS: Dict[str, Optional[int]] = {"relay": 1, "workers": None}  # None: ``--workers``
RELAY_PATH = "/api/chat"


def start_relay(model: Path, workdir: Path, name: str, workers: int) -> RunningAssistant:
    """Starts this assistant as ``make run`` with ``RASA_WORKERS=workers`` and loads it through the page.

    scripts/run.py starts the Rasa process(es) (actions in process, as ``make run``)
    and the page; the load generator posts to the page's ``/api/chat``, which
    relays each conversation to its Rasa process. The cold start runs until the
    first answer and the page's health (every Rasa process up). CPU and memory
    are those of the Rasa processes and the page (scripts/run.py itself only waits).

    Args:
        model: The model to serve (``scripts.run --model``).
        workdir: Folder of the log file.
        name: The arm's name (``RELAY_ARMS``).
        workers: Rasa processes.
    """
    rasa_port, web_port = free_ports(workers), free_port()
    env = bench_env(RASA_PORT=str(rasa_port), WEB_PORT=str(web_port), ACTION_PORT=str(free_port()),
                    RASA_WORKERS=str(workers))
    for unset in ("RASA_URL", "SESSION_SECRET", "RASA_WORKER_INDEX"):
        env.pop(unset, None)
    log = workdir / f"{name}-run.log"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scripts.run", "--model", str(model)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{web_port}"
    assistant = RunningAssistant(name, f"{base}{RELAY_PATH}", {}, lambda: stop_processes([proc]), logs=[log])
    try:
        first_answer(assistant.url, proc, "Hallo")
        wait_until_up(f"{base}/health", proc, "make run", timeout_s=STARTUP_TIMEOUT_S, interval_s=0.2)
    except RuntimeError:
        assistant.stop()
        raise
    assistant.cold_start_s = time.monotonic() - started
    roles: Dict[str, List[int]] = {"rasa_server": [], "web_page": []}
    for pid in children(proc.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        roles["web_page" if b"webchat.server" in command else "rasa_server"].append(pid)
    assistant.roles = roles
    return assistant


def cache_counts(logs: Sequence[Path]) -> Optional[Tuple[int, int]]:
    """The parse cache's latest hit and miss counts in the logs, summed over the server processes.

    Args:
        logs: Log files of the assistant's processes (one count line per lookup, see ``start_ours``).

    Returns:
        ``(hits, misses)``, or None when no log has a count line (no cache, or the cache is off).
    """
    pattern = re.compile(r"parse cache: (\d+) hits, (\d+) misses")
    total: Optional[Tuple[int, int]] = None
    for log in logs:
        if not log.exists():
            continue
        last = None
        with log.open("r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = pattern.search(line)
                if match:
                    last = (int(match.group(1)), int(match.group(2)))
        if last is not None:
            total = last if total is None else (total[0] + last[0], total[1] + last[1])
    return total


CLUSTER_ENDPOINTS = {"postgres": ROOT / "deploy" / "endpoints.cluster.yml",
                     "redis": ROOT / "deploy" / "endpoints.cluster-redis.yml"}


def start_cluster(model: Path, workdir: Path, instances: int, store: str = "postgres") -> RunningAssistant:
    """Starts this assistant as ``make cluster`` does, on one machine, and waits for its first answer.

    PostgreSQL, Redis, the action server, ``instances`` Rasa server processes and nginx
    (cluster/runner.py); the load generator posts to nginx, which spreads the REST
    webhook over the instances (least connections). nginx's rate limit per client
    address is lifted: all simulated users come from one address here.

    ``store`` picks the tracker store: "postgres" (deploy/endpoints.cluster.yml) or
    "redis" (deploy/endpoints.cluster-redis.yml); PostgreSQL runs in both cases.

    The cold start runs from the start of the action server and the Rasa processes
    (the stores are already up, as they would be in a deployment) to the first answer.
    """
    from cluster.runner import Cluster, ClusterSettings

    state_dir, log_dir = workdir / "cluster", workdir / "cluster-logs"
    # PostgreSQL runs as its own user (when started as root); it must pass through the
    # benchmark's private folder (0700 from mkdtemp) to its own: traverse only, no listing.
    workdir.chmod(workdir.stat().st_mode | 0o111)
    settings = ClusterSettings(state_dir=state_dir, log_dir=log_dir, model=model, instances=instances,
                               port=free_port(), rate_per_s=1_000_000, burst=100_000,
                               endpoints=CLUSTER_ENDPOINTS[store],
                               extra_env={**SERVER_SETTINGS, "PARSE_CACHE_STATS_EVERY": "1"})
    cluster = Cluster(settings)
    url = f"{cluster.url}{WEBHOOK}"
    try:
        cluster.start_stores()
        started = time.monotonic()
        cluster.start_servers()
        assert cluster.nginx.process is not None
        first_answer(url, cluster.nginx.process, "Hallo")
        cold_start_s = time.monotonic() - started
    except BaseException:
        cluster.stop()
        raise
    roles = {
        "rasa_server": [instance.pid for instance in cluster.instances if instance.pid],
        "action_server": [cluster.actions.pid] if cluster.actions.pid else [],
        "postgres": [cluster.postgres.pid] if cluster.postgres.pid else [],
        "redis": [cluster.redis.pid] if cluster.redis.pid else [],
        "nginx": [cluster.nginx.pid] if cluster.nginx.pid else [],
    }
    logs = sorted(log_dir.glob("*.log"))
    return RunningAssistant("cluster", url, roles, cluster.stop, cold_start_s, logs)
