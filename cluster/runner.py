"""The whole cluster on one machine: PostgreSQL, Redis, action server, N Rasa instances, nginx.

Everything listens on 127.0.0.1. ``Cluster.start()`` starts the services in
order and waits until each answers (Rasa instances: a loaded model);
``Cluster.stop()`` stops them in reverse order. The processes run in their own
sessions, so ``make cluster`` can return while they keep running;
``stop_recorded()`` stops them later from the recorded process ids.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import settings
from cluster.nginx import STATIC, NginxSettings, write_config
from cluster.services import Nginx, Postgres, Redis, Service, free_port
from runtime.server_env import server_env
from webchat.pages import render_pages

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENDPOINTS = ROOT / "deploy" / "endpoints.cluster.yml"
CREDENTIALS = ROOT / "credentials.yml"
STATE_FILE = "state.json"
PAGE_DIR = "page"
RASA_START_TIMEOUT_S = 420.0


@dataclass
class ClusterSettings:
    """Where and how the cluster runs.

    Attributes:
        state_dir: Database files, secrets, nginx's working folder, the process record.
        log_dir: One log file per process.
        model: The trained model every instance loads.
        instances: Number of Rasa server instances.
        port: nginx's port, the only one meant for users.
        rasa_ports: Ports of the instances (free ones when empty).
        action_port: Port of the action server (free one when 0).
        action_url_port: Port the instances call for actions (the action server's when 0;
            tests put a proxy in between).
        postgres_port: Port of PostgreSQL (free one when 0).
        redis_port: Port of Redis (free one when 0).
        lock_lifetime_s: ``TICKET_LOCK_LIFETIME`` of the lock store.
        turn_timeout_s: ``TURN_TIMEOUT_S``: longest turn.
        queue_timeout_s: ``QUEUE_TIMEOUT_S``: longest wait for a turn.
        rate_per_s: nginx's request rate per client address.
        burst: nginx's burst per client address.
        extra_env: More environment for the Rasa instances.
        endpoints: Endpoints file of the Rasa instances (stores, action server).
    """

    state_dir: Path
    log_dir: Path
    model: Path
    instances: int = 2
    port: int = 8080
    rasa_ports: List[int] = field(default_factory=list)
    action_port: int = 0
    action_url_port: int = 0
    postgres_port: int = 0
    redis_port: int = 0
    lock_lifetime_s: float = 60.0
    turn_timeout_s: float = 20.0
    queue_timeout_s: float = 20.0
    rate_per_s: int = 10
    burst: int = 40
    extra_env: Dict[str, str] = field(default_factory=dict)
    endpoints: Path = ENDPOINTS

    def __post_init__(self) -> None:
        """Picks free ports for those not given."""
        if self.instances < 1:
            raise ValueError("at least one Rasa instance")
        self.rasa_ports = list(self.rasa_ports) or [free_port() for _ in range(self.instances)]
        self.action_port = self.action_port or free_port()
        self.action_url_port = self.action_url_port or self.action_port
        self.postgres_port = self.postgres_port or free_port()
        self.redis_port = self.redis_port or free_port()


def reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can pass through every folder down to ``path``.

    As root, PostgreSQL and nginx's workers run as other users (postgres,
    www-data/nobody); they must pass through the folders above their files.
    """
    path = path.resolve()
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [path, *path.parents] if folder.exists())


def default_state_dir(root: Path) -> Path:
    """The state folder of ``make cluster``: ``root/.cluster``, or a fixed folder under /tmp.

    Run as root from a clone the service users cannot pass through (a private
    mktemp folder, a home folder of mode 0700), PostgreSQL and nginx would not
    reach their files; then the state goes to a folder under the system's
    temporary folder, named after the clone (so ``make cluster-stop`` finds it).

    Args:
        root: The clone's folder.

    Returns:
        The folder for the cluster's data, secrets and process record.
    """
    if os.geteuid() != 0 or reachable_by_others(root):
        return root / ".cluster"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"bvo-cluster-{digest}"


