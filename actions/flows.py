"""Custom actions of the personal next-steps flows (issue 3).

Three forms, each started by a ``/choose{"flow": ...}`` button:

- ``situation_form``: what is going on (a strange message, a caller, misuse ...);
  ``action_share_guidance`` sends the advice and its links.
- ``affected_form``: the "zit ik erbij?" check with three yes/no questions;
  ``action_share_affected_result`` explains what the answers mean.
- ``checklist_form``: which kind of data worries the user most;
  ``action_share_checklist`` sends the steps with their links.

A flow button pressed during a form (changing one's mind) ends that form and,
through the rules, starts the other flow.

The validators accept a button (its entity), or typed text mapped to an option
(``actions/choices.py``). "stop" or another question ends the form early: the
validator sets ``flow_exit`` and the form's closing action then says it stopped
or answers the question. No Dutch text lives here: every message is a domain
response, and links come from the guidance registry.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.choices import is_short_phrase_match, make_options, match_option
from actions.guidance import load_registry
from actions.guidance_render import render_links
from actions.next_steps import Advice, affected_result, guidance_for, load_flows

FLOW_SLOT = "flow"
EXIT_SLOT = "flow_exit"
EXIT_STOP = "stop"
EXIT_QUESTION = "question"
EXIT_SWITCH = "switch"
ANSWER_SLOTS = ("took_part", "since_2017", "got_letter")
# Every slot the flows fill; all are cleared when a flow ends.
FLOW_SLOTS = (FLOW_SLOT, EXIT_SLOT, "situation", "data_kind") + ANSWER_SLOTS
LINKS_RESPONSE = "utter_guidance_links"
UNCLEAR_RESPONSE = "utter_choice_unclear"
STOPPED_RESPONSE = "utter_flow_stopped"
LEFT_RESPONSE = "utter_flow_left"
RETRIEVAL_INTENT = "faq"
# Other questions that end a flow, with the response that answers them (as in data/rules/basics.yml).
INTERRUPTION_RESPONSES = {
    "request_human": "utter_human",
    "medical_question": "utter_medical",
    "bot_challenge": "utter_iamabot",
    "goodbye": "utter_goodbye",
    "out_of_scope": "utter_out_of_scope",
}
QUESTION_INTENTS = frozenset({RETRIEVAL_INTENT, *INTERRUPTION_RESPONSES})


def unescape_payload(payload: str) -> str:
    """Returns a button payload as the button sends it.

    Responses double the braces of ``/choose{{"key":"value"}}``, because Rasa
    fills ``{placeholders}`` in responses; the button sends single braces.

    Args:
        payload: The payload as written in the domain.

    Returns:
        The payload as sent, for example ``/choose{"flow":"checklist"}``.
    """
    return payload.replace("{{", "{").replace("}}", "}")


def button_options(domain: DomainDict, slot: str) -> List[Tuple[str, str]]:
    """Returns (value, title) of the buttons that ask for a slot, in their order.

    Args:
        domain: The domain as the action server receives it.
        slot: The slot; its question is the response ``utter_ask_<slot>``.

    Returns:
        The value each button's ``/choose{...}`` payload sets, with its title.
    """
    variations = (domain.get("responses") or {}).get(f"utter_ask_{slot}") or [{}]
    options = []
    for button in variations[0].get("buttons") or []:
        _, _, entities = unescape_payload(str(button.get("payload", ""))).partition("{")
        values = json.loads("{" + entities) if entities else {}
        if values:
            options.append((str(next(iter(values.values()))), str(button["title"])))
    return options


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


def language_of(tracker: Tracker) -> str:
    """Returns the conversation's language (the ``language`` slot), default Dutch."""
    return tracker.get_slot("language") or "nl"


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


