"""Helpers for the next-steps flow tests: real trackers in a form, real message rendering."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def user_message(text: str, intent: str = "choose", confidence: float = 0.9,
                 entities: Optional[Dict[str, str]] = None, channel: str = "rest",
                 faq_key: Optional[str] = None) -> UserUttered:
    """A user message as Rasa stores it, with entities and (for FAQ questions) the selected topic."""
    parse: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
    }
    if faq_key:
        parse["response_selector"] = {"faq": {
            "response": {"intent_response_key": f"faq/{faq_key}", "confidence": 0.9},
            "ranking": [{"intent_response_key": f"faq/{faq_key}", "confidence": 0.9}]}}
    return UserUttered(text, intent=parse["intent"], entities=parse["entities"],
                       parse_data=parse, input_channel=channel)


def build_tracker(domain, events: List[Event]) -> Tracker:
    """Plays events into a Rasa tracker and converts it to the SDK's Tracker."""
    rasa_tracker = DialogueStateTracker.from_events("test-user", [ActionExecuted("action_listen")] + events,
                                                    domain.slots)
    return Tracker.from_dict(rasa_tracker.current_state(EventVerbosity.ALL))


def in_form(form: str, slot: str, message: UserUttered, value: Any,
            earlier: Optional[Dict[str, Any]] = None) -> List[Event]:
    """Events of a form that asked for ``slot`` and got ``message``, which the mappings put in ``slot``."""
    events: List[Event] = [ActionExecuted(form), ActiveLoop(form)]
    events += [SlotSet(name, val) for name, val in (earlier or {}).items()]
    events += [SlotSet("requested_slot", slot), ActionExecuted("action_listen"), message]
    if value is not None:
        events.append(SlotSet(slot, value))
    return events


def run(action, domain, domain_dict, events: List[Event]) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """Runs an SDK action; returns the dispatched messages and the slot events as a dict."""
    dispatcher = CollectingDispatcher()
    result = asyncio.run(action.run(dispatcher, build_tracker(domain, events), domain_dict))
    return dispatcher.messages, {e["name"]: e["value"] for e in result if e["event"] == "slot"}


def render(domain, message: Dict[str, Any], channel: str = "rest",
           slots: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Renders a dispatched message as Rasa does: the response with its placeholders, plus extra buttons.

    ``slots`` (for example ``{"language": "en"}``) pick the response's conditional variation.
    """
    kwargs = {k: v for k, v in message.items()
              if k not in ("text", "buttons", "elements", "custom", "template", "response", "image",
                           "attachment") and v}
    events = [SlotSet(name, value) for name, value in (slots or {}).items()]
    tracker = DialogueStateTracker.from_events("u", events, domain.slots)
    draft = asyncio.run(TemplatedNaturalLanguageGenerator(domain.responses).generate(
        message["response"], tracker, channel, **kwargs))
    assert draft is not None, f"no response {message['response']}"
    draft.setdefault("buttons", [])
    draft["buttons"] = list(draft["buttons"] or []) + list(message.get("buttons") or [])
    return draft
