"""Starts real backing services (Redis) for tests, installing them when missing.

Tests that need a service never skip: if the service cannot be installed or
started, they fail with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from typing import Iterator


def free_port() -> int:
    """Returns a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_installed(binary: str, package: str) -> str:
    """Returns the path of a binary, installing its Debian package if needed.

    Args:
        binary: Name of the executable, e.g. "redis-server".
        package: Debian package that provides it.

    Returns:
        The absolute path of the binary.

    Raises:
        RuntimeError: When it is missing and cannot be installed here.
    """
    path = shutil.which(binary)
    if path:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"{binary} is missing; install the Debian package {package}")
    subprocess.run(["apt-get", "install", "-y", "-q", package], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    path = shutil.which(binary)
    if not path:
        raise RuntimeError(f"installing {package} did not provide {binary}")
    return path


@contextmanager
def redis_server() -> Iterator[int]:
    """Runs a throw-away Redis server on loopback (no persistence).

    Yields:
        The port it listens on.
    """
    binary = ensure_installed("redis-server", "redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
