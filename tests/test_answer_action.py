"""The answer action (actions/answer.py) with the real domain and real trackers, and run in the server.

The run in the server (``ACTIONS_IN_PROCESS=1``, runtime.inprocess_actions) must
give exactly the events of the action server path: the tracker serialised as
Rasa sends it, the SDK action on it, its messages through JSON, and
``RemoteAction._utter_responses`` making the events.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import runtime
from actions.answer import FOLLOWUP_TURNS, ActionAnswer, clarify_values, previous_topics
from tests.conftest import closed_port_url, make_tracker, user_turn
from tests.test_feedback_action import faq_turn

NAME = "action_answer"


def turn(text: str, intent: str = "faq", ranking=None, confidence: float = 0.95, **extra: Any) -> UserUttered:
    event = user_turn(intent, text, confidence, ranking)
    event.parse_data.update(extra)
    return event


def sdk_run(domain, domain_dict, turns: List[List[Event]]) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionAnswer().run(dispatcher, make_tracker(domain, turns), domain_dict)) == []
    return dispatcher.messages


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["response"] for m in messages]


def test_a_faq_question_gets_its_answer(domain, domain_dict):
    messages = sdk_run(domain, domain_dict, [[turn("welke gegevens?", ranking=[("which_data", 0.9)])]])
    assert responses(messages) == ["utter_faq/which_data"]


def test_two_questions_get_two_answers(domain, domain_dict):
    parts = [{"intent": "faq", "confidence": 0.99, "topics": [{"topic": "which_lab", "confidence": 0.96}]},
             {"intent": "faq", "confidence": 0.99, "topics": [{"topic": "email_phone", "confidence": 0.99}]}]
    message = turn("welk lab was het, en zijn mijn mail en telefoon weg?", ranking=[("which_lab", 0.5)],
                   questions={"count": 2, "parts": parts})
    assert responses(sdk_run(domain, domain_dict, [[message]])) == ["utter_faq/which_lab", "utter_faq/email_phone"]


def test_a_follow_up_is_answered_against_the_previous_answer(domain, domain_dict):
    earlier = faq_turn(domain, "change_bsn")
    now = [turn("waarom niet?", "faq", [("when_informed", 0.3)], confidence=0.4)]
    assert responses(sdk_run(domain, domain_dict, [earlier, now])) == ["utter_faq/change_bsn"]


def test_previous_topics_are_those_of_the_last_answer_only(domain):
    events = [ActionExecuted("action_listen"), SessionStarted(), *faq_turn(domain, "which_lab"),
              *faq_turn(domain, "how_many"), turn("hoeveel daarvan?")]
    tracker = DialogueStateTracker.from_events("u", events, domain.slots)
    assert previous_topics(sdk_events(tracker)) == ["how_many"]
    fresh = DialogueStateTracker.from_events("u", [SessionStarted(), turn("waarom?")], domain.slots)
    assert previous_topics(sdk_events(fresh)) == []


def test_previous_topics_look_back_a_few_answers_and_stop_at_the_newest_with_topics(domain):
    thanks = [turn("ja", "feedback_yes"), ActionExecuted("utter_feedback_thanks"), BotUttered("Dank u.")]
    chat = [turn("hallo", "greet"), ActionExecuted("utter_greet"), BotUttered("Hallo.")]
    start = [ActionExecuted("action_listen"), SessionStarted()]
    across_a_click = start + [*faq_turn(domain, "which_lab"), *faq_turn(domain, "how_many"), *thanks,
                              turn("en toen?")]
    assert previous_topics(sdk_events(DialogueStateTracker.from_events("u", across_a_click, domain.slots))) \
        == ["how_many"]
    long_ago = start + [*faq_turn(domain, "which_lab"), *chat * (FOLLOWUP_TURNS - 1), *thanks, turn("en toen?")]
    assert previous_topics(sdk_events(DialogueStateTracker.from_events("u", long_ago, domain.slots))) == []
    just_in_reach = start + [*faq_turn(domain, "which_lab"), *chat * (FOLLOWUP_TURNS - 2), *thanks,
                             turn("en toen?")]
    assert previous_topics(sdk_events(DialogueStateTracker.from_events("u", just_in_reach, domain.slots))) \
        == ["which_lab"]


def sdk_events(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The events as the action reads them (``tracker.events`` of the SDK's tracker)."""
    return Tracker.from_dict(tracker.current_state(EventVerbosity.ALL)).events


