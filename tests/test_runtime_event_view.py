"""``runtime.event_view.CopiedOnRead``: what an action sees is a list of copies; the kept dictionaries stay as they were."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any, Callable, Dict, List

import pytest
from rasa_sdk import Tracker

from runtime.event_view import CopiedOnRead


def kept_events() -> List[Dict[str, Any]]:
    return [{"event": "session_started"},
            *[{"event": "user", "text": f"vraag {i}", "parse_data": {"intent": {"name": "faq"}}} if i % 2 else
              {"event": "bot", "text": f"antwoord {i}", "metadata": {"utter_action": f"utter_faq/t{i}"}}
              for i in range(12)],
            {"event": "restart"}, {"event": "slot", "name": "language", "value": "nl"}]


def pair() -> tuple:
    """The view, a plain list of copies built the old way, the kept dictionaries and a snapshot of them."""
    kept = kept_events()
    fresh = [{"event": "action", "name": "action_answer"}]
    view = CopiedOnRead(kept, [dict(item) for item in fresh])
    plain = [dict(item) for item in kept] + [dict(item) for item in fresh]
    return view, plain, kept, copy.deepcopy(kept)


OPERATIONS: Dict[str, Callable[[list], Any]] = {
    "index": lambda events: events[3],
    "negative index": lambda events: events[-2],
    "slice": lambda events: events[2:9:2],
    "iterate": lambda events: [e for e in events],
    "reversed": lambda events: list(reversed(events)),
    "len, in, ==, count": lambda events: (len(events), {"event": "restart"} in events,
                                          events == kept_events() + [{"event": "action", "name": "action_answer"}],
                                          events.count({"event": "restart"}), events.index({"event": "restart"})),
    "json": lambda events: json.dumps(events),
    "copy": lambda events: (events.copy(), copy.copy(events), copy.deepcopy(events), events[:]),
    "add": lambda events: events + [{"event": "x"}],
    "add to a list": lambda events: [{"event": "y"}] + events,
    "multiply": lambda events: (events * 2, 2 * events),
    "pickle": lambda events: pickle.loads(pickle.dumps(events)),
    "pop": lambda events: (events.pop(), events.pop(0), events),
    "insert, del, remove": lambda events: (events.insert(1, {"event": "x"}), events.__delitem__(0),
                                           events.remove({"event": "restart"}), events),
    "setitem, append, +=": lambda events: (events.__setitem__(2, {"event": "new"}), events.append({"event": "a"}),
                                           events.__iadd__([{"event": "b"}]), events),
    "sort, reverse, *=": lambda events: (events.reverse(), events.sort(key=lambda e: e["event"]),
                                         events.__imul__(2), events),
    "sdk tracker": lambda events: _sdk(events),
}


def _sdk(events: list) -> Any:
    tracker = Tracker.from_dict({"sender_id": "s", "events": events, "slots": {}, "latest_message": {}})
    found = (tracker.get_last_event_for("bot"), tracker.applied_events(), tracker.events_after_latest_restart(),
             tracker.idx_after_latest_restart(), tracker.copy().events)
    tracker.add_slots([{"event": "slot", "name": "x", "value": 1}])
    return found, tracker.current_state()["events"]


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_gives_what_a_list_of_copies_gives_and_never_touches_the_kept(name):
    view, plain, kept, snapshot = pair()
    got, expected = OPERATIONS[name](view), OPERATIONS[name](plain)
    assert got == expected
    assert list(view) == plain
    # whatever was handed out may be changed: the kept dictionaries stay as they were
    _change_every_dict([list(view), got])
    assert kept == snapshot


def _change_every_dict(found: Any) -> None:
    if isinstance(found, dict):
        found["changed"] = True
    elif isinstance(found, list | tuple):
        for item in list.__iter__(found) if isinstance(found, list) else found:
            _change_every_dict(item)


def test_an_item_read_twice_is_the_same_copy_and_keeps_its_changes():
    view, _, kept, snapshot = pair()
    first = view[4]
    first["text"] = "veranderd"
    assert view[4] is first and view[-12]["text"] == "veranderd" and list(view)[4] is first
    assert kept == snapshot and kept[4] is not first
    with pytest.raises(IndexError):
        view[len(view)]


def test_nothing_is_copied_until_read():
    kept = kept_events()
    view = CopiedOnRead(kept, [])
    assert all(list.__getitem__(view, i) is kept[i] for i in range(len(kept)))
    view[-1]
    assert list.__getitem__(view, len(kept) - 1) is not kept[-1]
    assert all(list.__getitem__(view, i) is kept[i] for i in range(len(kept) - 1))
