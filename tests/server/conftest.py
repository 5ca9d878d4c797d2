"""Fixtures for server-level tests: one Rasa server (SQLite tracker store) per test module."""

from __future__ import annotations

import pytest

from tests.server.harness import Servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Servers:
    """The action server and Rasa server with the SQLite example endpoints, started for one module."""
    running = Servers(tmp_path_factory.mktemp("rasa-server")).start()
    yield running
    running.stop()