def prepare_state_dir(state_dir: Path) -> None:
    """Creates the state folder; other users may pass through it (mode 0711), not list or read it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(state_dir, 0o711)


def publish_page(source: Path, target: Path) -> Path:
    """Copies the web page, its pages filled in, to the folder nginx serves, readable by nginx's workers.

    nginx's workers do not run as the user who started it when that is root,
    and the clone may lie in a folder they cannot enter; a copy with modes
    0755 (folders) and 0644 (files) in the state folder always works.

    Args:
        source: The page's folder (webchat/static).
        target: The copy's folder; replaced when it exists.

    Returns:
        ``target``.
    """
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    # The pages themselves are filled in from the settings and the content (webchat.pages).
    for name, html in render_pages().items():
        (target / name).write_text(html, encoding="utf-8")
    for folder, _, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)
    return target


def load_secrets(state_dir: Path) -> Dict[str, str]:
    """Returns the database and Redis passwords and the session secret, created on first use (file mode 0600).

    The session secret signs the conversation tokens (``SESSION_SECRET``,
    ``channels.sessions``): every instance needs the same one, and keeping it
    lets conversations go on after the cluster restarts.
    """
    path = state_dir / "secrets.json"
    values = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    wanted = {"db_password": lambda: secrets.token_urlsafe(24),
              "redis_password": lambda: secrets.token_urlsafe(24),
              "session_secret": lambda: secrets.token_hex(32)}
    missing = [name for name in wanted if name not in values]
    if missing:
        state_dir.mkdir(parents=True, exist_ok=True)
        values.update({name: wanted[name]() for name in missing})
        path.touch(mode=0o600)
        path.write_text(json.dumps(values), encoding="utf-8")
    return values


def http_status(url: str, timeout_s: float = 5.0) -> Optional[int]:
    """GETs a URL; returns the status code, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class ActionServer(Service):
    """The action server (``runtime.action_server``), on 127.0.0.1 only, with the cluster's token."""

    def __init__(self, port: int, log_dir: Path, env: Dict[str, str]) -> None:
        super().__init__("actions", log_dir)
        self.port = port
        self.env = env

    def start(self) -> ActionServer:
        """Starts the action server (waits with ``wait_ready``)."""
        self._spawn([sys.executable, "-m", "runtime.action_server", "--actions", "actions",
                     "--port", str(self.port)], cwd=ROOT, env={**self.env, "ACTION_HOST": "127.0.0.1"})
        return self

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        """Waits until ``/health`` answers.

        Raises:
            RuntimeError: It stopped or did not answer in time.
        """
        wait_http(f"http://127.0.0.1:{self.port}/health", self, timeout_s)


class RasaInstance(Service):
    """One Rasa server: channels only (no HTTP API), shared stores, on 127.0.0.1."""

    def __init__(self, index: int, port: int, model: Path, log_dir: Path, env: Dict[str, str],
                 endpoints: Path = ENDPOINTS) -> None:
        super().__init__(f"rasa-{index}", log_dir)
        self.port = port
        self.model = model
        self.env = env
        self.endpoints = endpoints

    @property
    def url(self) -> str:
        """Base URL of the instance."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RasaInstance:
        """Starts the instance (waits with ``wait_ready``)."""
        self._spawn([str(BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.port),
                     "-i", "127.0.0.1", "--endpoints", str(self.endpoints),
                     "--credentials", str(CREDENTIALS)], cwd=ROOT, env=server_env(self.env))
        return self

    def wait_ready(self, timeout_s: float = RASA_START_TIMEOUT_S) -> None:
        """Waits until the instance has loaded its model.

        Raises:
            RuntimeError: It stopped or was not ready in time.
        """
        wait_http(f"{self.url}/webhooks/health/ready", self, timeout_s)


def wait_http(url: str, service: Service, timeout_s: float) -> None:
    """Waits until ``url`` answers 200.

    Raises:
        RuntimeError: The service stopped, or no 200 within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not service.running():
            raise RuntimeError(f"{service.name} stopped during start-up; see {service.log_path}")
        if http_status(url, timeout_s=5) == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{service.name} was not ready at {url} within {timeout_s:g} s; "
                       f"see {service.log_path}")


