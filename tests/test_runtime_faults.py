"""Action server down, slow or failing: a real RemoteAction answers with the apology within 2 s.

Each test starts what it needs on loopback (an aiohttp server, or a port nobody
listens on) and runs Rasa's own ``RemoteAction`` / ``FormAction`` with the runtime
patches and the real domain.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any, List, Tuple

import pytest
import yaml
from aiohttp import web
from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionRetrieveResponse,
    RemoteAction,
    action_for_name_or_text,
)
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.utils.endpoints import EndpointConfig

import runtime
from actions.flows import FLOW_SLOTS
from actions.guidance import load_registry
from runtime import faults, inprocess_actions, patches
from scripts.content_rules import references
from tests.conftest import Handler, closed_port_url, with_server

ROOT = Path(__file__).resolve().parent.parent
WALL_LIMIT_S = 2.0


# The time limit and the apology are changes to Rasa (runtime/faults.py): stock Rasa has neither.
pytestmark = pytest.mark.patches


@pytest.fixture(autouse=True)
def patched(monkeypatch):
    monkeypatch.delenv(faults.TIMEOUT_ENV, raising=False)
    # These tests are about the action server: every action goes over HTTP
    # (tests/test_inprocess_actions.py covers actions run in the Rasa server).
    monkeypatch.setenv(inprocess_actions.ENV, "0")
    patches.uninstall()
    assert runtime.install()
    faults.configure()  # the default time limit, whatever an earlier test set
    yield
    monkeypatch.undo()  # a test's own replacements first, then the installed changes
    patches.uninstall()
    faults.configure()


async def slow(_: web.Request) -> web.Response:
    await asyncio.sleep(5)
    return web.json_response({"events": [], "responses": []})


async def error_500(_: web.Request) -> web.Response:
    return web.Response(status=500, text="Internal Server Error")


async def invalid_answer(_: web.Request) -> web.Response:
    return web.json_response({"events": [{"event": "no_such_event"}]})


def tracker_of(domain: Domain, events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("fault-test", [ActionExecuted("action_listen"), *events], domain.slots)


def low_confidence_question(language: str = "nl") -> List[Event]:
    return [SlotSet("language", language), UserUttered("blabla", intent={"name": "nlu_fallback", "confidence": 0.3})]


async def run_action(action, domain: Domain, tracker: DialogueStateTracker) -> Tuple[List[Event], float]:
    started = time.monotonic()
    events = await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                              tracker, domain)
    return events, time.monotonic() - started


def run_remote(domain: Domain, url: str, name: str = "action_handle_fallback",
               events: List[Event] = None) -> Tuple[List[Event], float, DialogueStateTracker]:
    tracker = tracker_of(domain, events if events is not None else low_confidence_question())
    action = RemoteAction(name, EndpointConfig(url=url))
    result, elapsed = asyncio.run(run_action(action, domain, tracker))
    return result, elapsed, tracker


def run_remote_against(domain: Domain, handler: Handler, **kwargs: Any) -> Tuple[List[Event], float]:
    async def body(url: str) -> Tuple[List[Event], float]:
        tracker = tracker_of(domain, kwargs.get("events") or low_confidence_question())
        action = RemoteAction(kwargs.get("name", "action_handle_fallback"), EndpointConfig(url=url))
        return await run_action(action, domain, tracker)

    return asyncio.run(with_server(handler, body))


def apology_text(domain: Domain, language: str = "nl") -> str:
    variations = domain.responses[faults.RESPONSE]
    if language == "nl":
        return next(v["text"] for v in variations if not v.get("condition"))
    return next(v["text"] for v in variations
                if {"type": "slot", "name": "language", "value": language} in (v.get("condition") or []))


def assert_apology_then_listen(domain: Domain, events: List[Event], elapsed: float, language: str = "nl") -> None:
    assert elapsed < WALL_LIMIT_S
    assert isinstance(events[0], BotUttered)
    assert events[0].text == apology_text(domain, language)
    assert events[0].metadata.get("utter_action") == faults.RESPONSE
    assert events[-1] == FollowupAction("action_listen")
    assert all(isinstance(event, BotUttered | ActiveLoop | SlotSet | FollowupAction) for event in events)


# --- the three faults of the issue ----------------------------------------------------------


def test_action_server_down_closed_port_gives_the_apology_at_once(domain, caplog):
    with caplog.at_level(logging.ERROR, logger="runtime.faults"):
        events, elapsed, _ = run_remote(domain, closed_port_url())
    assert_apology_then_listen(domain, events, elapsed)
    assert elapsed < 1.0  # a refused connection needs no time limit
    assert "action server could not run action_handle_fallback" in caplog.text


def test_action_server_slower_than_the_time_limit_gives_the_apology_within_2_s(domain):
    events, elapsed = run_remote_against(domain, slow)
    assert_apology_then_listen(domain, events, elapsed)
    assert elapsed >= faults.DEFAULT_TIMEOUT_S - 0.05  # it did wait for the action server first


def test_action_server_error_500_gives_the_apology(domain):
    events, elapsed = run_remote_against(domain, error_500)
    assert_apology_then_listen(domain, events, elapsed)


def test_an_answer_that_is_not_valid_gives_the_apology(domain):
    events, elapsed = run_remote_against(domain, invalid_answer)
    assert_apology_then_listen(domain, events, elapsed)


def test_the_apology_follows_the_conversation_language(domain):
    events, elapsed, _ = run_remote(domain, closed_port_url(), events=low_confidence_question("en"))
    assert_apology_then_listen(domain, events, elapsed, language="en")
    assert events[0].text.startswith("Sorry, I cannot do this right now.")


def test_the_time_limit_comes_from_the_environment(domain, monkeypatch):
    monkeypatch.setenv(faults.TIMEOUT_ENV, "0.3")
    assert faults.configure() == 0.3
    events, elapsed = run_remote_against(domain, slow)
    assert_apology_then_listen(domain, events, elapsed)
    assert 0.25 <= elapsed < 1.0


@pytest.mark.parametrize(("raw", "expected"), [
    (None, 1.5), ("", 1.5), ("2", 2.0), ("0.75", 0.75), ("15", 15.0),
    ("0", 1.5), ("-1", 1.5), ("60", 1.5), ("soon", 1.5), ("nan", 1.5),
])
def test_time_limit_setting_stays_well_below_the_lock_lifetime(raw, expected):
    environ = {} if raw is None else {faults.TIMEOUT_ENV: raw}
    assert faults.timeout_from_env(environ) == expected
    assert faults.MAX_TIMEOUT_S <= 60 / 4


# --- the tracker stays consistent ---------------------------------------------------------------


def test_events_applied_to_the_tracker_end_the_turn_listening(domain):
    events, _, tracker = run_remote(domain, closed_port_url())
    tracker.update(ActionExecuted("action_handle_fallback"))
    tracker.update_with_events(events, domain)
    assert tracker.followup_action == "action_listen"
    assert tracker.active_loop_name is None
    assert tracker.latest_bot_utterance.text == apology_text(domain)


def affected_form_waiting_for_since_2017() -> List[Event]:
    return [SlotSet("flow", "affected_check"), ActionExecuted("affected_form"), ActiveLoop("affected_form"),
            SlotSet("took_part", "ja"), SlotSet("requested_slot", "since_2017"),
            ActionExecuted("action_listen"),
            UserUttered("ja", intent={"name": "choose", "confidence": 0.99})]


def test_a_failed_form_validation_ends_the_form_and_clears_its_slots(domain):
    events, elapsed, tracker = run_remote(domain, closed_port_url(), name="validate_affected_form",
                                          events=affected_form_waiting_for_since_2017())
    assert_apology_then_listen(domain, events, elapsed)
    assert ActiveLoop(None) in events
    assert {e.key for e in events if isinstance(e, SlotSet)} == {"requested_slot", "took_part", "flow"}
    assert all(e.value is None for e in events if isinstance(e, SlotSet))


def test_the_form_itself_stops_when_its_validation_cannot_run(domain):
    """Rasa's own FormAction: the apology, the form ends, nothing is asked, the turn ends."""
    tracker = tracker_of(domain, affected_form_waiting_for_since_2017())
    form = FormAction("affected_form", EndpointConfig(url=closed_port_url()))
    events, elapsed = asyncio.run(run_action(form, domain, tracker))
    assert elapsed < WALL_LIMIT_S
    texts = [e.text for e in events if isinstance(e, BotUttered)]
    assert texts == [apology_text(domain)]
    tracker.update(ActionExecuted("affected_form"))
    tracker.update_with_events(events, domain)
    assert tracker.active_loop_name is None
    assert tracker.get_slot("requested_slot") is None
    assert tracker.followup_action == "action_listen"
    assert all(tracker.get_slot(slot) is None for slot in FLOW_SLOTS)


