"""Starts the whole assistant locally: Rasa server, web page, and the action server if needed.

Ports come from RASA_PORT (5005), ACTION_PORT (5055) and WEB_PORT (8080).
Everything listens on BIND_HOST (default 127.0.0.1, this machine only); set
BIND_HOST=0.0.0.0 to reach the page from other machines. The actions run in
the Rasa server (ACTIONS_IN_PROCESS, default on), so no action server is
started; with ACTIONS_IN_PROCESS=0 it is (``runtime.action_server``), on
127.0.0.1 (ACTION_HOST) with a token (ACTION_SERVER_TOKEN, random per run
when unset) that the Rasa server sends. Ctrl-C (or SIGTERM) stops everything.
Trains first when the model is missing or stale.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping

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
    return env


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
    started.append(Service(
        "Rasa server",
        [str(BIN / "rasa"), "run", "--model", str(model), "-i", host, "--port", rasa_port,
         "--endpoints", str(endpoints_for(env)), "--credentials", "credentials.yml",
         "--cors", f"http://localhost:{web_port}"],
        server_env(env), f"http://{local}:{rasa_port}/"))
    page_env = {name: value for name, value in env.items() if name != TOKEN_ENV}
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


def main() -> int:
    """Starts the three services and waits until one stops or Ctrl-C."""
    if not (ROOT / "webchat" / "static" / "vendor").is_dir():
        sys.exit("error: the web page is not built: run `make web` (or `make run`)")
    env = settings()
    model = ensure_model()
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
