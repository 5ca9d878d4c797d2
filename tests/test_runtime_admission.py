"""The limit on messages in progress per process (runtime/admission.py)."""

from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.processor import MessageProcessor

import runtime
from runtime import admission, patches
from runtime.admission import Admission, configured_limit, place_given_back


@pytest.mark.parametrize("raw, expected", [
    (None, admission.DEFAULT_LIMIT), ("", admission.DEFAULT_LIMIT), ("0", 0), ("8", 8), (" 2 ", 2),
    ("-1", admission.DEFAULT_LIMIT), ("lots", admission.DEFAULT_LIMIT), ("1001", admission.DEFAULT_LIMIT),
])
def test_limit_from_the_environment(raw, expected):
    environ = {} if raw is None else {admission.LIMIT_VARIABLE: raw}
    assert configured_limit(environ) == expected


def test_no_more_than_the_limit_in_progress_and_all_finish():
    gate = Admission(3)
    peak: List[int] = []

    async def work(index: int) -> int:
        peak.append(gate.in_progress())
        await asyncio.sleep(0.01)
        return index

    async def main() -> List[int]:
        return await asyncio.gather(*(gate.run(lambda i=i: work(i)) for i in range(20)))

    assert asyncio.run(main()) == list(range(20))
    assert max(peak) == 3


def test_waiting_work_starts_in_arrival_order():
    gate = Admission(1)
    started: List[int] = []

    async def work(index: int) -> None:
        started.append(index)
        await asyncio.sleep(0.001)

    async def main() -> None:
        tasks = []
        for index in range(10):
            tasks.append(asyncio.create_task(gate.run(lambda i=index: work(i))))
            await asyncio.sleep(0)  # each arrives after the one before
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert started == list(range(10))


def test_work_that_waits_for_io_resumes_before_later_arrivals():
    """What the limit is for: a message back from the action server is not queued behind every newcomer."""
    gate = Admission(1)
    order: List[str] = []

    async def two_visits() -> None:
        order.append("first:start")
        await asyncio.sleep(0.005)  # the action server
        order.append("first:end")

    async def one_visit(index: int) -> None:
        order.append(f"new{index}")

    async def main() -> None:
        first = asyncio.create_task(gate.run(two_visits))
        await asyncio.sleep(0)
        newcomers = [asyncio.create_task(gate.run(lambda i=i: one_visit(i))) for i in range(5)]
        await asyncio.gather(first, *newcomers)

    asyncio.run(main())
    assert order[:2] == ["first:start", "first:end"]


def test_back_from_the_action_server_a_message_goes_before_newcomers():
    gate = Admission(1)
    order: List[str] = []

    async def main() -> None:
        io_done, b_release = asyncio.Event(), asyncio.Event()

        async def form_step() -> None:
            order.append("a:start")
            async with place_given_back():  # the action server works
                await io_done.wait()
            order.append("a:end")

        async def holder() -> None:
            order.append("b")
            await b_release.wait()

        async def newcomer(name: str) -> None:
            order.append(name)

        a = asyncio.create_task(gate.run(form_step))
        await asyncio.sleep(0)
        b = asyncio.create_task(gate.run(holder))
        await asyncio.sleep(0)
        later = [asyncio.create_task(gate.run(lambda n=n: newcomer(n))) for n in ("c", "d")]
        await asyncio.sleep(0)
        io_done.set()
        await asyncio.sleep(0.01)
        b_release.set()
        await asyncio.gather(a, b, *later)

    asyncio.run(main())
    assert order == ["a:start", "b", "a:end", "c", "d"]


def test_a_slow_action_server_holds_no_place():
    """While a form step waits for a slow action server, FAQ answers go on."""
    gate = Admission(1)

    async def main() -> str:
        never = asyncio.Event()

        async def slow_form_step() -> None:
            async with place_given_back():
                await never.wait()

        async def faq() -> str:
            return "answer"

        slow = asyncio.create_task(gate.run(slow_form_step))
        await asyncio.sleep(0)
        try:
            return await asyncio.wait_for(gate.run(faq), 1)
        finally:
            slow.cancel()

    assert asyncio.run(main()) == "answer"


