"""Form validators of the personal next-steps flows (issue 3).

Each form slot is filled from a button (its ``/choose{...}`` entity) or from
typed text, which is mapped to an option with ``understanding/choices.py`` (titles
from the domain's buttons, in every language of the response, and synonyms
from ``actions/data/flows.yml``, Dutch and English side by side). Typed text
is read in both languages whatever the ``language`` slot says: people mix them,
and the buttons' order (for typed numbers) is the same in both. Unclear text
is asked again and never stored. "stop" or "laat maar", another question,
or the button of another flow ends the form early: the validator sets
``flow_exit`` and the form's closing action (``actions/flows.py``) handles it.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.next_steps import load_flows
from understanding.choices import is_short_phrase_match, make_options, match_option

FLOW_SLOT = "flow"
EXIT_SLOT = "flow_exit"
EXIT_STOP = "stop"
EXIT_QUESTION = "question"
EXIT_SWITCH = "switch"
UNCLEAR_RESPONSE = "utter_choice_unclear"
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


def _variation_options(variation: Dict[str, Any]) -> List[Tuple[str, str]]:
    """Returns (value, title) of a variation's ``/choose{...}`` buttons, in their order."""
    options = []
    for button in variation.get("buttons") or []:
        _, _, entities = unescape_payload(str(button.get("payload", ""))).partition("{")
        values = json.loads("{" + entities) if entities else {}
        if values:
            options.append((str(next(iter(values.values()))), str(button["title"])))
    return options


def _ask_variations(domain: DomainDict, slot: str) -> List[Dict[str, Any]]:
    """The variations of ``utter_ask_<slot>``, the default one (without a condition) first."""
    variations = list((domain.get("responses") or {}).get(f"utter_ask_{slot}") or [])
    return sorted(variations, key=lambda variation: bool(variation.get("condition")))


def button_options(domain: DomainDict, slot: str) -> List[Tuple[str, str]]:
    """Returns (value, title) of the buttons that ask for a slot, in their order.

    Args:
        domain: The domain as the action server receives it.
        slot: The slot; its question is the response ``utter_ask_<slot>``.

    Returns:
        The value each button's ``/choose{...}`` payload sets, with its title
        in the default (Dutch) variation.
    """
    variations = _ask_variations(domain, slot)
    return _variation_options(variations[0]) if variations else []


def titles_in_other_languages(domain: DomainDict, slot: str) -> Dict[str, List[str]]:
    """Returns, per option value, the button titles of the other variations (English).

    Args:
        domain: The domain as the action server receives it.
        slot: The slot; its question is the response ``utter_ask_<slot>``.

    Returns:
        The titles per value, for typed answers in another language.
    """
    titles: Dict[str, List[str]] = {}
    for variation in _ask_variations(domain, slot)[1:]:
        for value, title in _variation_options(variation):
            titles.setdefault(value, []).append(title)
    return titles


def typed_words(domain: DomainDict, slot: str, synonyms: Dict[str, Sequence[str]]) -> Dict[str, List[str]]:
    """Returns every typed phrase per option value besides its Dutch title.

    Args:
        domain: The domain as the action server receives it.
        slot: The slot being filled.
        synonyms: The synonyms per value from ``flows.yml``.

    Returns:
        The other languages' button titles, then the synonyms, per value.
    """
    words: Dict[str, List[str]] = {value: list(titles) for value, titles in
                                   titles_in_other_languages(domain, slot).items()}
    for value, phrases in synonyms.items():
        words.setdefault(value, []).extend(phrases)
    return words


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
        options = make_options(titles, typed_words(domain, slot, self.synonyms(slot)))
        chosen = match_option(text, options, self.priority(slot))
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
