"""The endpoints files resolve the action server's address the way Rasa reads them."""

from pathlib import Path

import pytest
from rasa.utils.endpoints import read_endpoint_config

from scripts.endpoints import endpoints_for

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_FILES = sorted((ROOT / "deploy").glob("endpoints*.yml"))


@pytest.mark.parametrize("path", DEPLOY_FILES, ids=lambda p: p.name)
def test_action_server_url_takes_the_port_from_the_environment(path, monkeypatch):
    monkeypatch.setenv("ACTION_PORT", "5999")
    for name in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD",  # endpoints.cluster.yml
                 "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"):
        monkeypatch.setenv(name, "x")
    endpoint = read_endpoint_config(str(path), "action_endpoint")
    assert endpoint is not None
    assert endpoint.url == "http://localhost:5999/webhook"


def test_plain_rasa_finds_the_action_server_without_any_variable(monkeypatch):
    monkeypatch.delenv("ACTION_PORT", raising=False)
    endpoint = read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint")
    assert endpoint is not None and endpoint.url == "http://localhost:5055/webhook"


def test_another_action_port_gets_a_copy_outside_the_project(tmp_path):
    assert endpoints_for({}) == ROOT / "endpoints.yml"
    assert endpoints_for({"ACTION_PORT": "5055"}) == ROOT / "endpoints.yml"
    copy = endpoints_for({"ACTION_PORT": "5999"}, folder=tmp_path)
    assert copy.parent == tmp_path
    assert read_endpoint_config(str(copy), "action_endpoint").url == "http://localhost:5999/webhook"
    original = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    assert copy.read_text(encoding="utf-8") == original.replace("localhost:5055", "localhost:5999")
    with pytest.raises(ValueError):
        endpoints_for({"ACTION_PORT": "5055; rm"}, folder=tmp_path)


def test_the_command_prints_the_file_for_the_environments_port(tmp_path, monkeypatch, capsys):
    from scripts.endpoints import main

    monkeypatch.setenv("ACTION_PORT", "5998")
    assert main(["--folder", str(tmp_path)]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == tmp_path
    assert read_endpoint_config(str(printed), "action_endpoint").url == "http://localhost:5998/webhook"
    monkeypatch.delenv("ACTION_PORT")
    assert main([]) == 0
    assert Path(capsys.readouterr().out.strip()) == ROOT / "endpoints.yml"
