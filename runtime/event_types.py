"""Looks up Rasa event classes by type name from a table, not a class-tree walk.

Rasa 3.6's ``Event.resolve_by_type`` walks every subclass of ``Event`` (with an
``inspect.isabstract`` check per class) each time an event is read from a dict:
for every event of a tracker the store loads and for every event an action
returns. The profile (bench/results/profile.md, 29 Nov 2026) put 12% of the
server's time in that walk (37 look-ups per message). The classes do not change
once Rasa is imported, so the first answer for a type name is kept: the same
class Rasa's walk returns first. Unknown names still go to Rasa's method, which
returns the default or raises as before; nothing is kept for them.
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, Optional, Set, Type


def cached_resolve_by_type(original: Callable[..., Optional[type]]) -> Callable[..., Optional[type]]:
    """Wraps ``Event.resolve_by_type`` (a static method) with a table of found classes.

    Args:
        original: Rasa's function.

    Returns:
        The replacement (same signature: ``type_name``, ``default``).
    """
    found: Dict[str, Type] = {}

    def resolve_by_type(type_name: str, default: Optional[Type] = None) -> Optional[Type]:
        cls = found.get(type_name)
        if cls is not None:
            return cls
        try:
            result = original(type_name, None)
        except ValueError:
            result = None
        if result is None:  # unknown or "topic": Rasa's answer (default, None or ValueError)
            return original(type_name, default)
        found[type_name] = result
        return result

    resolve_by_type.__doc__ = original.__doc__
    return resolve_by_type


def with_subclasses(*classes: type) -> FrozenSet[type]:
    """The given classes and all their subclasses, for look-ups by exact type (``type(event) in ...``).

    An ``isinstance`` check on Rasa's event classes goes through ``abc`` and costs
    far more than a set look-up; the classes do not change once Rasa is imported.

    Args:
        *classes: Event classes.

    Returns:
        The classes with every subclass defined so far.
    """
    found: Set[type] = set()
    todo = list(classes)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(current.__subclasses__())
    return frozenset(found)
