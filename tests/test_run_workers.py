"""`make run` with RASA_WORKERS (scripts/run.py): the planned processes, their ports and their shared secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import run

MODEL = Path("model.tar.gz")
CHATWOOT = {"CHATWOOT_URL": "http://chatwoot.local", "CHATWOOT_API_TOKEN": "t" * 20, "CHATWOOT_INBOX_ID": "1",
            "CHATWOOT_WEBHOOK_SECRET": "w" * 32}


def planned(monkeypatch, **environ):
    for name in ("RASA_WORKERS", "RASA_WORKER_INDEX", "SESSION_SECRET", "RASA_PORT", "RASA_URL",
                 *CHATWOOT):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    env = run.settings()
    return env, run.services(env, MODEL)


def rasa_services(services):
    return [service for service in services if service.argv[1:2] == ["run"]]


def test_n_processes_on_consecutive_ports_share_one_secret_made_for_the_run(monkeypatch):
    env, services = planned(monkeypatch, RASA_WORKERS="3", RASA_PORT="6100")
    rasa = rasa_services(services)
    assert [service.argv[service.argv.index("--port") + 1] for service in rasa] == ["6100", "6101", "6102"]
    assert [service.env["RASA_WORKER_INDEX"] for service in rasa] == ["0", "1", "2"]
    secrets_used = {service.env["SESSION_SECRET"] for service in rasa}
    assert len(secrets_used) == 1 and len(secrets_used.pop()) >= 32
    page = services[-1]
    assert page.name == "web page" and "SESSION_SECRET" not in page.env and page.env["RASA_WORKERS"] == "3"
    assert all(env["SESSION_SECRET"] not in " ".join(service.argv) for service in services)
    _, again = planned(monkeypatch, RASA_WORKERS="3", RASA_PORT="6100")
    assert rasa_services(again)[0].env["SESSION_SECRET"] != rasa[0].env["SESSION_SECRET"], "one per run"


def test_the_operators_secret_is_kept(monkeypatch):
    _, services = planned(monkeypatch, RASA_WORKERS="2", SESSION_SECRET="o" * 40)
    assert {service.env["SESSION_SECRET"] for service in rasa_services(services)} == {"o" * 40}


def test_one_process_is_as_before(monkeypatch):
    env, services = planned(monkeypatch, RASA_PORT="6200")
    rasa = rasa_services(services)
    assert len(rasa) == 1 and rasa[0].name == "Rasa server"
    assert rasa[0].argv[rasa[0].argv.index("--port") + 1] == "6200"
    assert "RASA_WORKER_INDEX" not in rasa[0].env and "SESSION_SECRET" not in env
    run.check_workers(env)


@pytest.mark.parametrize("extra", [CHATWOOT, {"RASA_URL": "http://rasa:5005"}, {"RASA_PORT": "65535"}])
def test_settings_several_processes_cannot_serve_are_refused(monkeypatch, extra):
    env, _ = planned(monkeypatch, RASA_WORKERS="2", **extra)
    with pytest.raises(ValueError):
        run.check_workers(env)
