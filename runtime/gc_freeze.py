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

Caveat: a model loaded later in the same process (Rasa's ``PUT /model`` API)
does not free the frozen objects of the first one; restart the server to change
models (``make run``, the cluster and the Helm chart all do).
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any, Awaitable, Callable, Sequence

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
        logger.info("garbage collector: %d objects of the loaded server frozen in %.0f ms; "
                    "they are never scanned again", frozen, (time.perf_counter() - started) * 1000)
        return agent

    load_agent_on_start.__wrapped__ = original  # type: ignore[attr-defined]
    return load_agent_on_start
