"""Actions the Rasa server runs itself (runtime.local_actions): same events as over HTTP, no call made.

The reference is what the action server path produces: the tracker serialised as
Rasa sends it, the SDK action (actions/feedback.py) on it, its messages through
JSON, and ``RemoteAction._utter_responses`` making the events.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import runtime
from actions.feedback import ASK_RESPONSE, ActionOfferFeedback
from runtime import local_actions
from tests.conftest import closed_port_url
from tests.test_feedback_action import faq_turn

NAME = "action_offer_feedback"


@pytest.fixture(autouse=True)
def patches():
    assert runtime.install()


def local_events(domain, tracker: DialogueStateTracker, channel: str = "rest") -> List[Event]:
    action = RemoteAction(NAME, EndpointConfig(url=closed_port_url()))
    output = CollectingOutputChannel()
    output.name = lambda: channel  # type: ignore[method-assign]
    return asyncio.run(action.run(output, TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain))


def remote_events(domain, domain_dict: Dict[str, Any], tracker: DialogueStateTracker,
                  channel: str = "rest") -> List[Event]:
    """What the action server path makes of the same tracker."""
    sdk_tracker = Tracker.from_dict(json.loads(json.dumps(tracker.current_state(EventVerbosity.ALL))))
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionOfferFeedback().run(dispatcher, sdk_tracker, domain_dict)) == []
    responses = json.loads(json.dumps(dispatcher.messages))
    output = CollectingOutputChannel()
    output.name = lambda: channel  # type: ignore[method-assign]
    return list(asyncio.run(RemoteAction._utter_responses(
        responses, output, TemplatedNaturalLanguageGenerator(domain.responses), tracker)))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_local_run_gives_the_action_servers_events_turn_by_turn(domain, domain_dict, language):
    topics = ["what_happened", "am_i_affected", "which_screenings", "letter_meaning", "phishing", "report_fraud"]
    events: List[Event] = [ActionExecuted("action_listen"), SlotSet("language", language)]
    asked = []
    for index in range(14):
        if index == 8:
            events += [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", language),
                       ActionExecuted("action_listen")]
        events += faq_turn(domain, topics[index % len(topics)], language)
        tracker = DialogueStateTracker.from_events("u", events, domain.slots)
        local = local_events(domain, tracker)
        assert local == remote_events(domain, domain_dict, tracker), index
        asked.append(bool(local))
        events += local + [ActionExecuted("action_listen")]
    # due after the 2nd answer, then 3 apart, at most 3 per session; a new session starts over
    assert [i for i, was in enumerate(asked) if was] == [1, 4, 7, 9, 12]
    question = next(e for e in events if isinstance(e, BotUttered) and e.metadata.get("utter_action") == ASK_RESPONSE)
    assert question.metadata["feedback_topic"] and question.data["buttons"]


def test_local_run_follows_channel_specific_responses(domain, domain_dict):
    events = [ActionExecuted("action_listen")] + faq_turn(domain, "what_happened", "nl") * 2
    tracker = DialogueStateTracker.from_events("u", events, domain.slots)
    for channel in ("twilio", "telegram", "facebook", "socketio"):
        assert local_events(domain, tracker, channel) == remote_events(domain, domain_dict, tracker, channel)


def test_a_local_action_that_fails_sends_nothing_and_logs(domain, monkeypatch, caplog):
    def broken(dispatcher, events):
        raise KeyError("metadata")

    monkeypatch.setitem(local_actions.LOCAL_ACTIONS, NAME, broken)
    events = [ActionExecuted("action_listen")] + faq_turn(domain, "what_happened", "nl") * 2
    with caplog.at_level(logging.ERROR, logger="runtime.local_actions"):
        assert local_events(domain, DialogueStateTracker.from_events("u", events, domain.slots)) == []
    assert "local action action_offer_feedback failed" in caplog.text


def test_only_session_starts_user_turns_and_bot_messages_are_read(domain):
    events = [ActionExecuted("action_listen"), SessionStarted(), *faq_turn(domain, "what_happened", "nl")]
    tracker = DialogueStateTracker.from_events("u", events, domain.slots)
    read = local_actions.session_event_dicts(tracker)
    assert [event["event"] for event in read] == ["session_started", "user", "bot"]
    assert read[1] == {"event": "user"}  # no text, no parse data: the answer action needs only the turn
    assert read[2]["metadata"]["utter_action"] == "utter_faq/what_happened"