def loop_before_latest_message(events: Sequence[Dict[str, Any]]) -> Optional[str]:
    """Returns the form that was active when the user sent the latest message, if any.

    Args:
        events: The tracker's events, oldest first.

    Returns:
        The name of the active loop at the latest user message, or None.
    """
    seen_user = False
    for event in reversed(events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "active_loop":
            return event.get("name")
    return None


class ChoiceFormValidation(FormValidationAction):
    """Shared validation: buttons, typed choices, "stop" and other questions.

    Abstract, so the action server does not register it as an action.
    """

    @abstractmethod
    def name(self) -> str:
        """Returns the action's name; set by each form's validator."""

    @abstractmethod
    def synonyms(self, slot: str) -> Dict[str, Sequence[str]]:
        """Returns the typed words per option value of a slot."""

    def priority(self, slot: str) -> Optional[Sequence[str]]:
        """Returns the option values in order of preference for ties, or None (ties are unclear)."""
        return None

    def check_choice(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Maps a button value or typed text to an option, or ends the flow.

        Args:
            slot: The slot being filled.
            value: The entity value of a button, or the typed text.
            dispatcher: Collects the "unclear" message.
            tracker: The conversation.
            domain: The domain as the action server receives it.

        Returns:
            Slot updates: the option's value; or None and ``flow_exit`` when the
            user stops, asks something else or presses the button of another
            flow; or None (asked again) when unclear.
        """
        entities = (tracker.latest_message or {}).get("entities") or []
        if any(entity.get("entity") == FLOW_SLOT for entity in entities):
            if loop_before_latest_message(tracker.events) != self.form_name():
                # The form starts now: a value left from an earlier session is not an answer.
                return {slot: None}
            return {slot: None, EXIT_SLOT: EXIT_SWITCH}
        titles = button_options(domain, slot)
        if value in {option_value for option_value, _ in titles}:
            return {slot: value}
        text = str(value or "")
        if is_short_phrase_match(text, load_flows().stop_phrases):
            return {slot: None, EXIT_SLOT: EXIT_STOP}
        chosen = match_option(text, make_options(titles, self.synonyms(slot)), self.priority(slot))
        if chosen:
            return {slot: chosen}
        if ((tracker.latest_message or {}).get("intent") or {}).get("name") in QUESTION_INTENTS:
            return {slot: None, EXIT_SLOT: EXIT_QUESTION}
        dispatcher.utter_message(response=UNCLEAR_RESPONSE)
        return {slot: None}

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Asks nothing more once the user stopped or asked something else."""
        if tracker.get_slot(EXIT_SLOT):
            return []
        return domain_slots


class ValidateSituationForm(ChoiceFormValidation):
    """Validates the situation menu."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "validate_situation_form"

    def synonyms(self, slot: str) -> Dict[str, Sequence[str]]:
        """Returns the typed words per situation."""
        return {key: advice.synonyms for key, advice in load_flows().situations.items()}

    def priority(self, slot: str) -> Optional[Sequence[str]]:
        """Returns the situations in the order of flows.yml (emergency first)."""
        return list(load_flows().situations)

    async def validate_situation(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Maps the chosen or typed situation."""
        return self.check_choice("situation", slot_value, dispatcher, tracker, domain)


class ValidateAffectedForm(ChoiceFormValidation):
    """Validates the three questions of the "zit ik erbij?" check."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "validate_affected_form"

    def synonyms(self, slot: str) -> Dict[str, Sequence[str]]:
        """Returns the typed words for yes, no and don't know."""
        return dict(load_flows().answers)

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Skips the questions that do not matter after the first answer.

        "No" to taking part ends the check; "don't know" skips the question
        about 2017.
        """
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        took_part = tracker.get_slot("took_part")
        if took_part == "no":
            return [slot for slot in slots if slot == "took_part"]
        if took_part == "unknown":
            return [slot for slot in slots if slot != "since_2017"]
        return slots

    async def validate_took_part(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Maps the answer to "did you take part?"."""
        return self.check_choice("took_part", slot_value, dispatcher, tracker, domain)

    async def validate_since_2017(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Maps the answer to "was that in 2017 or later?"."""
        return self.check_choice("since_2017", slot_value, dispatcher, tracker, domain)

    async def validate_got_letter(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Maps the answer to "did you get a letter?"."""
        return self.check_choice("got_letter", slot_value, dispatcher, tracker, domain)


class ValidateChecklistForm(ChoiceFormValidation):
    """Validates the choice of the kind of leaked data."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "validate_checklist_form"

    def synonyms(self, slot: str) -> Dict[str, Sequence[str]]:
        """Returns the typed words per kind of data."""
        return {key: advice.synonyms for key, advice in load_flows().data_kinds.items()}

    async def validate_data_kind(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Maps the chosen or typed kind of data."""
        return self.check_choice("data_kind", slot_value, dispatcher, tracker, domain)


class ActionShareGuidance(Action):
    """Sends the advice and links for the chosen situation."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_share_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        """Sends the advice, its links and the follow-up buttons; clears the flow.

        Args:
            dispatcher: Collects the messages.
            tracker: The conversation; ``situation`` holds the choice.
            domain: The domain as the action server receives it.

        Returns:
            Events that clear the flow slots.
        """
        if not handle_exit(dispatcher, tracker, domain):
            advice = load_flows().situations.get(tracker.get_slot("situation") or "")
            if advice is None:
                dispatcher.utter_message(response=STOPPED_RESPONSE)
            else:
                send_advice(dispatcher, tracker, advice)
                dispatcher.utter_message(response="utter_situation_more")
        return reset_events(tracker)


class ActionShareAffectedResult(Action):
    """Explains what the answers of the "zit ik erbij?" check mean."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_share_affected_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        """Sends the result, its links and the follow-up buttons; clears the flow.

        Args:
            dispatcher: Collects the messages.
            tracker: The conversation; the answers are in the answer slots.
            domain: The domain as the action server receives it.

        Returns:
            Events that clear the flow slots.
        """
        if not handle_exit(dispatcher, tracker, domain):
            answers = [tracker.get_slot(slot) or "" for slot in ANSWER_SLOTS]
            if not answers[0]:
                dispatcher.utter_message(response=STOPPED_RESPONSE)
            else:
                send_advice(dispatcher, tracker, load_flows().affected_results[affected_result(*answers)])
                dispatcher.utter_message(response="utter_affected_more")
        return reset_events(tracker)


class ActionShareChecklist(Action):
    """Sends the checklist for the chosen kind of leaked data."""

    def name(self) -> str:
        """Returns the action's name as used in the domain."""
        return "action_share_checklist"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        """Sends the steps, their links and the follow-up buttons; clears the flow.

        Args:
            dispatcher: Collects the messages.
            tracker: The conversation; ``data_kind`` holds the choice.
            domain: The domain as the action server receives it.

        Returns:
            Events that clear the flow slots.
        """
        if not handle_exit(dispatcher, tracker, domain):
            advice = load_flows().data_kinds.get(tracker.get_slot("data_kind") or "")
            if advice is None:
                dispatcher.utter_message(response=STOPPED_RESPONSE)
            else:
                send_advice(dispatcher, tracker, advice)
                dispatcher.utter_message(response="utter_checklist_more")
        return reset_events(tracker)
