"""The one ``free_port()`` of the project (tests, the server harness, the local cluster, the benchmark)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Returns a TCP port that is free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
