"""Two-stage fallback for messages the assistant does not understand well.

Stage 1: offer the two likeliest topics as buttons plus "Iets anders".
Stage 2 (a second failure in a row): give the official contact channels
(with the handover on, docs/handover.md, first the offer of a person).
Before both: a bare "ja", "nee" or "weet ik niet" answers the assistant's own
previous question (actions/short_answers.py); the action sends that response.
The action only decides: it sets ``fallback_stage`` and the suggestion slots,
and the rules in ``data/rules/fallback.yml`` send the matching response. So no
Dutch or English text lives in Python, and the assistant never presents a guess
as an answer. The suggestions follow the ``language`` slot: in English the
topics' ``title_en`` and ``question_en`` (Dutch where a topic has none yet).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import language_of
from actions.short_answers import last_bot_action, reply_to_short_answer
from actions.topics import load_catalogue, ranked_topics
from handover import settings as handover_settings
from handover import texts as handover_texts

FALLBACK_INTENT = "nlu_fallback"
# Intents that are part of the fallback dialogue and so do not end a failure streak.
NEUTRAL_INTENTS = frozenset({FALLBACK_INTENT, "something_else"})
SUGGESTION_COUNT = 2
STAGE_SLOT = "fallback_stage"


def consecutive_fallbacks(events: List[Dict[str, Any]]) -> int:
    """Counts the user turns in a row that ended in ``nlu_fallback``.

    The count runs back from the newest user turn and stops at the first turn
    that was understood. A "something else" reply does not stop it.

    Args:
        events: The tracker's events, oldest first.

    Returns:
        The number of fallback turns in the current streak.
    """
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == FALLBACK_INTENT:
            count += 1
        elif intent not in NEUTRAL_INTENTS:
            break
    return count


class ActionHandleFallback(Action):
    """Chooses between suggesting topics and giving the official channels."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_handle_fallback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sets the fallback stage and, for stage 1, the two suggestions in the conversation's language.

        Args:
            dispatcher: Sends the response to a short answer; otherwise the rules send the stage's response.
            tracker: The conversation so far.
            domain: The assistant's domain.

        Returns:
            SlotSet events for ``fallback_stage`` and the suggestion slots.
        """
        text = str(tracker.latest_message.get("text") or "")
        short = reply_to_short_answer(text, last_bot_action(tracker.events))
        if short is not None:
            dispatcher.utter_message(response=short)
            return [SlotSet(STAGE_SLOT, "answered")]
        if consecutive_fallbacks(tracker.events) >= 2:
            if handover_settings.enabled():  # docs/handover.md: a person is offered before the channels
                dispatcher.utter_message(**handover_texts.offer(language_of(tracker)))
            return [SlotSet(STAGE_SLOT, "contact")]

        suggestions = ranked_topics(tracker.latest_message, load_catalogue())[:SUGGESTION_COUNT]
        if len(suggestions) < SUGGESTION_COUNT:
            return [SlotSet(STAGE_SLOT, "rephrase")]
        language = language_of(tracker)
        events = [SlotSet(STAGE_SLOT, "suggest")]
        for number, topic in enumerate(suggestions, start=1):
            events.append(SlotSet(f"suggestion_{number}_title", topic.title_in(language)))
            events.append(SlotSet(f"suggestion_{number}_question", topic.question_in(language)))
        return events
