"""The dialogue policies read a bounded window of a conversation, so a turn costs the same at turn 1000.

Rasa 3.6 rebuilds every dialogue state of the session for every prediction
(``Policy._prediction_states`` -> ``tracker.past_states`` -> ``generate_all_prior_trackers``,
which replays all events), several times per message, and the ``RulePolicy`` then
matches its rules against all those states. The cost of a turn grew with the length
of the session (34 -> 205 ms median at 400 turns, issue 16).

What a policy can use is bounded:

* the ``RulePolicy`` compares a rule with the newest states only: a rule of ``k``
  states is checked against the last ``k`` states, and every older state passes
  (``_is_rule_applicable``). Its longest rule (``rule_states``) is 3 states in
  this model. A window with more states than the longest rule gives the same
  possible rules, the same chosen rule, and, when no rule applies, a feature key that
  is in none of its lookups either way (so the same ``hide_rule_turn``);
* a ``MemoizationPolicy`` with an empty lookup (Rasa trains it on stories only, and
  this project has none) predicts nothing whatever the states: it gets the window too.
  With a non-empty lookup it reads the whole history, as in stock Rasa.

The window (``WindowTracker``) holds the events from an ``action_listen`` that is
followed by a user message, at least ``min_actions`` actions back, to the end, and
starts from the slot values that all earlier events of the session give. Its states
are then the newest states of the whole history, identical, because:

* no ``UserUtteranceReverted`` or ``ActionReverted`` is in the session (else: no window);
* no form is active where the window starts (else: no window), so Rasa's undoing of
  earlier form turns (``applied_events``) never reaches back across the start;
* the session starts (``session_started``, ``restart``) before the window.

Finding the start is a backward pass over the window's own events with type checks
only (no replay, no state); the slot values there come from a forward pass that the
tracker carries from turn to turn (``scan_slots``, ``SLOT_SCAN_ATTRIBUTE``), so each
message reads only the events since the previous one. Everything the policies do
then costs what the window costs. ``tests/test_runtime_history_window.py`` compares the window's states with
Rasa's own over whole conversations with forms, fallbacks, session starts and
reverts.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
from collections import deque
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.event_prefix import EventMark
from runtime.event_types import with_subclasses
from runtime.slot_copy import copied_slots

logger = logging.getLogger(__name__)

# Actions in the window beyond what the longest rule needs. The window's first state has no
# previous action, like a conversation's start; the longest rule plus one keeps it out of every
# rule's reach, which the tests also showed with no margin at all. 4 until 7 Dec 2026: each action
# in the window costs a state at every prediction.
MARGIN_ACTIONS = 1



# Looked up by exact type (``type(event) in ...``): an isinstance check on Rasa's event
# classes goes through abc and made the scan of a long session cost as much as a replay.
_REVERTING = with_subclasses(ActionReverted, UserUtteranceReverted)
_RESETTING = with_subclasses(SessionStarted, Restarted)
_STOPPING = _REVERTING | _RESETTING
_ACTIONS = with_subclasses(ActionExecuted)
_LOOPS = with_subclasses(ActiveLoop)
_SLOT_RESETS = with_subclasses(AllSlotsReset)
_SLOTS = with_subclasses(SlotSet)
_USER = with_subclasses(UserUttered)
# Where a tracker keeps its window between the several predictions of one turn.
_CACHE_ATTRIBUTE = "_bvo_history_window"
# Where a tracker keeps its slot scan (``SlotScan``) for the next turn (``copy_state`` passes it on).
SLOT_SCAN_ATTRIBUTE = "_bvo_slot_scan"


class WindowTracker(DialogueStateTracker):
    """The last part of a conversation, starting from the slot values the whole history gives there.

    Only for ``past_states``: its events are the window's, its prior trackers start
    from ``start_slots`` instead of empty slots.
    """

    def __init__(self, source: DialogueStateTracker, start: int, start_slots: Dict[str, Any]) -> None:
        """Builds the window of ``source`` from event ``start`` on.

        Args:
            source: The whole conversation.
            start: Index in ``source.events`` of the window's first event.
            start_slots: Slot values before that event (only slots that were set).
        """
        super().__init__(source.sender_id, (), is_rule_tracker=source.is_rule_tracker)
        _give_empty_slots(self, source)
        self.events = deque(islice(source.events, start, None))
        self.start_slots = dict(start_slots)

    def past_states(self, domain: Domain, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False,
                    rule_only_data: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """Rasa's states of the window, built once per set of arguments.

        The ``RulePolicy`` asks twice per prediction (with the user's text, then with
        the intent) for the same window; a window never changes (a new event makes a
        new window). Each caller gets its own copy, two levels deep, because Rasa's
        featurizer deletes keys of the newest user state (every value inside is a
        string or a tuple).

        Args:
            domain: The model's domain.
            omit_unset_slots: As Rasa's.
            ignore_rule_only_turns: As Rasa's.
            rule_only_data: As Rasa's.

        Returns:
            A new list of states, equal to Rasa's for this window.
        """
        kept = self.__dict__.setdefault("_bvo_states", [])
        for known_domain, omit, ignore, data, states in kept:
            if known_domain is domain and omit == omit_unset_slots and ignore == ignore_rule_only_turns \
                    and data == rule_only_data:
                return _copy_states(states)
        states = super().past_states(domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        kept.append((domain, omit_unset_slots, ignore_rule_only_turns, copy.deepcopy(rule_only_data),
                     _copy_states(states)))
        return states

    def init_copy(self) -> DialogueStateTracker:
        """An empty tracker with the slot values of the window's start (``generate_all_prior_trackers``)."""
        tracker = DialogueStateTracker(self.sender_id, (), is_rule_tracker=self.is_rule_tracker)
        _give_empty_slots(tracker, self)
        for key, value in self.start_slots.items():
            tracker._set_slot(key, value)
        return tracker