def test_urgent_help_and_feelings(domain, domain_dict):
    urgent = turn("ik wil niet meer leven", "urgent_help", feeling={"urgent": "suicide", "emotion": "fear"})
    assert responses(sdk_run(domain, domain_dict, [[urgent]])) == ["utter_distress_113"]
    angry = turn("belachelijk, wie betaalt mijn schade?", ranking=[("compensation", 0.9)],
                 feeling={"urgent": None, "emotion": "anger"})
    assert responses(sdk_run(domain, domain_dict, [[angry]])) == ["utter_ack_anger", "utter_faq/compensation"]


def test_a_clarifying_question_carries_its_buttons(domain, domain_dict):
    unsure = turn("iets over de brief", ranking=[("letter_when", 0.2), ("letter_meaning", 0.16),
                                               ("how_many", 0.02)])
    messages = sdk_run(domain, domain_dict, [[unsure]])
    assert responses(messages) == ["utter_clarify"]
    assert messages[0]["clarify_1_question"] == "Wanneer komt de brief?"
    assert messages[0]["clarify_2_question"] == "Wat betekent mijn brief?"


def test_clarify_values_in_english_and_for_three_topics():
    name, values = clarify_values(["letter_when", "letter_meaning", "how_many"], "en")
    assert name == "utter_clarify_three"
    assert values["clarify_3_question"] == "How many people are affected?"


def without_time(events: List[Event]) -> List[Dict[str, Any]]:
    return [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in events]


@pytest.fixture()
def patches(monkeypatch):
    """The changes to Rasa, with the actions in the server (this deployment's way)."""
    monkeypatch.delenv("ACTIONS_IN_PROCESS", raising=False)
    from runtime import patches as runtime_patches

    runtime_patches.uninstall()
    assert runtime.install()
    yield
    monkeypatch.undo()
    runtime_patches.uninstall()


def run_both(domain, domain_dict, events: List[Event], channel: str = "rest"):
    tracker = DialogueStateTracker.from_events("u", events, domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    output = CollectingOutputChannel()
    output.name = lambda: channel  # type: ignore[method-assign]
    action = RemoteAction(NAME, EndpointConfig(url=closed_port_url()))
    local = asyncio.run(action.run(output, nlg, tracker, domain))
    sdk_tracker = Tracker.from_dict(json.loads(json.dumps(tracker.current_state(EventVerbosity.ALL))))
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswer().run(dispatcher, sdk_tracker, domain_dict))
    remote = list(asyncio.run(RemoteAction._utter_responses(
        json.loads(json.dumps(dispatcher.messages)), output, nlg, tracker)))
    return local, remote


@pytest.mark.patches
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_server_runs_it_with_the_action_servers_events(patches, domain, domain_dict, language):
    unsure = turn("ik ben bang", ranking=[("letter_when", 0.2), ("letter_meaning", 0.16)],
                  feeling={"urgent": None, "emotion": "fear"})
    multi_parts = [{"intent": "faq", "confidence": 0.99, "topics": [{"topic": t, "confidence": 0.9}]}
                   for t in ("when_hack", "how_many")]
    multi = turn("wanneer en hoeveel?", ranking=[("when_hack", 0.5)], questions={"count": 2, "parts": multi_parts})
    clarify = turn("iets over de brief", ranking=[("letter_when", 0.2), ("letter_meaning", 0.16)])
    for message in (unsure, multi, clarify):
        events = [ActionExecuted("action_listen"), SlotSet("language", language), message]
        local, remote = run_both(domain, domain_dict, events)
        assert local and without_time(local) == without_time(remote)
        assert all(isinstance(e, BotUttered) for e in local)
    rendered = run_both(domain, domain_dict, [ActionExecuted("action_listen"), SlotSet("language", language),
                                              clarify])[0][0]
    payloads = [b["payload"] for b in rendered.data["buttons"]]
    assert payloads == [*clarify_values(["letter_when", "letter_meaning"], language)[1].values()][1::2] + [
        "Iets anders" if language == "nl" else "Something else"]


@pytest.mark.patches
def test_a_failing_answer_gives_the_apology_not_silence(patches, domain, monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr("actions.answer.send_answer", broken)
    tracker = DialogueStateTracker.from_events("u", [ActionExecuted("action_listen"), turn("vraag")], domain.slots)
    action = RemoteAction(NAME, EndpointConfig(url=closed_port_url()))
    events = asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                    tracker, domain))
    assert [e.metadata.get("utter_action") for e in events if isinstance(e, BotUttered)] == [
        "utter_action_unavailable"]
