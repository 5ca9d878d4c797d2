"""The operators' changes in what the assistant says: Rasa's NLG, the answer action, the channels' own texts.

Real domain, real trackers, the real generator class Rasa loads from endpoints.yml.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import runtime
import settings
from actions.answer import ActionAnswer
from channels.responses import response_message
from operations.control import texts
from operations.nlg import OperatorNaturalLanguageGenerator
from operations.store import FileBackend, current
from runtime import faults, patches
from tests.conftest import closed_port_url, user_turn

ROOT = Path(__file__).resolve().parent.parent
KEY = "utter_faq/which_data"
NEW_TEXT = "Nieuwe tekst over de gegevens.\n\nBron: Bevolkingsonderzoek Nederland, 11 augustus 2025"
RIVM = "https://www.rivm.nl/bevolkingsonderzoek-baarmoederhalskanker"


def change(**parts: Any) -> None:
    """Writes the operator state through this process's reader, as the endpoints do."""
    current().update(lambda state: {k: v for k, v in parts.items() if v is not None})


def tracker(domain, language: str = "nl", text: str = "welke gegevens?", sender: str = "u") -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), SlotSet("language", language),
              user_turn("faq", text, 0.95, [("which_data", 0.9)])]
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def generate(nlg, key: str, domain, language: str = "nl", tracked: Optional[DialogueStateTracker] = None
             ) -> Optional[Dict[str, Any]]:
    return asyncio.run(nlg.generate(key, tracked or tracker(domain, language), "rest"))


def domain_text(domain, key: str, language: str) -> str:
    for variation in domain.responses[key]:
        is_english = any(c.get("value") == "en" for c in variation.get("condition") or [])
        if is_english == (language == "en"):
            return variation["text"]
    raise KeyError(key)


def test_rasa_loads_the_generator_named_in_every_endpoints_file(domain, monkeypatch):
    for name in ("ACTION_PORT", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "REDIS_HOST",
                 "REDIS_PORT", "REDIS_PASSWORD"):  # the files' placeholders
        monkeypatch.setenv(name, "1")
    for path in [ROOT / "endpoints.yml", *sorted((ROOT / "deploy").glob("endpoints*.yml"))]:
        config = read_endpoint_config(str(path), "nlg")
        assert config is not None, path
        assert isinstance(NaturalLanguageGenerator.create(config, domain), OperatorNaturalLanguageGenerator)


def test_an_override_replaces_one_answer_in_one_language_and_is_reverted(domain):
    nlg = OperatorNaturalLanguageGenerator(EndpointConfig(), domain)
    before = generate(nlg, KEY, domain)
    assert before["text"] == domain_text(domain, KEY, "nl")
    change(overrides={KEY: {"nl": {"text": NEW_TEXT, "withdrawn": False, "by": "t", "at": "t"}}})
    after = generate(nlg, KEY, domain)
    assert after["text"] == NEW_TEXT
    assert after.get("buttons") == before.get("buttons")  # the follow-up buttons stay
    assert generate(nlg, KEY, domain, "en")["text"] == domain_text(domain, KEY, "en")  # English untouched
    assert generate(nlg, "utter_faq/how_many", domain)["text"] == domain_text(domain, "utter_faq/how_many", "nl")
    change()
    assert generate(nlg, KEY, domain)["text"] == domain_text(domain, KEY, "nl")


def test_a_withdrawn_answer_points_to_the_official_link_of_the_registry(domain):
    nlg = OperatorNaturalLanguageGenerator(EndpointConfig(), domain)
    change(overrides={KEY: {"en": {"text": None, "withdrawn": True, "by": "t", "at": "t"}}})
    withdrawn = generate(nlg, KEY, domain, "en")
    assert withdrawn == {"text": f"This answer is being updated. For now, please see {RIVM}"}
    registry = yaml.safe_load((ROOT / "actions" / "data" / "guidance.yml").read_text(encoding="utf-8"))
    assert RIVM in [entry.get("url") for entry in registry["links"]]
    assert generate(nlg, KEY, domain)["text"] == domain_text(domain, KEY, "nl")


