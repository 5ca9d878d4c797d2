"""The endpoints files resolve their environment variables the way Rasa reads them."""

from pathlib import Path

import pytest
from rasa.utils.endpoints import read_endpoint_config

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "endpoints.yml", *sorted((ROOT / "deploy").glob("endpoints*.yml"))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_action_server_url_takes_the_port_from_the_environment(path, monkeypatch):
    monkeypatch.setenv("ACTION_PORT", "5999")
    for name in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD",  # endpoints.cluster.yml
                 "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"):
        monkeypatch.setenv(name, "x")
    endpoint = read_endpoint_config(str(path), "action_endpoint")
    assert endpoint is not None
    assert endpoint.url == "http://localhost:5999/webhook"
