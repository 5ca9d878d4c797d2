"""The feedback question after factual answers, with the real domain, NLG and trackers."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa.core.actions.action import create_bot_utterance
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import (
    ASK_RESPONSE,
    FIRST_AFTER,
    GAP,
    MAX_PER_SESSION,
    ActionOfferFeedback,
    feedback_state,
    is_due,
)
from tests.conftest import make_tracker, user_turn


def utter(domain, name: str, language: str = "nl", **kwargs: Any) -> Event:
    """The bot event Rasa itself makes for a response (metadata included)."""
    tracker = DialogueStateTracker.from_events("u", [SlotSet("language", language)], domain.slots)
    message = asyncio.run(TemplatedNaturalLanguageGenerator(domain.responses).generate(
        name, tracker, "rest", **kwargs))
    assert message is not None, name
    message["utter_action"] = name
    return create_bot_utterance(message)


def faq_turn(domain, topic: str, language: str = "nl") -> List[Event]:
    return [user_turn("faq", f"vraag over {topic}", 0.95, [(topic, 0.9)]),
            ActionExecuted("utter_faq"), utter(domain, f"utter_faq/{topic}", language),
            ActionExecuted("action_offer_feedback")]


def ask_turn(domain, topic: str) -> List[Event]:
    return [utter(domain, ASK_RESPONSE, feedback_topic=topic)]


def parse_payload(domain, payload: str) -> Dict[str, Any]:
    """Reads a button payload the way Rasa's RegexMessageHandler does."""
    message = YAMLStoryReader.unpack_regex_message(Message(data={"text": payload}), domain)
    return {"intent": message.get("intent"), "entities": message.get("entities") or []}


def run(domain, domain_dict, turns) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionOfferFeedback().run(dispatcher, make_tracker(domain, turns), domain_dict))
    assert events == []
    return dispatcher.messages


def test_not_asked_after_the_first_answer(domain, domain_dict):
    assert run(domain, domain_dict, [faq_turn(domain, "what_happened")]) == []


def test_asked_after_the_second_answer_with_that_answers_topic(domain, domain_dict):
    messages = run(domain, domain_dict, [faq_turn(domain, "what_happened"), faq_turn(domain, "which_data")])
    assert len(messages) == 1
    assert messages[0]["response"] == ASK_RESPONSE
    assert messages[0]["feedback_topic"] == "which_data"


def test_spacing_after_a_question(domain, domain_dict):
    turns = [faq_turn(domain, "what_happened"), faq_turn(domain, "which_data"), ask_turn(domain, "which_data")]
    for extra in range(1, GAP):
        turns.append(faq_turn(domain, "how_many"))
        assert run(domain, domain_dict, turns) == [], extra
    turns.append(faq_turn(domain, "how_many"))
    assert [m["feedback_topic"] for m in run(domain, domain_dict, turns)] == ["how_many"]


def test_never_more_than_the_maximum_per_session(domain, domain_dict):
    turns: List[List[Event]] = []
    for _ in range(MAX_PER_SESSION):
        turns += [faq_turn(domain, "what_happened")] * GAP + [ask_turn(domain, "what_happened")]
    turns += [faq_turn(domain, "what_happened")] * (GAP + 2)
    assert run(domain, domain_dict, turns) == []


def test_a_new_session_starts_counting_again(domain, domain_dict):
    turns = [faq_turn(domain, "what_happened"), [SessionStarted(), ActionExecuted("action_listen")],
             faq_turn(domain, "which_data")]
    assert run(domain, domain_dict, turns) == []


def test_not_asked_without_a_factual_answer(domain, domain_dict):
    turns = [[user_turn("greet", "hallo"), ActionExecuted("utter_greet"), utter(domain, "utter_greet")]] * 3
    assert run(domain, domain_dict, turns) == []


