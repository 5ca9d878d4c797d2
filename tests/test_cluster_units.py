"""Cluster pieces without servers: "try again later", fail-fast tracker store, health probes, nginx config, stop."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from channels.config import allowed_origins
from channels.guard import MessageGuard
from channels.web_security import COMMON_HEADERS
from cluster.health import health_report, probe, store_probe
from cluster.locks import TurnTimeout
from cluster.nginx import STATIC, NginxSettings, render
from cluster.runner import (
    PAGE_DIR,
    Cluster,
    ClusterSettings,
    default_state_dir,
    prepare_state_dir,
    publish_page,
    reachable_by_others,
    stop_recorded,
)
from cluster.stores import StoreUnavailable, engine_options, install_fail_fast
from webchat.pages import render_pages


def unavailable(domain, language="nl"):
    variations = domain.responses["utter_service_unavailable"]
    return next(v["text"] for v in variations if bool(v.get("condition")) == (language == "en"))


@pytest.mark.parametrize("error", [StoreUnavailable("OperationalError"), LockError("down"), TurnTimeout("slow")])
def test_a_message_that_cannot_be_handled_gets_try_again_later_and_no_half_answer(domain, error):
    async def failing(message):
        await message.output_channel.send_text_message(message.sender_id, "half an answer")
        raise error

    collector = CollectingOutputChannel()
    asyncio.run(MessageGuard(lambda: domain).handle("Wat is er gebeurd?", collector, "u1", failing))
    assert [m["text"] for m in collector.messages] == [unavailable(domain)]
    assert "probeer het later opnieuw" in unavailable(domain).lower()


def test_try_again_later_in_english_for_an_english_message(domain):
    async def failing(_):
        raise StoreUnavailable("down")

    collector = CollectingOutputChannel()
    asyncio.run(MessageGuard(lambda: domain).handle("What happened to my data?", collector, "u1", failing))
    assert [m["text"] for m in collector.messages] == [unavailable(domain, "en")]


def test_the_privacy_notice_stays_when_the_turn_fails(domain):
    async def failing(_):
        raise StoreUnavailable("down")

    collector = CollectingOutputChannel()
    asyncio.run(MessageGuard(lambda: domain).handle("Mijn BSN is 123456782", collector, "u1", failing))
    assert [m["text"] for m in collector.messages] == [domain.responses["utter_privacy_notice"][0]["text"],
                                                        unavailable(domain)]


def test_without_a_model_the_message_is_answered_not_dropped(domain):
    received = []

    async def record(message):
        received.append(message)

    collector = CollectingOutputChannel()
    asyncio.run(MessageGuard(lambda: None, ready=lambda: False).handle("Hallo", collector, "u1", record))
    assert received == []
    assert [m["text"] for m in collector.messages] == [unavailable(domain)]


class BrokenStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("database down")

    async def save(self, tracker):
        raise ConnectionError("database down")


def test_rasas_fail_safe_store_forgets_silently_unless_made_to_fail_fast(domain):
    store = FailSafeTrackerStore(BrokenStore(domain))
    assert asyncio.run(store.retrieve("u1")) is None  # Rasa: a fresh conversation, past forgotten

    class Agent:
        tracker_store = store

    assert install_fail_fast(Agent())
    with pytest.raises(StoreUnavailable):
        asyncio.run(store.retrieve("u1"))
    with pytest.raises(StoreUnavailable):
        asyncio.run(store.get_or_create_tracker("u1"))
    assert not install_fail_fast(None)


def test_engine_options_recover_and_time_out():
    options = engine_options("postgresql")
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["connect_timeout"] <= 5
    assert "statement_timeout" in options["connect_args"]["options"]
    assert engine_options("sqlite") == {"pool_pre_ping": True}


def test_health_probes():
    class Redisish:
        class red:
            @staticmethod
            def ping():
                raise ConnectionError("down")

    class Pingable:
        @staticmethod
        def ping():
            return True

    assert asyncio.run(probe(store_probe(InMemoryTrackerStore(Domain.empty())))) == "memory"
    assert asyncio.run(probe(store_probe(Redisish()))) == "down"
    assert asyncio.run(probe(store_probe(Pingable()))) == "ok"
    assert asyncio.run(probe(lambda: time.sleep(2), timeout_s=0.1)) == "down"

    class Agent:
        tracker_store = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))
        lock_store = Redisish()

        @staticmethod
        def is_ready():
            return True

    report = asyncio.run(health_report(Agent()))
    assert report == {"status": "unavailable", "model": True, "tracker_store": "memory", "lock_store": "down"}
    assert asyncio.run(health_report(None))["status"] == "unavailable"


def test_nginx_config_exposes_only_what_it_should(tmp_path):
    text = render(NginxSettings(port=8090, rasa_ports=[5101, 5102], prefix=tmp_path, log_dir=tmp_path))
    assert "$" + "{" not in text  # every placeholder filled
    sticky = text.split("upstream rasa_sticky {")[1].split("}")[0]
    assert "ip_hash;" in sticky and "127.0.0.1:5101" in sticky and "127.0.0.1:5102" in sticky
    assert "limit_req_zone $binary_remote_addr" in text
    assert "client_max_body_size 64k;" in text
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert f"add_header {header}" in text
    assert "access_log off;" in text
    locations = [line.strip() for line in text.splitlines() if line.strip().startswith("location")]
    assert locations == [
        "location = / {", "location = /privacy {", "location = /privacy/en {", "location = /toegankelijkheid {",
        "location = /toegankelijkheid/en {", "location /static/ {", "location /socket.io/ {",
        "location ~ ^/webhooks/rest/(webhook|updates)$ {",
        "location ~ ^/webhooks/(twilio|telegram|facebook|chatwoot)/webhook$ {",
        "location = /health {", "location = /api/notice {", "location ^~ /webhooks/operator/ {", "location / {",
    ]
    operator = text.split("location ^~ /webhooks/operator/ {")[1].split("\n    }")[0]
    assert "return 404;" in operator and "proxy_pass" not in operator  # never passed on, token or not
    notice = text.split("location = /api/notice {")[1].split("\n    }")[0]
    assert "limit_except GET { deny all; " in notice and "proxy_pass http://rasa_any/webhooks/notice/;" in notice
    assert text.rstrip().endswith("return 404;\n    }\n  }\n}".rstrip())
    assert "X-Forwarded-For" not in text  # no client address passed on
    with pytest.raises(ValueError):
        render(NginxSettings(port=8090, rasa_ports=[], prefix=tmp_path, log_dir=tmp_path))


def test_nginx_sends_the_same_security_headers_as_the_python_servers_and_hsts(tmp_path):
    text = render(NginxSettings(port=8090, rasa_ports=[5101], prefix=tmp_path, log_dir=tmp_path))
    for name, value in COMMON_HEADERS.items():
        assert f'add_header {name} "{value}" always;' in text, name
        assert f"proxy_hide_header {name};" in text, name  # one copy, not nginx's and the instance's
    assert 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in text
    socket_io = text.split("location /socket.io/ {")[1].split("location")[0]
    assert "limit_except GET POST { deny all; }" in socket_io


def test_the_cluster_lets_its_own_page_open_socket_io(tmp_path, monkeypatch):
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    settings = ClusterSettings(state_dir=tmp_path, log_dir=tmp_path, model=tmp_path / "m.tar.gz", port=8090)
    runner = Cluster.__new__(Cluster)
    runner.settings = settings
    env = runner.environment({"db_password": "d", "redis_password": "r", "session_secret": "s" * 64})
    assert allowed_origins(env) == ["http://localhost:8090", "http://127.0.0.1:8090"]


def test_settings_pick_free_ports(tmp_path):
    settings = ClusterSettings(state_dir=tmp_path, log_dir=tmp_path, model=tmp_path / "m.tar.gz", instances=3)
    ports = [*settings.rasa_ports, settings.action_port, settings.postgres_port, settings.redis_port]
    assert len(settings.rasa_ports) == 3 and len(set(ports)) == len(ports)
    assert settings.action_url_port == settings.action_port


def test_every_instance_signs_conversation_tokens_with_the_same_kept_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    state = tmp_path / "state"
    state.mkdir()
    (state / "secrets.json").write_text(json.dumps({"db_password": "a", "redis_password": "b"}))  # an older cluster
    settings = ClusterSettings(state_dir=state, log_dir=tmp_path, model=tmp_path / "m.tar.gz", instances=2)
    secrets = {instance.env["SESSION_SECRET"] for instance in Cluster(settings).instances}
    assert len(secrets) == 1 and len(next(iter(secrets))) >= 32
    assert {i.env["SESSION_SECRET"] for i in Cluster(settings).instances} == secrets, "kept across restarts"
    assert Cluster(settings).instances[0].env["DB_PASSWORD"] == "a"
    monkeypatch.setenv("SESSION_SECRET", "o" * 32)
    assert Cluster(settings).instances[1].env["SESSION_SECRET"] == "o" * 32, "the operator's own wins"


def test_stop_recorded_stops_only_the_recorded_program(tmp_path):
    process = subprocess.Popen(["sleep", "60"], start_new_session=True)
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    record = {"url": "", "processes": [
        {"name": "sleeper", "pid": process.pid, "signal": int(signal.SIGTERM), "program": "sleep"},
        {"name": "reused-id", "pid": other.pid, "signal": int(signal.SIGTERM), "program": "postgres"},
    ]}
    (tmp_path / "state.json").write_text(json.dumps(record))
    deadline = time.monotonic() + 5
    while b"sleep" not in Path(f"/proc/{process.pid}/cmdline").read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert stop_recorded(tmp_path, timeout_s=5) == ["sleeper"]
        assert process.wait(5) == -signal.SIGTERM
        assert other.poll() is None  # not the recorded program: left alone
        assert not (tmp_path / "state.json").exists()
        assert stop_recorded(tmp_path) == []
    finally:
        other.kill()
        other.wait()


def test_state_folder_moves_out_of_a_clone_other_users_cannot_enter(tmp_path, monkeypatch):
    private, open_ = tmp_path / "private", tmp_path / "open"
    (private / "clone").mkdir(parents=True)
    (open_ / "clone").mkdir(parents=True)
    os.chmod(private, 0o700)
    os.chmod(open_, 0o755)
    os.chmod(tmp_path, 0o711)
    monkeypatch.setattr("cluster.runner.reachable_by_others", lambda path: not str(path).startswith(str(private)))
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    moved = default_state_dir(private / "clone")
    assert moved.parent == Path(tempfile.gettempdir()) and moved.name.startswith("bvo-cluster-")
    assert default_state_dir(private / "clone") == moved  # the same folder for make cluster-stop
    assert default_state_dir(open_ / "clone") == open_ / "clone" / ".cluster"
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert default_state_dir(private / "clone") == private / "clone" / ".cluster"


def test_reachable_by_others_reads_every_folder_above(tmp_path):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    for path in (tmp_path, tmp_path / "a", folder):
        os.chmod(path, 0o711)
    above = all(parent.stat().st_mode & 0o001 for parent in tmp_path.resolve().parents)
    assert reachable_by_others(folder) is above
    os.chmod(tmp_path / "a", 0o700)
    assert reachable_by_others(folder) is False


def test_published_page_is_a_readable_copy(tmp_path):
    state = tmp_path / "state"
    prepare_state_dir(state)
    assert state.stat().st_mode & 0o777 == 0o711
    (state / PAGE_DIR).mkdir()
    (state / PAGE_DIR / "stale.html").write_text("old")
    page = publish_page(STATIC, state / PAGE_DIR)
    pages = render_pages()
    copied = sorted(p.relative_to(page) for p in page.rglob("*"))
    # the static files and the filled-in pages; the stale file is gone
    assert copied == sorted([p.relative_to(STATIC) for p in STATIC.rglob("*")] + [Path(name) for name in pages])
    for path in page.rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o755 if path.is_dir() else 0o644), path
        if path.name in pages:
            assert path.read_text(encoding="utf-8") == pages[path.name]
        elif path.is_file():
            assert path.read_bytes() == (STATIC / path.relative_to(page)).read_bytes()
