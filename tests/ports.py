"""The one ``free_port()`` of the project (tests, the server harness, the local cluster, the benchmark)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Returns a TCP port that is free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int, attempts: int = 200) -> int:
    """Returns the first of ``count`` consecutive TCP ports that are free on loopback right now.

    Raises:
        RuntimeError: None found in ``attempts`` tries.
    """
    for _ in range(attempts):
        first = free_port()
        if first + count - 1 > 65535:
            continue
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports")
