"""The answer action: answers every question of a message, with a kind word where it fits.

Runs for FAQ questions, near misses (out of scope), medical questions, requests
for a person (with the handover on: the offer of ``handover.texts``), emotional
messages and urgent ones (data/rules/answer.yml). The
decision is made by :func:`actions.reply_plan.plan_reply`; this action reads the
conversation, sends the planned responses of the domain in order, and gives a clarifying
question the titles and questions of its buttons. No text lives in Python.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.bot_events import utter_action
from actions.language import language_of
from actions.reply_plan import ANAPHORIC, CLARIFY, ELLIPTIC, FAQ_PREFIX, SAME, plan_reply
from actions.topics import load_catalogue
from handover import settings as handover_settings
from handover import texts as handover_texts
from understanding.followup import asks_the_same, is_anaphoric, is_followup

MAX_CLARIFY = 3
# How many earlier answers a follow-up may lean on (``previous_topics``).
FOLLOWUP_TURNS = 3
# With the handover to a person on (docs/handover.md): a request for a person gets the offer
# instead of "ik kan u niet doorverbinden", and distress gets it after 113.
HUMAN = "utter_human"
DISTRESS = "utter_distress_113"


def previous_topics(events: List[Dict[str, Any]]) -> List[str]:
    """The FAQ topics of the assistant's newest answer before the current message.

    Looks at the answers to the ``FOLLOWUP_TURNS`` messages before the current one,
    newest first, and stops at the first that gave FAQ answers: a follow-up leans on
    what was just said (also across a short turn such as a click on "Ja" under
    "Had u hier iets aan?"), not on an answer from long ago, and a long conversation
    costs no more per turn.

    Args:
        events: The tracker's events, oldest first (the newest user message last).

    Returns:
        The topics of the FAQ answers of that answer, oldest first; none when the
        session's recent answers had none.
    """
    users_seen = 0
    topics: List[str] = []
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if topics:
                break
            users_seen += 1
            if users_seen > FOLLOWUP_TURNS:
                break
            continue
        if kind == "session_started":
            break
        if kind == "bot" and users_seen >= 1:
            action = utter_action(event)
            if action.startswith(FAQ_PREFIX):
                topics.insert(0, action[len(FAQ_PREFIX):])
    return topics


def followup_kind(text: str) -> Optional[str]:
    """How a message leans on the previous turn: SAME, ANAPHORIC, ELLIPTIC or None."""
    if asks_the_same(text):
        return SAME
    if is_followup(text):
        return ANAPHORIC if is_anaphoric(text) else ELLIPTIC
    return None


def send_answer(dispatcher: CollectingDispatcher, message: Mapping[str, Any],
                events: List[Dict[str, Any]], language: str) -> None:
    """Plans the answer to the newest message and sends its responses.

    :class:`ActionAnswer` calls this, in the Rasa server (``ACTIONS_IN_PROCESS=1``)
    or on the action server.

    Args:
        dispatcher: Collects the responses.
        message: The newest message's parse (``tracker.latest_message``).
        events: The tracker's events, oldest first; only ``user``, ``bot`` (with
            metadata) and ``session_started`` events are read.
        language: ``nl`` or ``en``, for the titles of a clarifying question's buttons.
    """
    text = str(message.get("text") or "")
    followup = followup_kind(text)
    plan = plan_reply(message, previous_topics(events), followup)
    handover = handover_settings.enabled()
    for response in plan.responses:
        if response == CLARIFY:
            response, values = clarify_values(plan.clarify, language)
            dispatcher.utter_message(response=response, **values)
        elif handover and response == HUMAN:
            dispatcher.utter_message(**handover_texts.offer(language))
        else:
            dispatcher.utter_message(response=response)
    if handover and DISTRESS in plan.responses and HUMAN not in plan.responses:
        dispatcher.utter_message(**handover_texts.offer(language))


class ActionAnswer(Action):
    """Sends the planned answer to the newest message."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_answer"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the responses of the plan.

        Args:
            dispatcher: Sends the responses.
            tracker: The conversation so far.
            domain: The assistant's domain.

        Returns:
            No events: the answers are the bot messages.
        """
        send_answer(dispatcher, tracker.latest_message or {}, tracker.events, language_of(tracker))
        return []


def clarify_values(topics: List[str], language: str) -> Tuple[str, Dict[str, str]]:
    """The clarifying question's response and the titles and questions of its buttons.

    Args:
        topics: Two or three FAQ topics, likeliest first.
        language: ``nl`` or ``en``.

    Returns:
        ``utter_clarify`` (two topics) or ``utter_clarify_three``, and the values of
        ``{clarify_N_title}`` and ``{clarify_N_question}``.
    """
    catalogue = load_catalogue()
    found = [t for t in (catalogue.topic(key) for key in topics) if t is not None][:MAX_CLARIFY]
    values: Dict[str, str] = {}
    for number, topic in enumerate(found, start=1):
        values[f"clarify_{number}_title"] = topic.title_in(language)
        values[f"clarify_{number}_question"] = topic.question_in(language)
    return (CLARIFY + "_three" if len(found) >= MAX_CLARIFY else CLARIFY), values
