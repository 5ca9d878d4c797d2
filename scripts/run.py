"""Starts the whole assistant locally: action server, Rasa server, web page.

Ports come from RASA_PORT (5005), ACTION_PORT (5055) and WEB_PORT (8080).
Ctrl-C (or SIGTERM) stops all three. Trains first when the model is missing
or stale.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

from runtime.server_env import server_env

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
    env.setdefault("SANIC_ACCESS_LOG", "false")  # the access log would hold client IP addresses
    return env


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
    rasa, ports = str(BIN / "rasa"), (env["RASA_PORT"], env["ACTION_PORT"], env["WEB_PORT"])
    procs: List[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        procs.append(subprocess.Popen(
            [rasa, "run", "actions", "--actions", "actions", "--port", ports[1]], cwd=ROOT, env=env))
        procs.append(subprocess.Popen(
            [rasa, "run", "--model", str(model), "--port", ports[0], "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--cors", f"http://localhost:{ports[2]}"],
            cwd=ROOT, env=server_env(env)))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "webchat.server"], cwd=ROOT, env=env))
        wait_until_up(f"http://localhost:{ports[1]}/health", procs[0], "action server")
        wait_until_up(f"http://localhost:{ports[0]}/", procs[1], "Rasa server")
        wait_until_up(f"http://localhost:{ports[2]}/health", procs[2], "web page")
        print(f"\n==> the assistant is ready: open http://localhost:{ports[2]}  (Ctrl-C stops it)\n",
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
