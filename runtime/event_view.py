"""The events of an action call, each dictionary copied from the kept one only when an action reads it.

An action call carries every event of the conversation (Rasa's protocol), and
``runtime.event_dicts`` gave each call a copy of every kept event dictionary: about
1.2 ms per call at turn 1000 of one conversation, two calls per FAQ turn (issue 17),
while an action reads a few of the newest events. ``CopiedOnRead`` is a list that
holds the kept dictionaries and hands out a copy of each on its first read (and that
same copy afterwards), so what an action sees, and may change, is what a list of
copies would give it, and the kept dictionaries are never handed out.

It is a ``list`` (``isinstance``, ``json.dumps`` and Rasa's JSON schema work as
before). The methods that hand out items are overridden: reading by index or slice,
iterating either way, ``pop``, ``copy``, ``+``, ``*`` and ``*=``, ``copy.copy`` and
``copy.deepcopy`` (the two give plain lists). Comparisons and ``json.dumps`` read
the stored dictionaries without handing them out. The copies are shallow, as the
dictionaries of ``as_dict`` share the event's own values.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, SupportsIndex

_Item = Dict[str, Any]


class CopiedOnRead(list):
    """A list of event dictionaries whose kept ones are copied when first read (see the module)."""

    def __init__(self, kept: Sequence[_Item] = (), fresh: Iterable[_Item] = ()) -> None:
        """Holds ``kept`` (copied on read) followed by ``fresh`` (the caller's own dictionaries).

        Args:
            kept: Dictionaries that must not be handed out.
            fresh: Dictionaries made for this call.
        """
        super().__init__(kept)
        self._shared = len(self)  # items before this index may still be kept ones
        self._copied = bytearray(self._shared)
        super().extend(fresh)

    def _read(self, index: int) -> _Item:
        item = list.__getitem__(self, index)
        if index < self._shared and not self._copied[index]:
            item = dict(item) if type(item) is dict else copy.copy(item)
            list.__setitem__(self, index, item)
            self._copied[index] = 1
        return item

    def _position(self, index: SupportsIndex) -> int:
        position = index.__index__()
        size = len(self)
        if position < 0:
            position += size
        if not 0 <= position < size:
            raise IndexError("list index out of range")
        return position

    def _forget_shared(self) -> None:
        """Copies every kept item still shared: before a change that moves items."""
        for index in range(self._shared):
            self._read(index)
        self._shared = 0
        self._copied = bytearray()

    def __getitem__(self, index: Any) -> Any:  # noqa: D105
        if isinstance(index, slice):
            return [self._read(i) for i in range(*index.indices(len(self)))]
        return self._read(self._position(index))

    def __iter__(self) -> Iterator[_Item]:  # noqa: D105
        index = 0
        while index < len(self):
            yield self._read(index)
            index += 1

    def __reversed__(self) -> Iterator[_Item]:  # noqa: D105
        index = len(self) - 1
        while index >= 0:
            if index < len(self):
                yield self._read(index)
            index -= 1

    def __setitem__(self, index: Any, value: Any) -> None:  # noqa: D105
        if isinstance(index, slice):
            self._forget_shared()
            list.__setitem__(self, index, value)
            return
        position = self._position(index)
        list.__setitem__(self, position, value)
        if position < self._shared:
            self._copied[position] = 1

    def __delitem__(self, index: Any) -> None:  # noqa: D105
        self._forget_shared()
        list.__delitem__(self, index)

    def insert(self, index: SupportsIndex, value: Any) -> None:  # noqa: D102
        self._forget_shared()
        list.insert(self, index, value)

    def pop(self, index: SupportsIndex = -1) -> Any:  # noqa: D102
        position = self._position(index)
        item = self._read(position)
        self._forget_shared()
        list.__delitem__(self, position)
        return item

    def remove(self, value: Any) -> None:  # noqa: D102
        self._forget_shared()
        list.remove(self, value)

    def sort(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        self._forget_shared()
        list.sort(self, *args, **kwargs)

    def reverse(self) -> None:  # noqa: D102
        self._forget_shared()
        list.reverse(self)

    def copy(self) -> List[_Item]:  # noqa: D102
        return list(self)

    def __add__(self, other: Any) -> List[Any]:  # noqa: D105
        return list(self) + list(other)

    def __radd__(self, other: Any) -> List[Any]:  # noqa: D105
        return list(other) + list(self)

    def __mul__(self, times: SupportsIndex) -> List[Any]:  # noqa: D105
        return list(self) * times

    __rmul__ = __mul__

    def __imul__(self, times: SupportsIndex) -> CopiedOnRead:  # noqa: D105
        self._forget_shared()
        return list.__imul__(self, times)

    def __copy__(self) -> List[_Item]:  # noqa: D105
        return list(self)

    def __deepcopy__(self, memo: Optional[Dict[int, Any]] = None) -> List[_Item]:  # noqa: D105
        return copy.deepcopy(list(self), memo)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:  # noqa: D105
        return list, (list(self),)