class Cluster:
    """The services of the cluster, started and stopped together.

    Args:
        settings: Ports, folders, model and limits.
    """

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        s = settings
        prepare_state_dir(s.state_dir)
        secret = load_secrets(s.state_dir)
        self.postgres = Postgres(s.state_dir / "postgres", s.postgres_port, secret["db_password"], s.log_dir)
        self.redis = Redis(s.state_dir / "redis", s.redis_port, secret["redis_password"], s.log_dir)
        env = self.environment(secret)
        self.actions = ActionServer(s.action_port, s.log_dir, env)
        self.instances = [RasaInstance(index, port, s.model, s.log_dir, env, s.endpoints)
                          for index, port in enumerate(s.rasa_ports)]
        nginx_settings = NginxSettings(port=s.port, rasa_ports=s.rasa_ports, prefix=s.state_dir / "nginx",
                                       log_dir=s.log_dir, rate_per_s=s.rate_per_s, burst=s.burst,
                                       static_dir=s.state_dir / PAGE_DIR)
        self.nginx_config = write_config(nginx_settings, s.state_dir / "nginx.conf")
        self.nginx = Nginx(self.nginx_config, nginx_settings.prefix, s.port, s.log_dir)

    def environment(self, secret: Dict[str, str]) -> Dict[str, str]:
        """Environment of the action server and the Rasa instances."""
        s = self.settings
        env = dict(os.environ)
        env.update({
            "ACTION_PORT": str(s.action_url_port),
            "DB_HOST": "127.0.0.1", "DB_PORT": str(s.postgres_port), "DB_NAME": "rasa",
            "DB_USER": Postgres.USER, "DB_PASSWORD": secret["db_password"],
            "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(s.redis_port),
            "REDIS_PASSWORD": secret["redis_password"],
            "TICKET_LOCK_LIFETIME": f"{s.lock_lifetime_s:g}", "TURN_TIMEOUT_S": f"{s.turn_timeout_s:g}",
            "QUEUE_TIMEOUT_S": f"{s.queue_timeout_s:g}",
            "RASA_TELEMETRY_ENABLED": "false", "SANIC_ACCESS_LOG": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
            # All instances sign and check the conversation tokens with one key (channels.sessions).
            "SESSION_SECRET": (settings.get("SESSION_SECRET") or "").strip() or secret["session_secret"],
        })
        if settings.get("RASA_PATCHES"):
            # The action server answers only the instances (runtime.action_server, runtime.action_token);
            # stock Rasa (RASA_PATCHES=0) cannot send the token, as with `make run`.
            env["ACTION_SERVER_TOKEN"] = secrets.token_urlsafe(24)
        # The page is served by nginx: its origin may open socket.io (channels.config.allowed_origins).
        env.setdefault("ALLOWED_ORIGINS", f"http://localhost:{s.port},http://127.0.0.1:{s.port}")
        env.update(s.extra_env)
        return env

    @property
    def url(self) -> str:
        """The address users open (nginx)."""
        return f"http://127.0.0.1:{self.settings.port}"

    def services(self) -> List[Service]:
        """All services, in start order."""
        return [self.postgres, self.redis, self.actions, *self.instances, self.nginx]

    def start_stores(self) -> None:
        """Starts PostgreSQL and Redis and waits until both answer (part of ``start``)."""
        self.postgres.start()
        self.redis.start()

    def start_servers(self) -> None:
        """Starts the action server, the Rasa instances and nginx; waits until each is ready.

        The second part of ``start``, after ``start_stores``; the caller stops the
        cluster when it raises.
        """
        self.actions.start()
        for instance in self.instances:
            instance.start()
        self.actions.wait_ready()
        for instance in self.instances:
            instance.wait_ready()
        publish_page(STATIC, self.settings.state_dir / PAGE_DIR)
        self.nginx.start()

    def start(self) -> Cluster:
        """Starts every service and waits until the cluster answers healthy through nginx.

        Raises:
            RuntimeError: A service did not start (the others are stopped again).
        """
        try:
            self.start_stores()
            self.start_servers()
            wait_http(f"{self.url}/health", self.nginx, 60)
        except BaseException:
            self.stop()
            raise
        self.record()
        return self

    def stop(self) -> None:
        """Stops every service, newest first; never raises."""
        for service in reversed(self.services()):
            try:
                service.stop()
            except Exception as error:  # noqa: BLE001 - go on stopping the others
                print(f"warning: stopping {service.name} failed: {error}", file=sys.stderr)
        (self.settings.state_dir / STATE_FILE).unlink(missing_ok=True)

    def record(self) -> None:
        """Writes the process ids and stop signals (for ``stop_recorded``)."""
        record = [{"name": service.name, "pid": service.pid, "signal": int(service.stop_signal),
                   "program": Path(str(service.process.args[0])).name}
                  for service in reversed(self.services()) if service.pid and service.process]
        state = {"url": self.url, "processes": record}
        (self.settings.state_dir / STATE_FILE).write_text(json.dumps(state, indent=2), encoding="utf-8")

    def __enter__(self) -> Cluster:
        """Starts the cluster."""
        return self.start()

    def __exit__(self, *_: object) -> None:
        """Stops the cluster."""
        self.stop()


def _alive(pid: int, program: str) -> bool:
    """Whether a process exists, runs ``program`` (not a reused id) and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z" and program.encode() in command


def stop_recorded(state_dir: Path, timeout_s: float = 30.0) -> List[str]:
    """Stops the processes that a detached ``make cluster`` recorded.

    Args:
        state_dir: The cluster's state folder.
        timeout_s: Time each process gets before SIGKILL.

    Returns:
        Names of the processes that were stopped.
    """
    path = state_dir / STATE_FILE
    if not path.exists():
        return []
    stopped = []
    for process in json.loads(path.read_text(encoding="utf-8"))["processes"]:
        pid, program = process["pid"], process["program"]
        if not _alive(pid, program):
            continue
        os.kill(pid, process["signal"])
        deadline = time.monotonic() + timeout_s
        while _alive(pid, program) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid, program):
            os.kill(pid, signal.SIGKILL)
        stopped.append(process["name"])
    path.unlink()
    return stopped


def recorded_running(state_dir: Path) -> bool:
    """Whether a recorded cluster still has a running process."""
    path = state_dir / STATE_FILE
    if not path.exists():
        return False
    processes = json.loads(path.read_text(encoding="utf-8"))["processes"]
    return any(_alive(process["pid"], process["program"]) for process in processes)
