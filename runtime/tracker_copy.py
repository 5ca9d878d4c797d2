"""A tracker copied by its state, not by replaying every event: what ``DialogueStateTracker.copy`` gives.

Rasa 3.6's ``DialogueStateTracker.copy`` (``travel_back_in_time(inf)``) builds an
empty tracker and applies every event of the conversation again, in Python, one by
one. The processor calls it before every action (``MessageProcessor._run_action``),
so each turn cost more than the last (issue 17, "long conversations stay cheap").

``copy_state`` gives the same tracker from the source's state: the same events (a
new deque of the same event objects, which Rasa's copy shares as well), copies of
the slots with their values, and the state attributes the events set when applied
(``latest_message``, ``latest_bot_utterance``, ``latest_action``, ``followup_action``,
``active_loop``, ``_paused``). Like Rasa's copy it starts from ``init_copy``: the
same ``sender_id`` (or Rasa's default), ``max_event_history`` and
``is_rule_tracker``, no ``sender_source``, and neither ``model_id`` nor
``assistant_id``. Rasa's copy applies every event one by one, while a tracker
store rebuilds a tracker by replaying only the applied events; the two states
differ after reverts, a restart or a form (``replays_alike``). Such a tracker, and
one whose state does not follow from its events (a subclass, or events cut by
``max_event_history``), is copied with Rasa's replay. Otherwise the cost is a
type scan and a copy of the event list (both in C) and a copy of the slots,
whatever the length of the conversation.

``tests/test_runtime_tracker_copy.py`` compares the state of ``copy_state`` with
Rasa's own copy over random conversations with forms, fallbacks, session starts,
slot resets, pauses and reverts.
"""

from __future__ import annotations

import copy
import functools
from collections import deque
from typing import Any, Callable, Dict, Iterable

from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.events import ActionReverted, ActiveLoop, Event, Restarted, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.applied_events import CACHE_ATTRIBUTE as APPLIED_CACHE
from runtime.event_dicts import CACHE_ATTRIBUTE as EVENT_DICTS
from runtime.event_types import with_subclasses
from runtime.history_window import SLOT_SCAN_ATTRIBUTE
from runtime.slot_copy import copied_slots

# The attributes of a tracker that applying events sets, and how each is copied.
_SHARED = ("latest_message", "latest_bot_utterance", "followup_action", "_paused")
# What a tracker carries about its events that a copy with the same events may use
# (the last: runtime.turn_cap.CACHE_ATTRIBUTE, named here since turn_cap imports channels/).
CARRIED = (APPLIED_CACHE, EVENT_DICTS, SLOT_SCAN_ATTRIBUTE, "_bvo_turns_in_session")



# Events after which Rasa's replay of the applied events (``replay_events``, as its
# tracker stores rebuild a tracker) and the one-by-one application of every event
# (``copy``, a tracker being updated) can give different states: reverts, a restart
# (its followup action is not replayed) and forms (``applied_events`` undoes earlier
# form turns). Compared by exact type: isinstance through abc costs ten times more.
_REPLAY_DIFFERS = with_subclasses(ActionReverted, UserUtteranceReverted, Restarted)
_LOOPS = with_subclasses(ActiveLoop)


def replays_alike(events: Iterable[Event]) -> bool:
    """Whether replaying only the applied ``events`` gives the state that applying each of them gives.

    Args:
        events: A conversation's events.

    Returns:
        True when no event is a revert, a restart or the start of a form.
    """
    events = events if isinstance(events, list | deque) else list(events)
    kinds = set(map(type, events))
    if kinds & _REPLAY_DIFFERS:
        return False
    if kinds & _LOOPS:
        return not any(event.name for event in events if type(event) in _LOOPS)
    return True


def plain(tracker: DialogueStateTracker) -> bool:
    """Whether ``tracker`` is a ``DialogueStateTracker`` itself whose events ``max_event_history`` never cut.

    Args:
        tracker: Any tracker.

    Returns:
        False for a subclass, or a tracker whose state came from events it no longer has.
    """
    if type(tracker) is not DialogueStateTracker:
        return False
    limit = tracker._max_event_history
    return limit is None or len(tracker.events) < limit


def copyable(tracker: DialogueStateTracker) -> bool:
    """Whether ``copy_state`` gives exactly what Rasa's copy gives for ``tracker``.

    Rasa's copy applies every event one by one. Its state is the source's own when
    the source was built the same way, and also when the source was rebuilt by a
    tracker store's replay and the events replay alike (``replays_alike``).

    Args:
        tracker: Any tracker.

    Returns:
        True for a ``plain`` tracker whose events replay alike.
    """
    return plain(tracker) and replays_alike(tracker.events)


def copy_state(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker Rasa's ``tracker.copy()`` gives, made from the state instead of a replay.

    Args:
        tracker: A tracker for which ``copyable`` is True.

    Returns:
        A new tracker with the same events, slots and state, without ``model_id``
        and ``assistant_id`` (as ``init_copy`` makes it).
    """
    duplicate = DialogueStateTracker.__new__(DialogueStateTracker)
    state: Dict[str, Any] = duplicate.__dict__
    state.update(
        _max_event_history=tracker._max_event_history,
        events=deque(tracker.events, tracker._max_event_history),
        sender_id=tracker.sender_id or DEFAULT_SENDER_ID,
        # as init_copy: a plain dict by slot name, also for a tracker made without slots (AnySlotDict)
        slots=copied_slots(tracker.slots.values()),
        sender_source=None,
        is_rule_tracker=tracker.is_rule_tracker,
        latest_action=dict(tracker.latest_action) if tracker.latest_action is not None else None,
        active_loop=copy.copy(tracker.active_loop),
        model_id=None,
        assistant_id=None,
    )
    for name in _SHARED:
        state[name] = getattr(tracker, name)
    for name in CARRIED:  # immutable, and about the same events
        cache = tracker.__dict__.get(name)
        if cache is not None:
            state[name] = cache
    return duplicate


def copy_without_replay(original: Callable[[DialogueStateTracker], DialogueStateTracker]
                        ) -> Callable[[DialogueStateTracker], DialogueStateTracker]:
    """Wraps ``DialogueStateTracker.copy``: ``copy_state`` where it gives the same, else Rasa's replay.

    Args:
        original: Rasa's method.

    Returns:
        The wrapped method.
    """

    @functools.wraps(original)
    def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
        return copy_state(self) if copyable(self) else original(self)

    return copy_tracker
