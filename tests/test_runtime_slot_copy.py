"""runtime/slot_copy.py copies a slot as ``copy.copy`` does."""

from __future__ import annotations

import copy
import inspect
from typing import Any

from rasa.shared.core import slots as rasa_slots
from rasa.shared.core.domain import Domain

from runtime.slot_copy import copied_slots, copy_slot, plain_class

SLOT_TYPES = [cls for _, cls in inspect.getmembers(rasa_slots, inspect.isclass)
              if issubclass(cls, rasa_slots.Slot) and not inspect.isabstract(cls)]


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a.__dict__ == b.__dict__


def test_every_slot_of_the_domain_is_copied_as_copy_copy_copies_it(domain: Domain) -> None:
    assert len(domain.slots) > 5
    for slot in domain.slots:
        slot.value = "iets" if slot.type_name == "text" else slot.value
        got, want = copy_slot(slot), copy.copy(slot)
        assert _same(got, want) and got is not slot, slot.name
        got.value = "anders"
        assert slot.value != "anders"  # setting the copy's value leaves the source alone
        slot.reset()


def test_every_slot_type_of_rasa_is_a_plain_class() -> None:
    assert {cls.__name__ for cls in SLOT_TYPES} >= {"TextSlot", "CategoricalSlot", "BooleanSlot", "FloatSlot",
                                                     "ListSlot", "AnySlot"}
    assert all(plain_class(cls) for cls in SLOT_TYPES)


class WithCopy:
    def __init__(self) -> None:
        self.name, self.copied = "a", False

    def __copy__(self) -> WithCopy:
        duplicate = WithCopy()
        duplicate.copied = True
        return duplicate


class WithSlots:
    __slots__ = ("name",)

    def __init__(self) -> None:
        self.name = "b"


class WithState:
    def __init__(self) -> None:
        self.name, self.restored = "c", False

    def __getstate__(self) -> dict:
        return {"name": self.name}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, restored=True)


def test_a_class_with_its_own_copy_hooks_goes_to_copy_copy() -> None:
    assert copy_slot(WithCopy()).copied
    assert copy_slot(WithSlots()).name == "b"
    assert copy_slot(WithState()).restored
    assert not any(plain_class(cls) for cls in (WithCopy, WithSlots, WithState))


def test_copied_slots_are_keyed_by_name(domain: Domain) -> None:
    got = copied_slots(domain.slots)
    assert list(got) == [slot.name for slot in domain.slots]
    assert all(_same(got[slot.name], slot) and got[slot.name] is not slot for slot in domain.slots)