@pytest.mark.parametrize("language,yes_title", [("nl", "Ja"), ("en", "Yes")])
def test_question_buttons_carry_the_topic_as_entities(domain, language, yes_title):
    bot = utter(domain, ASK_RESPONSE, language=language, feedback_topic="which_data")
    buttons = bot.data["buttons"]
    assert buttons[0]["title"] == yes_title
    parsed = [parse_payload(domain, b["payload"]) for b in buttons]
    assert [p["intent"]["name"] for p in parsed] == ["feedback_positive", "feedback_negative"]
    for p in parsed:
        assert {(e["entity"], e["value"]) for e in p["entities"]} == {("feedback_topic", "which_data")}


def test_reason_buttons_read_the_topic_slot(domain):
    tracker = DialogueStateTracker.from_events(
        "u", [SlotSet("feedback_topic", "how_many")], domain.slots)
    message = asyncio.run(TemplatedNaturalLanguageGenerator(domain.responses).generate(
        "utter_ask_feedback_reason", tracker, "rest"))
    parsed = [parse_payload(domain, b["payload"]) for b in message["buttons"]]
    assert {p["intent"]["name"] for p in parsed} == {"feedback_reason"}
    reasons = [{e["entity"]: e["value"] for e in p["entities"]} for p in parsed]
    assert reasons == [{"feedback_reason": r, "feedback_topic": "how_many"}
                       for r in ("unclear", "not_my_question", "outdated", "other")]


def test_state_counts_answers_given_inside_forms_too(domain):
    events = [e.as_dict() for e in [utter(domain, "utter_faq/what_happened"), utter(domain, "utter_faq/how_many")]]
    state = feedback_state(events)
    assert state.answers_since_ask == 2 and state.last_topic == "how_many"
    assert is_due(state) == (FIRST_AFTER <= 2)


def _forward_state(events):
    """The former forward walk over all events, as the reference."""
    answers, asked, topic = 0, 0, None
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            answers, asked, topic = 0, 0, None
        elif kind == "bot":
            action = str((event.get("metadata") or {}).get("utter_action") or "")
            if action.startswith("utter_faq/"):
                answers += 1
                topic = action[len("utter_faq/"):]
            elif action == "utter_ask_feedback":
                answers = 0
                asked += 1
    return answers, asked, topic


def test_the_backward_walk_gives_the_forward_walks_decision_for_random_sessions():
    import random

    from actions.feedback import MAX_PER_SESSION

    rng = random.Random(17)
    kinds = [{"event": "user", "text": "x"}, {"event": "session_started"},
             {"event": "bot", "metadata": {"utter_action": "utter_faq/how_many"}},
             {"event": "bot", "metadata": {"utter_action": "utter_faq/what_happened"}},
             {"event": "bot", "metadata": {"utter_action": "utter_ask_feedback"}},
             {"event": "bot", "metadata": {"utter_action": "utter_greet"}}, {"event": "action", "name": "x"}]
    for _ in range(3000):
        events = [rng.choice(kinds) for _ in range(rng.randint(0, 40))]
        answers, asked, topic = _forward_state(events)
        state = feedback_state(events)
        assert (state.answers_since_ask, state.last_topic) == (answers, topic), events
        assert state.asked == min(asked, MAX_PER_SESSION), events


def test_the_questions_are_counted_over_the_newest_messages_of_a_long_session():
    from actions.feedback import LOOKBACK_MESSAGES

    ask = {"event": "bot", "metadata": {"utter_action": "utter_ask_feedback"}}
    answer = {"event": "bot", "metadata": {"utter_action": "utter_faq/how_many"}}
    user = {"event": "user", "text": "x"}
    asked_early = [{"event": "session_started"}, *[ask] * MAX_PER_SESSION]
    within = asked_early + [user, answer] * LOOKBACK_MESSAGES
    assert feedback_state(within).asked == MAX_PER_SESSION and not is_due(feedback_state(within))
    beyond = asked_early + [user, answer] * (LOOKBACK_MESSAGES + 1)
    assert feedback_state(beyond).asked == 0 and is_due(feedback_state(beyond))
