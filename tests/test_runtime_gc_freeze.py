"""runtime/gc_freeze.py: once the model is loaded, the objects alive are frozen; later ones are collected."""

from __future__ import annotations

import asyncio
import gc

import pytest
import rasa.core.run

import runtime
from runtime import gc_freeze, patches


@pytest.fixture()
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


class Model:
    """Stands for the loaded agent: an object that must be alive, and frozen, after loading."""


def test_objects_alive_after_loading_are_frozen_and_later_garbage_is_still_collected(unfrozen):
    loaded = []

    async def load_agent_on_start(*args, **kwargs):
        model = Model()
        loaded.append((args, kwargs, model))
        return model

    before = gc.get_freeze_count()
    agent = asyncio.run(gc_freeze.after_loading(load_agent_on_start)("model.tar.gz", endpoints=None))
    assert loaded == [(("model.tar.gz",), {"endpoints": None}, agent)]
    assert gc.get_freeze_count() > before
    assert not any(obj is agent for obj in gc.get_objects())  # frozen objects are not tracked any more

    class Cycle:
        pass

    first, second = Cycle(), Cycle()
    first.other, second.other = second, first
    del first, second
    assert gc.collect() >= 2  # a cycle made after the freeze is still collected


def test_preparation_runs_after_loading_and_is_frozen_too(unfrozen):
    order, made = [], []

    async def load_agent_on_start():
        order.append("load")
        return Model()

    def prepare():
        order.append("prepare")
        made.append(Model())

    asyncio.run(gc_freeze.after_loading(load_agent_on_start, [prepare])())
    assert order == ["load", "prepare"]
    assert not any(obj is made[0] for obj in gc.get_objects())


@pytest.mark.patches
def test_install_wraps_rasas_listener_once(runtime_changes):
    current = rasa.core.run.load_agent_on_start
    assert getattr(current, patches.MARKER)
    assert current.__wrapped__.__module__ == "rasa.core.run"
    runtime.install()
    assert rasa.core.run.load_agent_on_start is current


@pytest.fixture()
def thresholds():
    kept = gc.get_threshold()
    yield
    gc.set_threshold(*kept)


def test_after_loading_the_young_generation_is_collected_less_often(unfrozen, thresholds, monkeypatch):
    monkeypatch.delenv("GC_GEN0_THRESHOLD", raising=False)
    gc.set_threshold(700, 10, 10)

    async def load(*args, **kwargs):
        return Model()

    asyncio.run(gc_freeze.after_loading(load)())
    assert gc.get_threshold() == (10_000, 10, 10)


@pytest.mark.parametrize("value, expected", [("0", 700), ("2500", 2500), ("lots", 10_000)])
def test_the_threshold_follows_its_setting(thresholds, monkeypatch, value, expected):
    monkeypatch.setenv("GC_GEN0_THRESHOLD", value)
    gc.set_threshold(700, 10, 10)
    assert gc_freeze.raise_young_threshold() == expected
    assert gc.get_threshold()[1:] == (10, 10)
