"""Starts the whole assistant locally: Rasa server, web page, and the action server if needed.

Ports come from RASA_PORT (5005), ACTION_PORT (5055) and WEB_PORT (8080).
Everything listens on BIND_HOST (default 127.0.0.1, this machine only); set
BIND_HOST=0.0.0.0 to reach the page from other machines. The actions run in
the Rasa server (ACTIONS_IN_PROCESS, default on), so no action server is
started; with ACTIONS_IN_PROCESS=0 it is (``runtime.action_server``), on
127.0.0.1 (ACTION_HOST) with a token (ACTION_SERVER_TOKEN, random per run
when unset) that the Rasa server sends. Ctrl-C (or SIGTERM) stops everything.
Trains first when the model is missing or stale (``--model`` serves a given one).

``RASA_WORKERS=N`` starts N Rasa server processes, on the ports ``RASA_PORT``
to ``RASA_PORT``+N-1, so that one machine's cores all answer; each keeps its
own conversations and the page relays each conversation to its process
(``channels.workers``, ``webchat.upstreams``). They share one
``SESSION_SECRET``: the operator's, or one made for this run (in the
processes' environment only, never written or printed). Messaging webhooks
reach the first process (``RASA_PORT``). Not with the handover to a person
(its webhook would reach one process only).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

import settings as catalogue
from handover import settings as handover_settings
from runtime import inprocess_actions, patches
from runtime.action_server import HOST_ENV, TOKEN_ENV
from runtime.server_env import server_env
from scripts.endpoints import endpoints_for

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 180


def settings() -> Dict[str, str]:
    """Returns the environment for the child processes, with default ports."""
    env = dict(os.environ)
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTION_PORT", "5055")
    env.setdefault("WEB_PORT", "8080")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("BIND_HOST", "127.0.0.1")
    env.setdefault("WEB_HOST", env["BIND_HOST"])
    env.setdefault(HOST_ENV, "127.0.0.1")
    if not inprocess_actions.enabled(env) and patches.switched_on(env):
        env.setdefault(TOKEN_ENV, secrets.token_urlsafe(32))  # stock Rasa (RASA_PATCHES=0) sends none
    if workers(env) > 1 and not (env.get("SESSION_SECRET") or "").strip():
        env["SESSION_SECRET"] = secrets.token_hex(32)  # one for all processes of this run
    return env


def workers(env: Mapping[str, str]) -> int:
    """The number of Rasa server processes (``RASA_WORKERS``, default 1)."""
    return int(catalogue.get("RASA_WORKERS", env))


def check_workers(env: Mapping[str, str]) -> None:
    """Refuses settings that several Rasa processes cannot serve.

    Raises:
        ValueError: ``RASA_WORKERS`` is not valid, the ports would pass 65535, or
            the handover or ``RASA_URL`` is set with more than one process.
    """
    count = workers(env)
    if count == 1:
        return
    if int(env["RASA_PORT"]) + count - 1 > 65535:
        raise ValueError(f"RASA_PORT {env['RASA_PORT']} + RASA_WORKERS {count} passes port 65535")
    if handover_settings.enabled(env):
        raise ValueError("RASA_WORKERS above 1 does not work with the handover to a person: "
                         "Chatwoot's webhook would reach one process only (use make cluster)")
    if catalogue.get("RASA_URL", env):
        raise ValueError("RASA_URL names one Rasa server: leave it unset with RASA_WORKERS above 1")


def needs_action_server(env: Mapping[str, str]) -> bool:
    """Whether the actions run on the action server: ACTIONS_IN_PROCESS=0, or the patches off."""
    return not inprocess_actions.enabled(env) or not patches.switched_on(env)


@dataclass(frozen=True)
class Service:
    """One process to start.

    Attributes:
        name: For messages.
        argv: Command line.
        env: Its environment.
        ready_url: Answers once it is up.
    """

    name: str
    argv: List[str]
    env: Dict[str, str]
    ready_url: str


def services(env: Mapping[str, str], model: Path) -> List[Service]:
    """The processes ``make run`` starts, in order (the action server only with ACTIONS_IN_PROCESS=0).

    Args:
        env: ``settings()``.
        model: The model file.

    Returns:
        The services.
    """
    rasa_port, action_port, web_port = env["RASA_PORT"], env["ACTION_PORT"], env["WEB_PORT"]
    host = env["BIND_HOST"]
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    started: List[Service] = []
    if needs_action_server(env):
        started.append(Service(
            "action server", [sys.executable, "-m", "runtime.action_server", "--port", action_port],
            dict(env), f"http://{env[HOST_ENV]}:{action_port}/health"))
    count = workers(env)
    for index in range(count):
        port = str(int(rasa_port) + index)
        worker_env = dict(env) if count == 1 else {**env, "RASA_WORKER_INDEX": str(index)}
        started.append(Service(
            "Rasa server" if count == 1 else f"Rasa server {index + 1}/{count}",
            [str(BIN / "rasa"), "run", "--model", str(model), "-i", host, "--port", port,
             "--endpoints", str(endpoints_for(env)), "--credentials", "credentials.yml",
             "--cors", f"http://localhost:{web_port}"],
            server_env(worker_env), f"http://{local}:{port}/"))
    page_env = {name: value for name, value in env.items() if name not in (TOKEN_ENV, "SESSION_SECRET")}
    started.append(Service("web page", [sys.executable, "-m", "webchat.server"], page_env,
                           f"http://{local}:{web_port}/health"))
    return started


def ensure_model() -> Path:
    """Trains when needed; returns the current model path."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.train_if_needed"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit("error: no usable model; training failed (see above)")
    return Path(result.stdout.strip().splitlines()[-1])


def wait_until_up(
    url: str,
    proc: subprocess.Popen,
    name: str,
    timeout_s: float = STARTUP_TIMEOUT_S,
    interval_s: float = 1.0,
) -> None:
    """Polls ``url`` with GET until it answers.

    Args:
        url: Address that answers once the service is up.
        proc: The service's process, to notice when it dies.
        name: Name of the service, for the error message.
        timeout_s: How long to wait.
        interval_s: Pause between attempts.

    Raises:
        RuntimeError: If the process stops or ``url`` does not answer within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} stopped during start-up (exit code {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(interval_s)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout_s} s")


def stop_all(procs: List[subprocess.Popen]) -> None:
    """Stops the child processes, newest first; kills what does not stop."""
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.terminate()
    for proc in reversed(procs):
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Parses the command line (``--model``)."""
    parser = argparse.ArgumentParser(prog="python -m scripts.run", description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="serve this model instead of training when needed")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Starts the services and waits until one stops or Ctrl-C."""
    args = parse_args(argv)
    if not (ROOT / "webchat" / "static" / "vendor").is_dir():
        sys.exit("error: the web page is not built: run `make web` (or `make run`)")
    try:
        env = settings()
        check_workers(env)
    except ValueError as error:
        sys.exit(f"error: {error}")
    model = args.model or ensure_model()
    planned = services(env, model)
    procs: List[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        for service in planned:
            procs.append(subprocess.Popen(service.argv, cwd=ROOT, env=service.env))
        for service, proc in zip(planned, procs, strict=True):
            wait_until_up(service.ready_url, proc, service.name)
        print(f"\n==> the assistant is ready: open http://localhost:{env['WEB_PORT']}  (Ctrl-C stops it)\n",
              flush=True)
        while all(proc.poll() is None for proc in procs):
            time.sleep(1)
        print("==> a service stopped; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n==> stopping", file=sys.stderr)
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        stop_all(procs)


if __name__ == "__main__":
    sys.exit(main())