def test_a_form_that_cannot_start_says_so_instead_of_asking(domain):
    tracker = tracker_of(domain, [SlotSet("flow", "checklist"),
                                  UserUttered('/choose{"flow":"checklist"}',
                                              intent={"name": "choose", "confidence": 1.0})])
    form = FormAction("checklist_form", EndpointConfig(url=closed_port_url()))
    events, elapsed = asyncio.run(run_action(form, domain, tracker))
    assert elapsed < WALL_LIMIT_S
    assert [e.text for e in events if isinstance(e, BotUttered)] == [apology_text(domain)]
    tracker.update_with_events(events, domain)
    assert tracker.active_loop_name is None and tracker.followup_action == "action_listen"


def test_the_flow_slots_cleared_on_a_fault_are_those_the_flows_clear(domain):
    tracker = tracker_of(domain, [SlotSet(slot, "x") for slot in FLOW_SLOTS] + [SlotSet("requested_slot", "x")])
    cleared = {e.key for e in faults.reset_events(tracker, domain) if isinstance(e, SlotSet)}
    assert cleared == set(FLOW_SLOTS) | {"requested_slot"}


def test_the_feedback_question_after_a_faq_answer_needs_no_action_server(domain, monkeypatch):
    """In the server (ACTIONS_IN_PROCESS=1): with the action server unreachable it is asked when due, at once."""
    monkeypatch.setenv(inprocess_actions.ENV, "1")
    patches.uninstall()
    assert runtime.install()
    answer = [UserUttered("Wat is er gebeurd?", intent={"name": "faq", "confidence": 0.99}),
              ActionExecuted("utter_faq"), BotUttered("Antwoord", metadata={"utter_action": "utter_faq/what"})]
    events, elapsed, _ = run_remote(domain, closed_port_url(), name="action_offer_feedback", events=answer)
    assert events == [] and elapsed < 0.1  # one answer: not due yet
    events, elapsed, _ = run_remote(domain, closed_port_url(), name="action_offer_feedback", events=answer * 2)
    assert [e.metadata["utter_action"] for e in events] == ["utter_ask_feedback"] and elapsed < 0.1


