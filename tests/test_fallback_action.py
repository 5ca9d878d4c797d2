"""The two-stage fallback action, run against the real domain and trackers."""

from __future__ import annotations

import asyncio

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleFallback, consecutive_fallbacks
from actions.topics import load_catalogue
from tests.conftest import make_tracker, user_turn


def run_action(domain, domain_dict, turns):
    tracker = make_tracker(domain, turns)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleFallback().run(dispatcher, tracker, domain_dict))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def fallback_turn(text="iets vaags", ranking=(("which_lab", 0.4), ("lab_location", 0.3), ("eurofins", 0.1))):
    return [user_turn("nlu_fallback", text, 0.4, list(ranking)),
            ActionExecuted("action_handle_fallback"), BotUttered("..."), ActionExecuted("action_listen")]


def test_first_miss_suggests_the_two_likeliest_topics(domain, domain_dict):
    messages, slots = run_action(domain, domain_dict, [fallback_turn()])
    catalogue = load_catalogue()
    assert messages == []
    assert slots == {
        "fallback_stage": "suggest",
        "suggestion_1_title": catalogue.topics["which_lab"].title,
        "suggestion_1_question": catalogue.topics["which_lab"].question,
        "suggestion_2_title": catalogue.topics["lab_location"].title,
        "suggestion_2_question": catalogue.topics["lab_location"].question,
    }
    assert set(slots) <= {slot.name for slot in domain.slots}


def test_suggestion_response_shows_the_topics_as_buttons(domain, domain_dict):
    _, slots = run_action(domain, domain_dict, [fallback_turn()])
    tracker = DialogueStateTracker.from_events("u", [SlotSet(k, v) for k, v in slots.items()], domain.slots)
    message = asyncio.run(TemplatedNaturalLanguageGenerator(domain.responses).generate(
        "utter_fallback_suggest", tracker, "rest"))
    catalogue = load_catalogue()
    assert [b["payload"] for b in message["buttons"]] == [
        catalogue.topics["which_lab"].question,
        catalogue.topics["lab_location"].question,
        catalogue.extra["something_else"].question,
    ]
    assert message["buttons"][0]["title"] == catalogue.topics["which_lab"].title


def test_second_miss_in_a_row_gives_official_channels(domain, domain_dict):
    turns = [fallback_turn(),
             [user_turn("something_else", "iets anders"), ActionExecuted("utter_ask_rephrase")],
             fallback_turn("nog steeds vaag")]
    _, slots = run_action(domain, domain_dict, turns)
    assert slots == {"fallback_stage": "contact"}


def test_understood_turn_resets_the_streak(domain, domain_dict):
    turns = [fallback_turn(),
             [user_turn("faq", "Welk laboratorium is gehackt?", faq_ranking=[("which_lab", 0.9)]),
              ActionExecuted("utter_faq")],
             fallback_turn()]
    _, slots = run_action(domain, domain_dict, turns)
    assert slots["fallback_stage"] == "suggest"


def test_unknown_topics_in_ranking_are_skipped(domain, domain_dict):
    ranking = (("no_such_topic", 0.5), ("retest", 0.2), ("breast_cancer", 0.1))
    _, slots = run_action(domain, domain_dict, [fallback_turn(ranking=ranking)])
    assert slots["suggestion_1_question"] == load_catalogue().topics["retest"].question
    assert slots["suggestion_2_question"] == load_catalogue().topics["breast_cancer"].question


def test_without_a_ranking_it_asks_to_rephrase(domain, domain_dict):
    turns = [[user_turn("nlu_fallback", "???", 0.2), ActionExecuted("action_handle_fallback")]]
    _, slots = run_action(domain, domain_dict, turns)
    assert slots == {"fallback_stage": "rephrase"}


def test_consecutive_fallbacks_counts_only_the_current_streak():
    def user(intent):
        return {"event": "user", "parse_data": {"intent": {"name": intent}}}

    events = [user("nlu_fallback"), user("greet"), user("nlu_fallback"), user("something_else"),
              {"event": "bot"}, user("nlu_fallback")]
    assert consecutive_fallbacks(events) == 2
    assert consecutive_fallbacks([user("greet")]) == 0
