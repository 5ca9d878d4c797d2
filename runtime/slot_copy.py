"""A copy of a slot as ``copy.copy`` makes it, without its generic machinery.

``copy.copy`` of a Rasa slot goes through ``__reduce_ex__`` and ``copyreg``
(about 7 µs); a tracker copies every slot of the domain when it is made, and
the policies make several trackers per prediction: about a tenth of the event
loop's time at 50 users (cProfile). For a class that defines none of the hooks
``copy.copy`` would call (``__copy__``, its own ``__reduce_ex__`` or
``__reduce__``, ``__getstate__``, ``__setstate__``, non-empty ``__slots__``,
an entry in ``copy``'s dispatch table), ``copy.copy`` makes a new instance with
``cls.__new__`` and updates its ``__dict__`` with the source's: that is what
``copy_slot`` does. Any other object goes to ``copy.copy``.
``tests/test_runtime_slot_copy.py`` compares both for every slot type of Rasa.
"""

from __future__ import annotations

import copy
import copyreg
from typing import Any, Dict, Iterable

_PLAIN: Dict[type, bool] = {}
_HOOKS = ("__copy__", "__getstate__", "__setstate__")


def plain_class(cls: type) -> bool:
    """Whether ``copy.copy`` copies instances of ``cls`` by ``__new__`` and its ``__dict__`` (kept per class).

    Args:
        cls: A class.

    Returns:
        True when none of the hooks ``copy.copy`` would call is defined.
    """
    known = _PLAIN.get(cls)
    if known is None:
        known = (
            cls not in copy._copy_dispatch  # type: ignore[attr-defined]
            and cls.__reduce_ex__ is object.__reduce_ex__  # type: ignore[comparison-overlap]
            and cls.__reduce__ is object.__reduce__  # type: ignore[comparison-overlap]
            and not any(hasattr(cls, hook) and getattr(cls, hook) is not getattr(object, hook, None)
                        for hook in _HOOKS)
            and not copyreg._slotnames(cls)  # type: ignore[attr-defined]
            and "__dict__" in dir(cls)
        )
        _PLAIN[cls] = known
    return known


def copy_slot(slot: Any) -> Any:
    """``copy.copy(slot)``, quicker for a plain class.

    Args:
        slot: A slot (or any object).

    Returns:
        A shallow copy.
    """
    cls = type(slot)
    if not plain_class(cls):
        return copy.copy(slot)
    duplicate = cls.__new__(cls)
    duplicate.__dict__.update(slot.__dict__)
    return duplicate


def copied_slots(slots: Iterable[Any]) -> Dict[str, Any]:
    """The slots by name, each copied, as ``DialogueStateTracker.__init__`` keeps them.

    Args:
        slots: Slot objects.

    Returns:
        ``{name: copy}``.
    """
    return {slot.name: copy_slot(slot) for slot in slots}