def test_cancelled_waiters_leak_no_places():
    gate = Admission(1)

    async def main() -> int:
        release = asyncio.Event()
        holder = asyncio.create_task(gate.run(release.wait))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(gate.run(lambda: asyncio.sleep(5)))
        await asyncio.sleep(0)
        waiting.cancel()
        release.set()
        await holder
        assert await asyncio.wait_for(gate.run(lambda: asyncio.sleep(0, "ok")), 1) == "ok"
        return gate.in_progress()

    assert asyncio.run(main()) == 0


def test_giving_back_without_a_place_changes_nothing():
    gate = Admission(1)

    async def main() -> int:
        async with place_given_back():
            pass
        await gate.run(lambda: asyncio.sleep(0))
        return gate.in_progress()

    assert asyncio.run(main()) == 0


def test_a_failure_gives_the_place_back():
    gate = Admission(1)

    async def broken() -> None:
        raise KeyError("x")

    async def fine() -> str:
        return "ok"

    async def main() -> str:
        with pytest.raises(KeyError):
            await gate.run(broken)
        return await asyncio.wait_for(gate.run(fine), 1)

    assert asyncio.run(main()) == "ok"
    assert asyncio.run(main()) == "ok"  # a new event loop gets its own places


def test_conversation_locks_and_places_never_wait_for_each_other():
    """As in Agent.handle_message: the lock first, the place inside it; bursts to one conversation finish."""
    gate, locks = Admission(1), InMemoryLockStore()
    done: List[str] = []

    async def message(sender: str, index: int) -> None:
        async with locks.lock(sender, wait_time_in_seconds=0.001):
            await gate.run(lambda: asyncio.sleep(0.002))
            done.append(f"{sender}{index}")

    async def main() -> None:
        await asyncio.wait_for(asyncio.gather(*(message(sender, index) for index in range(3)
                                                for sender in ("a", "b", "c"))), 10)

    asyncio.run(main())
    assert sorted(done) == sorted(f"{s}{i}" for s in "abc" for i in range(3))
    assert [d for d in done if d.startswith("a")] == ["a0", "a1", "a2"]


@pytest.mark.patches
def test_the_runtime_patches_limit_rasas_message_processor(monkeypatch):
    monkeypatch.setenv("ACTIONS_IN_PROCESS", "0")  # over HTTP: the slow call gives the place back
    patches.uninstall()
    assert runtime.install()
    try:
        handle = MessageProcessor.handle_message
        assert getattr(handle, "_bvo_runtime_patch", False)
        assert handle.__wrapped__.__qualname__ == "MessageProcessor.handle_message"
        # RemoteAction.run gives the place back around the call to the action server
        from rasa.core.actions.action import RemoteAction

        layers, run = [], RemoteAction.run
        while run is not None:
            layers.append(run.__qualname__)
            run = getattr(run, "__wrapped__", None)
        assert layers[0] == "outside_limit.<locals>.run"
        assert layers[-1] == "RemoteAction.run"
    finally:
        patches.uninstall()
    with pytest.raises(ValueError):
        Admission(0)


def test_only_a_slow_call_gives_the_place_back():
    """Normal action calls keep the place (no queueing behind newcomers); a slow one lets FAQ answers pass."""
    gate = Admission(1)

    async def scenario(call_s: float) -> List[str]:
        order: List[str] = []

        async def call() -> str:
            await asyncio.sleep(call_s)
            return "events"

        async def form_step() -> None:
            order.append("form:start")
            assert await admission._without_place_when_slow(call(), 0.05) == "events"
            order.append("form:end")

        async def faq() -> None:
            order.append("faq")

        first = asyncio.create_task(gate.run(form_step))
        await asyncio.sleep(0)
        second = asyncio.create_task(gate.run(faq))
        await asyncio.gather(first, second)
        return order

    assert asyncio.run(scenario(0.01)) == ["form:start", "form:end", "faq"]
    assert asyncio.run(scenario(0.2)) == ["form:start", "faq", "form:end"]
