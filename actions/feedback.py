"""Asks "Had u hier iets aan?" (Ja / Nee) now and then after a factual answer.

The rule in ``data/rules/faq.yml`` runs this action after every FAQ answer; the
action asks only when it is due, so most of the time it sends nothing:

* first after the second factual answer of the conversation (a single answer
  says little, and asking at once feels pushy);
* then at least ``GAP`` factual answers after the previous question;
* at most ``MAX_PER_SESSION`` times per session (counted over its newest
  ``LOOKBACK_MESSAGES`` user messages: the whole session unless ``MAX_TURNS`` was raised).

The question's buttons carry the FAQ topic of the answer just given (never any
user text), so feedback can be counted per topic (``make report``).

With ``ACTIONS_IN_PROCESS=1`` the Rasa server runs this action itself (the SDK's
executor, ``runtime.inprocess_actions``), so an FAQ answer needs no call to the
action server; otherwise it runs on the action server like every custom action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.bot_events import utter_action

FACTUAL_PREFIX = "utter_faq/"
ASK_RESPONSE = "utter_ask_feedback"
FIRST_AFTER = 2
GAP = 3
MAX_PER_SESSION = 3
# How far back the count of questions looks: the session's newest 200 user messages. A
# session holds at most ``MAX_TURNS`` (200 by default) user messages, so by default this is
# the whole session; with a higher cap the question may come again after 200 messages
# without one, and a turn of a very long session costs no more than turn 200.
LOOKBACK_MESSAGES = 200


@dataclass(frozen=True)
class FeedbackState:
    """What the current session says about feedback so far.

    Attributes:
        answers_since_ask: Factual answers since the last question (or session start).
        asked: How often the question was asked in this session (up to ``MAX_PER_SESSION``).
        last_topic: FAQ topic of the newest factual answer, if any.
    """

    answers_since_ask: int
    asked: int
    last_topic: Optional[str]


def feedback_state(events: List[Dict[str, Any]]) -> FeedbackState:
    """Reads the feedback state from the events of the current session.

    Walks back from the newest event to the newest ``session_started``, at most
    ``LOOKBACK_MESSAGES`` user messages back, and stops earlier once the question
    was asked ``MAX_PER_SESSION`` times after the newest factual answer was found:
    nothing older changes what :func:`is_due` decides, so a long conversation costs
    no more per turn.

    Args:
        events: The tracker's events, oldest first.

    Returns:
        The state of the current session; ``asked`` counts up to ``MAX_PER_SESSION``.
    """
    answers = 0
    asked = 0
    topic: Optional[str] = None
    messages = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "session_started":
            break
        if kind == "user":
            messages += 1
            if messages > LOOKBACK_MESSAGES:
                break
            continue
        if kind != "bot":
            continue
        action = utter_action(event)
        if action.startswith(FACTUAL_PREFIX):
            if topic is None:
                topic = action[len(FACTUAL_PREFIX) :]
            if asked == 0:
                answers += 1
        elif action == ASK_RESPONSE:
            asked += 1
        if asked >= MAX_PER_SESSION and topic is not None:
            break
    return FeedbackState(answers_since_ask=answers, asked=min(asked, MAX_PER_SESSION), last_topic=topic)


def is_due(state: FeedbackState) -> bool:
    """Whether to ask for feedback now.

    Args:
        state: See :func:`feedback_state`.

    Returns:
        True when a factual answer was just given and the spacing rules allow it.
    """
    if state.last_topic is None or state.asked >= MAX_PER_SESSION:
        return False
    needed = FIRST_AFTER if state.asked == 0 else GAP
    return state.answers_since_ask >= needed


def offer_feedback(dispatcher: CollectingDispatcher, events: List[Dict[str, Any]]) -> None:
    """Sends the feedback question, with the topic in its buttons, when it is due.

    Args:
        dispatcher: Collects the question.
        events: The tracker's events as dictionaries, oldest first (only
            ``session_started`` and ``bot`` events with their metadata are read).
    """
    state = feedback_state(events)
    if is_due(state):
        dispatcher.utter_message(response=ASK_RESPONSE, feedback_topic=state.last_topic)


class ActionOfferFeedback(Action):
    """Sends the feedback question when it is due; otherwise does nothing."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_offer_feedback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Asks "Had u hier iets aan?" with the topic in the buttons, when due.

        Args:
            dispatcher: Sends the question.
            tracker: The conversation so far.
            domain: The assistant's domain (unused).

        Returns:
            No events: the question is a bot message, the answer a user intent.
        """
        offer_feedback(dispatcher, tracker.events)
        return []
