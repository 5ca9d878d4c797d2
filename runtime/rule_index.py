"""The ``RulePolicy`` looks only at the rules whose newest state can match the conversation's newest state.

Rasa's ``RulePolicy._get_possible_keys`` checks every rule of a lookup (about a
hundred in this model) against the conversation's newest state, twice per
prediction (once with the user's text, once with the intent), with a JSON parse
and a reversed copy of the rule per check: about a quarter of the policy's time
at 50 users (cProfile, ``bench.inprocess``).

Most rules fail on the first check for a reason that needs no check at all: a
rule whose newest state requires the previous action ``X`` (and, where it names
one, the intent ``Y``) can only match a newest state with that action (and that
intent) (``RulePolicy._does_rule_match_state``: a required value that is set
and not ``SHOULD_NOT_BE_SET`` must be equal). The index groups the keys by those
two values once per lookup. For a prediction it keeps the keys of the
conversation's action and intent, the keys that require no action or no intent,
and every key whose newest state has no previous action (those Rasa treats as
conversation starters); then Rasa's own ``_is_rule_applicable`` checks each kept
key against every state, as before. The index only leaves out keys that Rasa's
first check rejects, so the set of possible keys is Rasa's set.

With no states, a lookup that is not a ``dict`` of text keys, or values that
cannot be indexed, it is Rasa's method. A changed lookup (same object, other
keys) is indexed again. ``tests/test_runtime_rule_index.py`` compares the result
with Rasa's method for the states of random conversations and of this
project's rules, and for hand-made edge cases.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

# Where a policy keeps its indexes: ``{id(lookup): RuleIndex}``.
_INDEX_ATTRIBUTE = "_bvo_rule_index"
# Bucket of the keys whose newest state names an action but no intent.
_ANY_INTENT = object()

Key = Tuple[str, Any]


class RuleIndex:
    """The keys of one lookup, grouped by the action and intent their newest state requires."""

    def __init__(self, lookup: Dict[str, Any], parse: Callable[[str], List[Dict[str, Any]]]) -> None:
        """Indexes ``lookup``'s keys.

        Args:
            lookup: A ``RulePolicy`` lookup (rule key -> action or condition).
            parse: Rasa's ``RulePolicy._rule_key_to_state``.
        """
        self.lookup = lookup
        self.keys: FrozenSet[str] = frozenset(lookup)
        self.always: Set[str] = set()
        self.by_action: Dict[Key, Set[str]] = {}
        for key in self.keys:
            required = _required(parse(key))
            if required is None:
                self.always.add(key)
            else:
                self.by_action.setdefault(required, set()).add(key)

    def fits(self, lookup: Dict[str, Any]) -> bool:
        """Whether this index was made from ``lookup`` as it is now.

        Args:
            lookup: The lookup the policy passes.

        Returns:
            True when it is the same object with the same keys.
        """
        return lookup is self.lookup and lookup.keys() == self.keys

    def candidates(self, newest: Dict[str, Any]) -> Optional[Set[str]]:
        """The keys that can match the conversation's newest state; None: ask Rasa.

        Args:
            newest: The conversation's newest state.

        Returns:
            The keys Rasa's first check could accept.
        """
        previous = newest.get(PREVIOUS_ACTION)
        if not previous:
            return set(self.always)  # a starter state: only rules without an action can match
        action = previous.get(ACTION_NAME)
        intent = newest.get(USER, {}).get(INTENT)
        if not (_indexable(action) and _indexable(intent)):
            return None
        found = set(self.always)
        found.update(self.by_action.get((action, _ANY_INTENT), ()))
        if intent is not None:
            found.update(self.by_action.get((action, intent), ()))
        return found


def _indexable(value: Any) -> bool:
    return value is None or type(value) is str


def _required(rule_states: List[Dict[str, Any]]) -> Optional[Key]:
    """The action (and intent) a rule's newest state requires; None when it must always be checked."""
    if not isinstance(rule_states, list) or not rule_states:
        return None
    newest = rule_states[-1]
    if not isinstance(newest, dict):
        return None
    previous = newest.get(PREVIOUS_ACTION)
    if not previous or not isinstance(previous, dict):
        return None
    action = previous.get(ACTION_NAME)
    if type(action) is not str or not action or action == SHOULD_NOT_BE_SET:
        return None
    user = newest.get(USER)
    intent = user.get(INTENT) if isinstance(user, dict) else None
    if type(intent) is str and intent and intent != SHOULD_NOT_BE_SET:
        return action, intent
    return action, _ANY_INTENT


def index_of(policy: Any, lookup: Dict[str, Any]) -> Optional[RuleIndex]:
    """The policy's index of ``lookup`` (made at the first prediction, again when the keys change).

    Args:
        policy: A ``RulePolicy``.
        lookup: One of its lookups.

    Returns:
        The index, or None for a lookup that is not a dict.
    """
    if not isinstance(lookup, dict):
        return None
    indexes = policy.__dict__.setdefault(_INDEX_ATTRIBUTE, {})
    index = indexes.get(id(lookup))
    if index is None or not index.fits(lookup):
        index = RuleIndex(lookup, policy._rule_key_to_state)
        indexes[id(lookup)] = index
    return index


def indexed_possible_keys(original: Callable[..., Set[str]]) -> Callable[..., Set[str]]:
    """Wraps ``RulePolicy._get_possible_keys``: only the indexed candidates are checked.

    Args:
        original: Rasa's method.

    Returns:
        The replacement (same arguments, same set).
    """

    def _get_possible_keys(self: Any, lookup: Dict[str, Any], states: List[Dict[str, Any]]) -> Set[str]:
        if not states:
            return original(self, lookup, states)
        index = index_of(self, lookup)
        possible = index.candidates(states[-1]) if index is not None else None
        if possible is None:
            return original(self, lookup, states)
        for turn, state in enumerate(reversed(states)):
            possible = {key for key in possible if self._is_rule_applicable(key, turn, state)}
            if not possible:
                break
        return possible

    _get_possible_keys.__doc__ = original.__doc__
    _get_possible_keys.__wrapped__ = original  # type: ignore[attr-defined]
    return _get_possible_keys
