"""The cluster's Redis lock store against a real Redis: atomic tickets across processes, bounded turns."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from rasa.core.lock_store import LockError

from cluster.locks import SafeRedisLockStore, TurnTimeout, check_turn, current_turn
from tests.services import free_port, redis_server


@pytest.fixture(scope="module")
def redis_port():
    with redis_server() as port:
        yield port


def make_store(port: int, **kwargs) -> SafeRedisLockStore:
    settings = {"lifetime_s": 6, "turn_timeout_s": 2, "queue_timeout_s": 5, "poll_s": 0.005}
    settings.update(kwargs)
    return SafeRedisLockStore(host="127.0.0.1", port=port, db=1, **settings)


def test_turns_of_one_conversation_never_overlap_across_processes(redis_port):
    """Two stores in two threads with their own event loops and Redis connections stand for two instances."""
    inside, overlaps, done = [], [], []
    guard = threading.Lock()

    async def turns(store: SafeRedisLockStore, name: str) -> None:
        async def one(index: int) -> None:
            async with store.lock("conv-overlap"):
                with guard:
                    if inside:
                        overlaps.append((name, index, list(inside)))
                    inside.append(name)
                await asyncio.sleep(0.002)
                with guard:
                    inside.remove(name)
                    done.append((name, index))

        await asyncio.gather(*(one(index) for index in range(25)))

    threads = [threading.Thread(target=lambda n=name: asyncio.run(turns(make_store(redis_port), n)))
               for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not overlaps
    assert len(done) == 50
    assert make_store(redis_port).get_lock("conv-overlap") is None


def test_a_slow_turn_is_cancelled_at_its_deadline_and_releases_the_lock(redis_port):
    store = make_store(redis_port, lifetime_s=3, turn_timeout_s=0.5)

    async def slow() -> float:
        started = time.monotonic()
        with pytest.raises(TurnTimeout):
            async with store.lock("conv-slow"):
                await asyncio.sleep(30)
        return time.monotonic() - started

    assert asyncio.run(slow()) < 2
    assert store.get_lock("conv-slow") is None


def test_the_next_message_waits_for_the_slow_turn_and_does_not_run_in_parallel(redis_port):
    store = make_store(redis_port, lifetime_s=3, turn_timeout_s=0.5)
    log = []

    async def slow() -> None:
        try:
            async with store.lock("conv-next"):
                log.append("slow start")
                await asyncio.sleep(30)
        except TurnTimeout:
            log.append("slow stopped")

    async def fast() -> None:
        await asyncio.sleep(0.1)
        async with store.lock("conv-next"):
            log.append("fast")

    async def both() -> None:
        await asyncio.gather(slow(), fast())

    asyncio.run(both())
    assert log == ["slow start", "slow stopped", "fast"]


def test_a_save_after_the_deadline_is_refused(redis_port):
    store = make_store(redis_port)

    async def turn() -> None:
        async with store.lock("conv-fence"):
            turn = current_turn()
            assert turn is not None and turn.conversation_id == "conv-fence"
            check_turn("conv-fence")
            check_turn("another-conversation", now=turn.deadline + 100)
            with pytest.raises(TurnTimeout):
                check_turn("conv-fence", now=turn.deadline + 0.01)
            assert turn.expires - turn.deadline >= 2 * store.turn_timeout_s - 0.1

    asyncio.run(turn())
    check_turn("conv-fence", now=time.time() + 1000)  # outside a turn: no check


def test_the_ticket_lives_a_full_lifetime_from_the_moment_the_turn_starts(redis_port):
    store = make_store(redis_port, lifetime_s=30, turn_timeout_s=10)

    async def turn() -> None:
        before = time.time()
        async with store.lock("conv-renew"):
            assert current_turn().expires >= before + 30
            ticket = store.get_lock("conv-renew").tickets[0]
            assert ticket.expires == pytest.approx(current_turn().expires)

    asyncio.run(turn())


def test_waiting_too_long_gives_up_and_withdraws_the_ticket(redis_port):
    store = make_store(redis_port, lifetime_s=6, turn_timeout_s=2, queue_timeout_s=0.3)

    async def holder(entered: asyncio.Event) -> None:
        async with store.lock("conv-queue"):
            entered.set()
            await asyncio.sleep(1.0)

    async def waiter(entered: asyncio.Event) -> None:
        await entered.wait()
        with pytest.raises(LockError):
            async with store.lock("conv-queue"):
                pass
        assert [ticket.number for ticket in store.get_lock("conv-queue").tickets] == [0]

    async def both() -> None:
        entered = asyncio.Event()
        await asyncio.gather(holder(entered), waiter(entered))

    asyncio.run(both())
    assert store.get_lock("conv-queue") is None


def test_redis_down_means_lock_error():
    store = make_store(free_port(), socket_timeout=1)

    async def turn() -> None:
        async with store.lock("conv-down"):
            pass

    with pytest.raises(LockError):
        asyncio.run(turn())


def test_the_turn_timeout_must_stay_well_below_the_lock_lifetime():
    with pytest.raises(ValueError, match="third"):
        SafeRedisLockStore(host="127.0.0.1", lifetime_s=60, turn_timeout_s=30)