def _give_empty_slots(tracker: DialogueStateTracker, source: DialogueStateTracker) -> None:
    """Gives ``tracker`` copies of ``source``'s slots, reset to their initial values."""
    tracker.slots = copied_slots(source.slots.values())
    tracker._reset_slots()


def _copy_states(states: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{kind: dict(part) if type(part) is dict else copy.deepcopy(part) for kind, part in state.items()}
            for state in states]


def start_index(events: Sequence[Any], min_actions: int) -> Optional[int]:
    """Where a window with at least ``min_actions`` actions can start, by its events alone.

    Args:
        events: The conversation's events, oldest first.
        min_actions: Actions (``ActionExecuted``) the window must hold at least.

    Returns:
        The index of the window's first event (an ``action_listen`` followed by a user
        message); None when the session is too short for a window or a revert is
        inside it.
    """
    actions = 0
    index = len(events) - 1
    while index >= 0:
        kind = type(events[index])
        if kind in _STOPPING:
            return None  # a revert anywhere, or a session shorter than the window
        if kind in _ACTIONS:
            actions += 1
            if (actions >= min_actions and events[index].action_name == ACTION_LISTEN_NAME
                    and index + 1 < len(events) and type(events[index + 1]) in _USER):
                return index
        index -= 1
    return None


def window_start(events: Sequence[Any], min_actions: int) -> Optional[Tuple[int, Dict[str, Any]]]:
    """Where a window with at least ``min_actions`` actions can start, and the slot values there.

    Args:
        events: The conversation's events, oldest first.
        min_actions: Actions (``ActionExecuted``) the window must hold at least.

    Returns:
        The index of the window's first event (an ``action_listen`` followed by a user
        message) and the slot values set before it in the session; None when the
        session is too short for a window, or a window would not give Rasa's states
        (a revert in the session, a form active at the start).
    """
    start = start_index(events, min_actions)
    if start is None:
        return None
    slots = scan_slots(events, start).result()
    return None if slots is None else (start, slots)


@dataclass(frozen=True)
class SlotScan:
    """What the events before a window's start say about slots, kept to go on from at the next turn.

    Attributes:
        mark: The mark of the events read (``runtime.event_prefix``): the first ``upto``.
        slots: The values of the slots set since the newest session start or restart
            (and since the newest ``AllSlotsReset``).
        reverted: Whether a revert came after the newest session start or restart.
        loop: The form named by the newest ``ActiveLoop`` after it, if any.
    """

    mark: EventMark
    slots: Mapping[str, Any]
    reverted: bool
    loop: Optional[str]

    @property
    def upto(self) -> int:
        """How many first events were read."""
        return self.mark.count

    def result(self) -> Optional[Dict[str, Any]]:
        """The slot values before event ``upto``; None when no window may start there (a revert, a form)."""
        return None if self.reverted or self.loop else dict(self.slots)


