"""The operator state's store: a file or a real Redis, shared by several readers ("instances")."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator, List

import pytest

from operations.settings import load_settings
from operations.store import Current, FileBackend, RedisBackend, backend_for
from tests.server.harness import free_port


class Clock:
    """Seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_change_reaches_another_instance_after_the_interval_not_before(tmp_path):
    clock = Clock()
    one, two = (Current(FileBackend(tmp_path / "state.json"), 5.0, clock) for _ in range(2))
    assert one.state() == {} and two.state() == {}
    one.update(lambda state: {**state, "safe_mode": {"by": "a", "at": "t"}})
    assert one.state()["safe_mode"]  # the writer knows at once
    clock.now += 4.9
    assert two.state() == {}  # not looked again yet: no file read per message
    clock.now += 0.2
    assert two.state()["safe_mode"]
    one.update(lambda state: {})
    clock.now += 5.1
    assert two.state() == {}


def test_the_file_is_read_again_only_when_it_changed(tmp_path, monkeypatch):
    clock = Clock()
    backend = FileBackend(tmp_path / "state.json")
    backend.update(lambda state: {"notice": {"text": {"nl": "x"}, "date": "2026-12-07"}})
    reader = Current(backend, 1.0, clock)
    reader.state()
    reads: List[int] = []
    original = backend.read
    monkeypatch.setattr(backend, "read", lambda: reads.append(1) or original())
    for _ in range(5):
        clock.now += 2
        assert reader.state()["notice"]
    assert reads == []


def test_a_broken_file_keeps_the_last_state(tmp_path, caplog):
    clock = Clock()
    path = tmp_path / "state.json"
    backend = FileBackend(path)
    backend.update(lambda state: {"safe_mode": {"by": "a", "at": "t"}})
    reader = Current(backend, 1.0, clock)
    assert reader.state()["safe_mode"]
    path.write_text("{not json", encoding="utf-8")
    clock.now += 2
    assert reader.state()["safe_mode"]
    assert "cannot be read" in caplog.text


def test_two_writers_lose_no_change(tmp_path):
    backend = FileBackend(tmp_path / "state.json")

    def write(prefix: str) -> None:
        for number in range(15):
            backend.update(lambda state, n=number: {**state, f"{prefix}{n}": n})

    threads = [threading.Thread(target=write, args=(p,)) for p in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(backend.read()[0]) == 30


def test_the_settings_choose_redis_when_one_is_configured(tmp_path):
    assert isinstance(backend_for(load_settings({"OPERATIONS_STATE_FILE": str(tmp_path / "s.json")})), FileBackend)
    cluster = load_settings({"REDIS_HOST": "10.0.0.5", "REDIS_PORT": "6380", "REDIS_PASSWORD": "pw"})
    assert cluster.redis_url == "redis://:pw@10.0.0.5:6380/1"
    assert load_settings({"CHANNEL_REDIS_URL": "redis://r:6379/0", "REDIS_HOST": "x"}).redis_url == "redis://r:6379/0"
    assert load_settings({"OPERATIONS_REDIS_URL": "redis://o/2", "CHANNEL_REDIS_URL": "redis://r"}).redis_url == \
        "redis://o/2"
    assert load_settings({}).token is None and load_settings({"OPERATOR_TOKEN": " t "}).token == "t"
    assert load_settings({"OPERATIONS_CHECK_INTERVAL_S": "600"}).check_interval_s == 5.0
    assert load_settings({"OPERATIONS_CHECK_INTERVAL_S": "2"}).check_interval_s == 2.0


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A real redis-server on a free port, for this module only."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


def test_redis_is_shared_by_two_instances(redis_url):
    clock = Clock()
    one, two = (Current(RedisBackend(redis_url), 5.0, clock) for _ in range(2))
    one.update(lambda state: {})
    clock.now += 10
    assert two.state() == {}
    one.update(lambda state: {**state, "notice": {"text": {"nl": "De brieven zijn verstuurd."},
                                                  "date": "2026-12-07"}})
    assert two.state() == {}
    clock.now += 5.1
    assert two.state()["notice"]["text"]["nl"] == "De brieven zijn verstuurd."
    one.update(lambda state: {})
    clock.now += 5.1
    assert two.state() == {}


def test_redis_writers_lose_no_change(redis_url):
    backend = RedisBackend(redis_url)
    backend.update(lambda state: {})

    def write(prefix: str) -> None:
        own = RedisBackend(redis_url)
        for number in range(15):
            own.update(lambda state, n=number: {**state, f"{prefix}{n}": n})

    threads = [threading.Thread(target=write, args=(p,)) for p in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(backend.read()[0]) == 30
    backend.update(lambda state: {})


def test_redis_down_keeps_the_last_state(redis_url):
    clock = Clock()
    RedisBackend(redis_url).update(lambda state: {"safe_mode": {"by": "a", "at": "t"}})
    reader = Current(RedisBackend(redis_url), 1.0, clock)
    assert reader.state()["safe_mode"]
    reader.backend = RedisBackend(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    clock.now += 2
    assert reader.state()["safe_mode"]
    RedisBackend(redis_url).update(lambda state: {})


def test_the_default_file_is_not_in_git(tmp_path):
    ignored = (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8")
    assert "operations/state.json" in ignored
