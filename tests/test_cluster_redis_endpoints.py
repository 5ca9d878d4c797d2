"""The Redis variant of the cluster's endpoints (deploy/endpoints.cluster-redis.yml)."""

from __future__ import annotations

from pathlib import Path

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

from privacy.tracker_stores import RedactingRedisTrackerStore

ROOT = Path(__file__).resolve().parent.parent
REDIS_FILE = ROOT / "deploy" / "endpoints.cluster-redis.yml"
SQL_FILE = ROOT / "deploy" / "endpoints.cluster.yml"


def _env(monkeypatch) -> None:
    for key, value in {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6390", "REDIS_PASSWORD": "secret",
                       "ACTION_PORT": "5055"}.items():
        monkeypatch.setenv(key, value)


def test_conversations_and_locks_use_separate_redis_databases(monkeypatch):
    _env(monkeypatch)
    tracker = read_endpoint_config(str(REDIS_FILE), "tracker_store")
    lock = read_endpoint_config(str(REDIS_FILE), "lock_store")
    assert tracker.type == "privacy.tracker_stores.RedactingRedisTrackerStore"
    assert tracker.url == "127.0.0.1" and str(tracker.kwargs["port"]) == "6390"
    assert tracker.kwargs["password"] == "secret"
    assert lock.type == "cluster.locks.SafeRedisLockStore"
    assert tracker.kwargs["db"] != lock.kwargs["db"]


def test_the_same_lock_store_and_action_server_as_the_postgresql_variant(monkeypatch):
    _env(monkeypatch)
    for key in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"):
        monkeypatch.setenv(key, "5432" if key == "DB_PORT" else "x")
    for section in ("lock_store", "action_endpoint"):
        redis_variant = read_endpoint_config(str(REDIS_FILE), section)
        sql_variant = read_endpoint_config(str(SQL_FILE), section)
        assert (redis_variant.type, redis_variant.url, redis_variant.kwargs) == \
               (sql_variant.type, sql_variant.url, sql_variant.kwargs)


def test_rasa_builds_the_redacting_redis_store_from_it(monkeypatch):
    _env(monkeypatch)
    config = read_endpoint_config(str(REDIS_FILE), "tracker_store")
    store = TrackerStore.create(config, Domain.empty())
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it in a FailSafeTrackerStore
    assert isinstance(inner, RedactingRedisTrackerStore)
    assert inner.record_exp and inner.record_exp > 0
