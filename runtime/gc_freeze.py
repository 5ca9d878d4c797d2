"""After the model is loaded, the garbage collector stops scanning the model's objects.

A loaded Rasa server holds about 650,000 Python objects that live as long as
the process (TensorFlow, spaCy, Rasa, the model). CPython's full collection
scans all of them: 230 ms each time here, during which the event loop answers
nobody, and under load such a pause lands in the middle of many answers.
``gc.freeze()`` moves every object alive at that moment into a generation the
collector never scans; objects made later (conversations, requests) are
collected as before. ``after_loading`` wraps Rasa 3.6's
``rasa.core.run.load_agent_on_start`` (the ``before_server_start`` listener of
``rasa run``): when the model is loaded it does one full collection, then
freezes.

Then the youngest generation's threshold is raised from Python's 700 to
``GC_GEN0_THRESHOLD`` (10,000; 0 keeps Python's). The in-memory store keeps
every conversation as objects, and the objects of the messages in progress live
long enough to reach the oldest generation, so with Python's thresholds a full
collection ran every 2-3 s under load, each scanning every kept conversation
(180-390 ms and growing, collecting almost nothing; 50 users for 80 s, 1,300
conversations kept). With 10,000, most short-lived objects are freed before
they are promoted: 3 full collections in the same 80 s instead of about 30.

Caveat: a model loaded later in the same process (Rasa's ``PUT /model`` API)
does not free the frozen objects of the first one; restart the server to change
models (``make run``, the cluster and the Helm chart all do).
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any, Awaitable, Callable, Sequence

import settings

logger = logging.getLogger(__name__)

LoadMethod = Callable[..., Awaitable[Any]]


def freeze() -> int:
    """Collects once, then freezes every object alive.

    Returns:
        The number of frozen objects.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def raise_young_threshold() -> int:
    """Sets the youngest generation's threshold to ``GC_GEN0_THRESHOLD``, the others unchanged.

    Returns:
        The threshold now in force (Python's own when the setting is 0).
    """
    wanted = int(settings.get("GC_GEN0_THRESHOLD"))
    if wanted > 0:
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(wanted, middle, oldest)
    return gc.get_threshold()[0]


def after_loading(original: LoadMethod, prepare: Sequence[Callable[[], object]] = ()) -> LoadMethod:
    """Wraps ``load_agent_on_start``: freezes the objects alive once the model is loaded.

    Args:
        original: Rasa's ``rasa.core.run.load_agent_on_start``.
        prepare: Called after loading and before the freeze, so that what they
            import or build is frozen too (``runtime.inprocess_actions.preload``).

    Returns:
        The replacement coroutine function.
    """

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        """Loads the agent as Rasa does, prepares, then freezes the objects alive."""
        agent = await original(*args, **kwargs)
        for step in prepare:
            step()
        started = time.perf_counter()
        frozen = freeze()
        threshold = raise_young_threshold()
        logger.info("garbage collector: %d objects of the loaded server frozen in %.0f ms; "
                    "they are never scanned again; youngest generation collected every %d allocations",
                    frozen, (time.perf_counter() - started) * 1000, threshold)
        return agent

    load_agent_on_start.__wrapped__ = original  # type: ignore[attr-defined]
    return load_agent_on_start
