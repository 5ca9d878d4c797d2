"""Event classes from a table: the same answers as Rasa's class-tree walk."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from runtime import patches
from runtime.event_types import cached_resolve_by_type

ORIGINAL = patches.original("Event.resolve_by_type")
TYPE_NAMES = sorted({cls.type_name for cls in all_subclasses(Event)})


def test_every_known_type_resolves_to_rasas_class():
    assert len(TYPE_NAMES) >= 20
    resolve = cached_resolve_by_type(ORIGINAL)
    for name in TYPE_NAMES:
        assert resolve(name) is ORIGINAL(name), name
        assert resolve(name) is ORIGINAL(name), name  # second time from the table


def test_unknown_names_behave_as_in_rasa():
    resolve = cached_resolve_by_type(ORIGINAL)
    assert resolve("topic") is None
    assert resolve("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve("no_such_event")
    with pytest.raises(ValueError):
        resolve("no_such_event")  # nothing was kept for it


def test_the_table_is_used_after_the_first_look_up():
    calls = []

    def counting(type_name, default=None):
        calls.append(type_name)
        return ORIGINAL(type_name, default)

    resolve = cached_resolve_by_type(counting)
    for _ in range(5):
        resolve("bot")
    assert calls == ["bot"]


@pytest.mark.patches
def test_installed_patch_reads_events_back_unchanged(runtime_changes):
    assert getattr(Event.resolve_by_type, patches.MARKER, False)
    events = [UserUttered("hallo", {"name": "greet", "confidence": 0.9}), ActionExecuted("utter_greet"),
              BotUttered("Hallo!", metadata={"utter_action": "utter_greet"}), SlotSet("language", "en")]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_with_subclasses_gives_the_classes_and_every_subclass_for_exact_type_lookups():
    from rasa.shared.core.events import ActionExecuted, Event, UserUttered

    from runtime.event_types import with_subclasses

    class Custom(UserUttered):
        pass

    found = with_subclasses(UserUttered, ActionExecuted)
    assert {UserUttered, ActionExecuted, Custom} <= found
    assert Event not in found and type(Custom("x")) in found
