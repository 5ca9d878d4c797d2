"""Work of the dialogue policies that cannot change a prediction.

``empty_memo_shortcut``: a ``MemoizationPolicy`` whose lookup is empty (Rasa
fills it from stories only; this project's conversation paths are rules) finds
nothing whatever the states. Rasa still builds every state of the conversation
for it at every prediction (a sixth of the event loop's time at 50 users) and
then returns its default prediction. With an empty lookup the replacement
returns that default prediction at once; with a lookup it is Rasa's method.
``tests/test_runtime_policy_shortcuts.py`` compares it with Rasa's own.
"""

from __future__ import annotations

from typing import Any, Callable


def empty_memo_shortcut(original: Callable[..., Any]) -> Callable[..., Any]:
    """``MemoizationPolicy.predict_action_probabilities`` that skips the states when nothing can match.

    Args:
        original: Rasa's method.

    Returns:
        The replacement (same signature and result).
    """

    def predict_action_probabilities(self: Any, tracker: Any, domain: Any, rule_only_data: Any = None,
                                     **kwargs: Any) -> Any:
        if self.lookup or type(self).recall is not _memo_recall():
            return original(self, tracker, domain, rule_only_data=rule_only_data, **kwargs)
        return self._prediction(self._default_predictions(domain))

    predict_action_probabilities.__doc__ = original.__doc__
    predict_action_probabilities.__wrapped__ = original  # type: ignore[attr-defined]
    return predict_action_probabilities


def _memo_recall() -> Any:
    from rasa.core.policies.memoization import MemoizationPolicy

    return MemoizationPolicy.recall


def constant_empty_domain(original: Callable[..., bool]) -> Callable[..., bool]:
    """``Domain.is_empty`` that compares with the empty domain's dictionary made once, not at every call.

    Rasa builds a whole empty ``Domain`` from a dictionary each time it asks
    (after every parse, in ``_check_for_unseen_features``), only to compare
    dictionaries; the empty domain's dictionary never changes.

    Args:
        original: Rasa's method.

    Returns:
        The replacement (same result).
    """
    empty: list = []

    def is_empty(self: Any) -> bool:
        if not empty:
            from rasa.shared.core.domain import Domain

            empty.append(Domain.empty().as_dict())
        return bool(self.as_dict() == empty[0])

    is_empty.__doc__ = original.__doc__
    is_empty.__wrapped__ = original  # type: ignore[attr-defined]
    return is_empty
