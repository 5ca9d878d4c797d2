"""Starts real backing services (Redis) for tests, installing them when missing.

PostgreSQL and nginx: ``cluster.services`` (used by the cluster tests).

Tests that need a service never skip: if the service cannot be installed or
started, they fail with the reason.
"""

from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager
from typing import Iterator

from cluster.services import ensure_installed, free_port

__all__ = ["ensure_installed", "free_port", "redis_server"]


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
