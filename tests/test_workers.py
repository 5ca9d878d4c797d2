"""Several Rasa processes on one machine (RASA_WORKERS): the routing rule, ids issued per process, tokens."""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from channels.sessions import ConversationTokens
from channels.socket_io import route_sessions_here
from channels.workers import Worker, worker_of

SECRET = b"s" * 32
DAY_S = 86_400


def test_routing_is_stable_per_id_and_spreads_ids_over_the_workers():
    ids = [secrets.token_hex(16) for _ in range(2000)]
    assert [worker_of(name, 3) for name in ids] == [worker_of(name, 3) for name in ids]
    assert worker_of("a7f3", 2) == worker_of("a7f3", 2)
    counts = Counter(worker_of(name, 2) for name in ids)
    assert set(counts) == {0, 1} and min(counts.values()) > 800, counts
    assert {worker_of(name, 1) for name in ids} == {0}


@pytest.mark.parametrize("count", [2, 3, 4])
def test_each_worker_issues_only_ids_that_route_back_to_it(count):
    for index in range(count):
        tokens = ConversationTokens(SECRET, DAY_S, worker=Worker(index, count))
        for _ in range(50):
            conversation = tokens.issue()
            assert worker_of(conversation.id, count) == index
            assert tokens.verify(conversation.id, conversation.token)


def test_a_worker_continues_no_conversation_of_another_even_with_its_valid_token():
    first = ConversationTokens(SECRET, DAY_S, worker=Worker(0, 2))
    second = ConversationTokens(SECRET, DAY_S, worker=Worker(1, 2))
    theirs = second.issue()
    assert second.resume(theirs.id, theirs.token).resumed
    elsewhere = first.resume(theirs.id, theirs.token)
    assert not elsewhere.resumed and elsewhere.id != theirs.id and worker_of(elsewhere.id, 2) == 0
    assert not first.verify(theirs.id, theirs.token)


def test_an_id_forged_to_route_to_a_worker_still_needs_its_token():
    tokens = ConversationTokens(SECRET, DAY_S, worker=Worker(1, 2))
    victim = tokens.issue()
    forged = ConversationTokens(b"t" * 32, DAY_S, worker=Worker(1, 2)).token_for(victim.id)
    for token in (None, "", forged, f"{victim.token[:-1]}x"):
        conversation = tokens.resume(victim.id, token)
        assert not conversation.resumed and conversation.id != victim.id


def test_one_worker_is_as_before():
    tokens = ConversationTokens.from_settings({})
    assert Worker.from_settings({}) == Worker(0, 1)
    owned = [tokens.issue() for _ in range(20)]
    assert all(tokens.verify(conversation.id, conversation.token) for conversation in owned)


def test_worker_settings():
    assert Worker.from_settings({"RASA_WORKERS": "2", "RASA_WORKER_INDEX": "1"}) == Worker(1, 2)
    for bad in ({"RASA_WORKERS": "0"}, {"RASA_WORKERS": "17"}, {"RASA_WORKERS": "two"},
                {"RASA_WORKERS": "2", "RASA_WORKER_INDEX": "2"}):
        with pytest.raises(ValueError):
            Worker.from_settings(bad)


def test_a_broken_id_source_fails_instead_of_looping():
    worker = Worker(1, 2)
    fixed = next(name for name in ("a", "b", "c", "d", "e") if worker_of(name, 2) == 0)
    with pytest.raises(RuntimeError):
        worker.draw(lambda: fixed)


class FakeEngineIO:
    """The one method of python-engineio's server that is replaced: a counter instead of random ids."""

    def __init__(self) -> None:
        self.count = 0

    def generate_id(self) -> str:
        self.count += 1
        return f"sid-{self.count}"


def test_engineio_sessions_start_on_the_worker_they_route_to():
    eio = FakeEngineIO()
    route_sessions_here(eio, Worker(1, 3))
    assert all(worker_of(eio.generate_id(), 3) == 1 for _ in range(30))
    single = FakeEngineIO()
    route_sessions_here(single, Worker(0, 1))
    assert [single.generate_id() for _ in range(3)] == ["sid-1", "sid-2", "sid-3"]