def scan_slots(events: Sequence[Any], start: int, previous: Optional[SlotScan] = None) -> SlotScan:
    """Reads the events before ``start``, going on from ``previous`` when the events continue its own.

    A forward pass that gives what a backward walk to the session start gives: the
    newest value of each slot, nothing from before a session start, restart or
    ``AllSlotsReset``, and whether a revert or an active form rules the window out.
    The window's start only moves forward in a conversation, so each turn reads the
    events of the previous turn only; another conversation, a changed event list or
    an earlier start is read from the first event.

    Args:
        events: The conversation's events, oldest first.
        start: Index of the window's first event.
        previous: The scan made for an earlier turn of (maybe) this conversation.

    Returns:
        The scan of ``events[:start]``.
    """
    if previous is not None and start >= previous.upto and previous.mark.continued_by(events):
        first, slots = previous.upto, dict(previous.slots)
        reverted, loop = previous.reverted, previous.loop
    else:
        first, slots, reverted, loop = 0, {}, False, None
    for event in islice(events, first, start):
        kind = type(event)
        if kind in _SLOTS:
            slots[event.key] = event.value
        elif kind in _RESETTING:
            slots, reverted, loop = {}, False, None
        elif kind in _REVERTING:
            reverted = True
        elif kind in _LOOPS:
            loop = event.name
        elif kind in _SLOT_RESETS:
            slots = {}
    return SlotScan(EventMark.of(events, start), slots, reverted, loop)


@dataclass(frozen=True)
class _KeptWindow:
    """A tracker's window for the predictions of one turn, and the events it was made from."""

    mark: EventMark
    min_actions: int
    view: Optional[WindowTracker]


def window(tracker: DialogueStateTracker, min_actions: int) -> Optional[WindowTracker]:
    """The window of ``tracker`` (kept on the tracker while it does not change), or None.

    Args:
        tracker: The conversation.
        min_actions: Actions the window must hold at least.

    Returns:
        The window, or None when the policies must read the whole tracker.
    """
    if isinstance(tracker, WindowTracker) or len(tracker.events) <= min_actions:
        return None
    events = tracker.events  # a deque: read from its newest end and once forward, never copied
    cached = tracker.__dict__.get(_CACHE_ATTRIBUTE)
    if (cached is not None and cached.min_actions == min_actions and cached.mark.count == len(events)
            and cached.mark.continued_by(events)):
        return cached.view
    start = start_index(events, min_actions)
    view = None
    if start is not None:
        scan = scan_slots(events, start, tracker.__dict__.get(SLOT_SCAN_ATTRIBUTE))
        tracker.__dict__[SLOT_SCAN_ATTRIBUTE] = scan
        slots = scan.result()
        view = WindowTracker(tracker, start, slots) if slots is not None else None
    if view is not None and sum(isinstance(e, ActionExecuted) for e in view.applied_events()) < min_actions:
        view = None  # forms undone inside the window left too few states
    tracker.__dict__[_CACHE_ATTRIBUTE] = _KeptWindow(EventMark.of(events), min_actions, view)
    return view


def rule_states(policy: Any) -> int:
    """The number of states of the longest rule of a ``RulePolicy`` (read once from its lookup).

    Args:
        policy: A trained ``RulePolicy``.

    Returns:
        The most states any key of its lookups holds.
    """
    known = policy.__dict__.get("_bvo_rule_states")
    if known is not None:
        return known
    longest = 0
    for table in policy.lookup.values():
        keys = table.keys() if isinstance(table, dict) else table
        for key in keys:
            try:
                states = json.loads(key)
            except (TypeError, ValueError):
                continue  # a source name such as "loop rules", not a state sequence
            if isinstance(states, list):
                longest = max(longest, len(states))
    policy.__dict__["_bvo_rule_states"] = longest
    return longest


def actions_needed(policy: Any) -> Optional[int]:
    """How many actions the window of ``policy`` must hold; None: it reads the whole history.

    Args:
        policy: A dialogue policy.

    Returns:
        For a ``RulePolicy``: its longest rule plus ``MARGIN_ACTIONS`` + 1; for a
        ``MemoizationPolicy`` with an empty lookup, the same minimum; else None.
    """
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    if isinstance(policy, RulePolicy):
        return rule_states(policy) + 1 + MARGIN_ACTIONS
    if type(policy) is MemoizationPolicy and not policy.lookup:
        return 1 + MARGIN_ACTIONS
    return None


def windowed_prediction_states(original: Callable[..., List[Dict]]) -> Callable[..., List[Dict]]:
    """Wraps ``Policy._prediction_states``: the policies above get the window instead of the whole tracker.

    Args:
        original: Rasa's method.

    Returns:
        The wrapped method.
    """

    @functools.wraps(original)
    def _prediction_states(self: Any, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> List[Dict]:
        needed = actions_needed(self)
        view = window(tracker, needed) if needed is not None else None
        return original(self, view if view is not None else tracker, *args, **kwargs)

    return _prediction_states