@pytest.mark.parametrize("language, line", [
    ("nl", "Bericht van 7 december 2026: De brieven zijn verstuurd."),
    ("en", "Update of 7 December 2026: The letters have been sent."),
])
def test_the_notice_follows_the_greeting(domain, language, line):
    nlg = OperatorNaturalLanguageGenerator(EndpointConfig(), domain)
    greeting = domain_text(domain, "utter_greet", language)
    assert generate(nlg, "utter_greet", domain, language)["text"] == greeting
    change(notice={"text": {"nl": "De brieven zijn verstuurd.", "en": "The letters have been sent."},
                   "date": "2026-12-07", "by": "t", "at": "t"})
    message = generate(nlg, "utter_greet", domain, language)
    assert message["text"] == f"{greeting}\n\n{line}"
    assert message["buttons"]  # the greeting's topics stay
    assert line not in generate(nlg, KEY, domain, language)["text"]  # after the greeting only
    change()
    assert generate(nlg, "utter_greet", domain, language)["text"] == greeting


def test_safe_mode_gives_one_short_message_with_the_official_links_per_turn(domain):
    nlg = OperatorNaturalLanguageGenerator(EndpointConfig(), domain)
    change(safe_mode={"by": "t", "at": "t"})
    turn = tracker(domain, "nl")
    first = generate(nlg, KEY, domain, tracked=turn)
    assert first == {"text": texts().safe_mode["nl"]}
    assert RIVM in first["text"] and "https://www.bevolkingsonderzoeknederland.nl/" in first["text"]
    assert generate(nlg, "utter_ask_feedback", domain, tracked=turn) is None  # nothing more this turn
    assert generate(nlg, KEY, domain, tracked=tracker(domain, "en", "which data?"))["text"] == \
        texts().safe_mode["en"]
    change()
    assert generate(nlg, KEY, domain, tracked=turn)["text"] == domain_text(domain, KEY, "nl")


def run_answer_action(domain, domain_dict, language: str) -> List[BotUttered]:
    """``action_answer`` as the server runs it: the action's responses through Rasa's NLG.

    With the changes to Rasa (``make run``, ``ACTIONS_IN_PROCESS=1``) the action runs in the
    server; with them off (``RASA_PATCHES=0``) stock Rasa gets the action server's responses
    and turns them into messages with the same NLG (``RemoteAction._utter_responses``).
    """
    nlg = NaturalLanguageGenerator.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "nlg"), domain)
    tracked = tracker(domain, language)
    if not settings.get("RASA_PATCHES"):
        dispatcher = CollectingDispatcher()
        sdk_tracker = Tracker.from_dict(json.loads(json.dumps(tracked.current_state(EventVerbosity.ALL))))
        asyncio.run(ActionAnswer().run(dispatcher, sdk_tracker, domain_dict))
        events = asyncio.run(RemoteAction._utter_responses(json.loads(json.dumps(dispatcher.messages)),
                                                           CollectingOutputChannel(), nlg, tracked))
        return [event for event in events if isinstance(event, BotUttered)]
    action = RemoteAction("action_answer", EndpointConfig(url=closed_port_url()))
    patches.uninstall()
    assert runtime.install()  # the actions run in the server (ACTIONS_IN_PROCESS=1), as `make run` does
    faults.configure()
    try:
        events = asyncio.run(RemoteAction.run(action, CollectingOutputChannel(), nlg, tracked, domain))
    finally:
        patches.uninstall()
    return [event for event in events if isinstance(event, BotUttered)]


def test_the_answer_action_sends_the_override(domain, domain_dict):
    [before] = run_answer_action(domain, domain_dict, "nl")
    assert before.metadata["utter_action"] == KEY and before.text == domain_text(domain, KEY, "nl")
    change(overrides={KEY: {"nl": {"text": NEW_TEXT, "withdrawn": False, "by": "t", "at": "t"}}})
    [after] = run_answer_action(domain, domain_dict, "nl")
    assert after.text == NEW_TEXT and after.metadata["utter_action"] == KEY
    [english] = run_answer_action(domain, domain_dict, "en")
    assert english.text == domain_text(domain, KEY, "en")


def test_the_channels_own_texts_take_the_override(domain):
    key = "utter_message_too_long"
    assert response_message(key, domain, "nl")["text"] == domain_text(domain, key, "nl")
    change(overrides={key: {"nl": {"text": "Stel één vraag tegelijk.", "withdrawn": False, "by": "t", "at": "t"}}})
    assert response_message(key, domain, "nl")["text"] == "Stel één vraag tegelijk."
    assert response_message(key, domain, "en")["text"] == domain_text(domain, key, "en")


def test_the_file_written_by_another_process_counts(domain, operator_state):
    FileBackend(operator_state).update(lambda state: {"safe_mode": {"by": "t", "at": "t"}})
    nlg = OperatorNaturalLanguageGenerator(EndpointConfig(), domain)
    assert generate(nlg, KEY, domain)["text"] == texts().safe_mode["nl"]