# --- what stays as in stock Rasa -------------------------------------------------------------


def test_a_working_action_server_answer_is_used_as_before(domain):
    async def answer(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["next_action"] == "action_handle_fallback"
        return web.json_response({"events": [{"event": "slot", "name": "fallback_stage", "value": "contact"}],
                                  "responses": [{"response": "utter_fallback_contact"}]})

    events, elapsed = run_remote_against(domain, answer)
    assert elapsed < WALL_LIMIT_S
    assert [type(e) for e in events] == [BotUttered, SlotSet]
    assert events[0].metadata["utter_action"] == "utter_fallback_contact"
    assert events[1] == SlotSet("fallback_stage", "contact")


def test_a_rejection_by_the_action_server_is_still_a_rejection(domain):
    async def reject(_: web.Request) -> web.Response:
        return web.Response(status=400, content_type="application/json",
                            text=json.dumps({"action_name": "validate_affected_form", "error": "no"}))

    with pytest.raises(ActionExecutionRejection):
        run_remote_against(domain, reject, name="validate_affected_form",
                           events=affected_form_waiting_for_since_2017())


def test_slot_mapping_actions_keep_stock_behaviour_and_add_no_apology():
    """action_extract_slots runs on every message and logs RasaException; no apology there."""
    domain = Domain.from_dict({
        "version": "3.1",
        "slots": {"x": {"type": "text", "mappings": [{"type": "custom", "action": "action_fill_x"}]}},
        "actions": ["action_fill_x"],
        "responses": {faults.RESPONSE: [{"text": "sorry"}]},
    })
    for name in ("action_fill_x", "action_validate_slot_mappings"):
        with pytest.raises(RasaException):
            run_remote(domain, closed_port_url(), name=name, events=[])
    assert faults.slot_mapping_actions(domain) == {"action_fill_x", "action_validate_slot_mappings"}


# --- FAQ answers need no action server, and the apology's content ----------------------------------


def faq_rule_actions() -> List[str]:
    actions = []
    for path in sorted((ROOT / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in (data.get("rules") or []) + (data.get("stories") or []):
            steps = block.get("steps") or []
            for index, step in enumerate(steps):
                if str(step.get("intent", "")).split("/")[0] == "faq":
                    following = steps[index + 1:]
                    end = next((i for i, s in enumerate(following) if "intent" in s), len(following))
                    actions += [s["action"] for s in following[:end] if "action" in s]
    return actions


def test_faq_answers_never_call_the_action_server():
    """The answer action and the feedback question after it are actions of actions/: in the server by default."""
    actions = faq_rule_actions()
    assert actions and actions[0] == "action_answer"
    assert set(actions) <= inprocess_actions.InProcessActions().names
    # The FAQ answers themselves are retrieval responses that Rasa renders without the action server.
    importer = TrainingDataImporter.load_from_config(str(ROOT / "config.yml"), str(ROOT / "domain.yml"),
                                                     [str(ROOT / "data")])
    trained_domain = importer.get_domain()
    action = action_for_name_or_text("utter_faq", trained_domain, EndpointConfig(url=closed_port_url()))
    assert isinstance(action, ActionRetrieveResponse) and not isinstance(action, RemoteAction)


def test_the_apology_is_short_and_links_the_main_checked_official_page(domain):
    registry = load_registry()
    for variation in domain.responses[faults.RESPONSE]:
        urls, phones = references(variation["text"])
        assert len(urls) == 1 and not phones
        entry = registry.find_url(urls.pop())
        assert entry is not None and entry.checked and entry.owner in {"Rijksoverheid", "BVO NL"}
        assert len(variation["text"].split()) <= 45
    assert [v.get("condition") for v in domain.responses[faults.RESPONSE]][1:] == [
        [{"type": "slot", "name": "language", "value": "en"}]]
