"""Closing actions of the personal next-steps flows (issue 3).

Three forms, each started by a ``/choose{"flow": ...}`` button (rules in
``data/rules/guidance.yml``), each validated in ``actions/flow_validation.py``:

- ``situation_form``: what is going on (a strange message, a caller, misuse ...);
  ``action_share_guidance`` sends the advice and its links.
- ``affected_form``: the "zit ik erbij?" check with three yes/no questions;
  ``action_share_affected_result`` explains what the answers mean.
- ``checklist_form``: which kind of data worries the user most;
  ``action_share_checklist`` sends the steps with their links.

When a form ended early (``flow_exit``), the closing action says it stopped,
or answers the other question; after the button of another flow it says
nothing and keeps ``flow``, and a rule starts that flow. No Dutch text lives
here: every message is a domain response, and links come from the guidance
registry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.flow_validation import (
    EXIT_QUESTION,
    EXIT_SLOT,
    EXIT_SWITCH,
    FLOW_SLOT,
    INTERRUPTION_RESPONSES,
    RETRIEVAL_INTENT,
)
from actions.guidance import load_registry
from actions.guidance_render import render_links
from actions.language import language_of
from actions.next_steps import Advice, affected_result, guidance_for, load_flows

ANSWER_SLOTS = ("took_part", "since_2017", "got_letter")
# Every slot the flows fill; all are cleared when a flow ends.
FLOW_SLOTS = (FLOW_SLOT, EXIT_SLOT, "situation", "data_kind") + ANSWER_SLOTS
LINKS_RESPONSE = "utter_guidance_links"
STOPPED_RESPONSE = "utter_flow_stopped"
LEFT_RESPONSE = "utter_flow_left"


def reset_events(tracker: Tracker) -> List[Dict[str, Any]]:
    """Clears the flow slots, so the next flow starts empty.

    After a switch (the user pressed the button of another flow) ``flow``
    keeps the new flow, and a rule starts it.

    Args:
        tracker: The conversation.

    Returns:
        SlotSet events.
    """
    keep = {FLOW_SLOT} if tracker.get_slot(EXIT_SLOT) == EXIT_SWITCH else set()
    return [SlotSet(slot, None) for slot in FLOW_SLOTS if slot not in keep]


def send_advice(dispatcher: CollectingDispatcher, tracker: Tracker, advice: Advice) -> List[str]:
    """Sends an advice response and then its links, rendered for the channel.

    Args:
        dispatcher: Collects the messages.
        tracker: The conversation, for the channel and the language.
        advice: The advice to send.

    Returns:
        The ids of the registry entries sent, in order.
    """
    language = language_of(tracker)
    entries = guidance_for(advice, load_registry(), language)
    rendered = render_links(entries, tracker.get_latest_input_channel(), language)
    dispatcher.utter_message(response=advice.response)
    dispatcher.utter_message(response=LINKS_RESPONSE, links=rendered.text, buttons=rendered.buttons)
    return [entry.id for entry in entries]


def interruption_response(tracker: Tracker, domain: DomainDict) -> Optional[str]:
    """Returns the response that answers the user's latest message, if it was another question.

    Args:
        tracker: The conversation.
        domain: The domain as the action server receives it.

    Returns:
        ``utter_faq/<topic>`` for an FAQ question, the basics response for
        the other question intents, or None.
    """
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    if intent == RETRIEVAL_INTENT:
        selector = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
        selected = selector.get("response") or {}
        name = f"utter_{selected.get('intent_response_key', '')}"
        return name if name in (domain.get("responses") or {}) else None
    return INTERRUPTION_RESPONSES.get(intent or "")


def handle_exit(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> bool:
    """Sends the messages for a flow that ended early, if it did.

    Args:
        dispatcher: Collects the messages.
        tracker: The conversation.
        domain: The domain as the action server receives it.

    Returns:
        True if the flow ended early (the caller then sends nothing else).
    """
    reason = tracker.get_slot(EXIT_SLOT)
    if not reason:
        return False
    if reason == EXIT_SWITCH:
        return True  # the rules start the other flow, which says what it does
    answer = interruption_response(tracker, domain) if reason == EXIT_QUESTION else None
    if answer:
        dispatcher.utter_message(response=LEFT_RESPONSE)
        dispatcher.utter_message(response=answer)
    else:
        dispatcher.utter_message(response=STOPPED_RESPONSE)
    return True


class ClosingAction(Action, ABC):
    """Ends a flow: answers an exit, or sends the advice for the choice and the follow-up.

    Abstract, so the action server does not register it as an action.
    """

    more_response = ""

    @abstractmethod
    def advice(self, tracker: Tracker) -> Optional[Any]:
        """Returns the advice for the flow's answers, or None when there is no choice.

        Args:
            tracker: The conversation with the flow's slots.
        """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        """Sends the advice, its links and the follow-up buttons; clears the flow.

        Args:
            dispatcher: Collects the messages.
            tracker: The conversation; the flow's slots hold the choice.
            domain: The domain as the action server receives it.

        Returns:
            Events that clear the flow slots.
        """
        if not handle_exit(dispatcher, tracker, domain):
            advice = self.advice(tracker)
            if advice is None:
                dispatcher.utter_message(response=STOPPED_RESPONSE)
            else:
                send_advice(dispatcher, tracker, advice)
                dispatcher.utter_message(response=self.more_response)
        return reset_events(tracker)


class ActionShareGuidance(ClosingAction):
    """Sends the advice and links for the chosen situation."""

    more_response = "utter_situation_more"

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_share_guidance"

    def advice(self, tracker: Tracker) -> Optional[Any]:
        """The advice for the ``situation`` slot."""
        return load_flows().situations.get(tracker.get_slot("situation") or "")


class ActionShareAffectedResult(ClosingAction):
    """Explains what the answers of the "zit ik erbij?" check mean."""

    more_response = "utter_affected_more"

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_share_affected_result"

    def advice(self, tracker: Tracker) -> Optional[Any]:
        """The result for the three answer slots (none without the first answer)."""
        answers = [tracker.get_slot(slot) or "" for slot in ANSWER_SLOTS]
        if not answers[0]:
            return None
        return load_flows().affected_results[affected_result(*answers)]


class ActionShareChecklist(ClosingAction):
    """Sends the checklist for the chosen kind of leaked data."""

    more_response = "utter_checklist_more"

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_share_checklist"

    def advice(self, tracker: Tracker) -> Optional[Any]:
        """The steps for the ``data_kind`` slot."""
        return load_flows().data_kinds.get(tracker.get_slot("data_kind") or "")
