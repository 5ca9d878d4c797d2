"""A bare "ja", "nee" or "weet ik niet" answers the assistant's own previous question."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleFallback
from actions.short_answers import kind_of, last_bot_action, reply_to_short_answer
from tests.conftest import make_tracker, user_turn


def said(action: str) -> BotUttered:
    return BotUttered("...", metadata={"utter_action": action})


@pytest.mark.parametrize("text, kind", [
    ("ja", "yes"), ("Ja!", "yes"), ("klopt", "yes"), ("idd", "yes"), ("yes", "yes"), ("oké", "yes"),
    ("nee", "no"), ("Nee hoor.", "no"), ("no thanks", "no"),
    ("weet ik niet", "dont_know"), ("geen idee", "dont_know"),
    ("ja, maar wat moet ik nu doen?", None), ("welke gegevens", None), ("", None),
])
def test_kind_of(text, kind):
    assert kind_of(text) == kind


@pytest.mark.parametrize("previous, text, response", [
    ("utter_thanks", "nee", "utter_goodbye"),
    ("utter_thanks", "ja", "utter_ask_next_question"),
    ("utter_faq/which_data", "nee", "utter_goodbye"),
    ("utter_faq/which_data", "ja", "utter_ask_next_question"),
    ("utter_clarify", "ja", "utter_choose_a_button"),
    ("utter_fallback_suggest", "nee", "utter_ask_rephrase"),
    ("utter_ask_feedback", "ja", "utter_feedback_thanks"),
    ("utter_ask_feedback", "nee", "utter_ask_feedback_reason"),
    ("utter_greet", "ja", None),
    (None, "ja", None),
])
def test_reply_depends_on_the_question_asked(previous, text, response):
    assert reply_to_short_answer(text, previous) == response


def test_last_bot_action_is_that_before_the_newest_message():
    events = [{"event": "user"}, {"event": "bot", "metadata": {"utter_action": "utter_faq/how_many"}},
              {"event": "bot", "metadata": {"utter_action": "utter_thanks"}}, {"event": "user"}]
    assert last_bot_action(events) == "utter_thanks"
    assert last_bot_action([{"event": "user"}]) is None


def test_the_fallback_action_answers_a_no_after_anything_else(domain, domain_dict):
    earlier = [user_turn("thanks", "dank je"), ActionExecuted("utter_thanks"), said("utter_thanks"),
               ActionExecuted("action_listen")]
    now = [user_turn("choose", "nee", 0.9)]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleFallback().run(dispatcher, make_tracker(domain, [earlier, now]), domain_dict))
    assert [m["response"] for m in dispatcher.messages] == ["utter_goodbye"]
    assert events == [{"event": "slot", "timestamp": None, "name": "fallback_stage", "value": "answered"}]


def test_a_short_answer_with_nothing_asked_before_still_gets_the_fallback(domain, domain_dict):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(domain, [[user_turn("choose", "ja", 0.9)]])
    events = asyncio.run(ActionHandleFallback().run(dispatcher, tracker, domain_dict))
    assert dispatcher.messages == []
    assert any(e["name"] == "fallback_stage" and e["value"] != "answered" for e in events)
