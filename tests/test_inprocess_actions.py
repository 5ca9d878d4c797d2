"""Actions of actions/ run inside the Rasa server (runtime.inprocess_actions): the same events as over HTTP.

The reference is Rasa's own ``RemoteAction.run`` over HTTP against an action
server on loopback that does what ``rasa run actions`` does with a request: JSON
in, ``rasa_sdk``'s ``ActionExecutor.run``, JSON out (400 for a rejection). The
in-process path gets a closed port as its endpoint, so it cannot fall back to HTTP.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Dict, List

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Action
from rasa_sdk import ActionExecutionRejection as SdkRejection
from rasa_sdk.executor import ActionExecutor

import runtime
from runtime import faults, inprocess_actions, patches
from tests.conftest import closed_port_url, with_server
from tests.flows_support import in_form, user_message

ENTRY = '/choose{"flow":"checklist"}'


# Running the actions in the server is a change to Rasa (runtime/patches.py).
pytestmark = pytest.mark.patches


@pytest.fixture(autouse=True)
def patched(monkeypatch):
    monkeypatch.delenv(inprocess_actions.ENV, raising=False)
    monkeypatch.delenv(faults.TIMEOUT_ENV, raising=False)
    patches.uninstall()
    assert runtime.install()
    faults.configure()
    yield
    monkeypatch.undo()  # a test's own replacement of RemoteAction.run first, then the installed one
    patches.uninstall()


def tracker_of(domain, events: List[Event], language: str = "nl") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "test-user", [ActionExecuted("action_listen"), SlotSet("language", language)] + events, domain.slots)


async def run_remote_action(name: str, url: str, domain, tracker: DialogueStateTracker,
                            channel: str = "rest", stock: bool = False) -> List[Event]:
    """``RemoteAction.run`` (as installed, or Rasa's own with ``stock``) with endpoint ``url`` on ``channel``."""
    output = CollectingOutputChannel()
    output.name = lambda: channel  # type: ignore[method-assign]
    action = RemoteAction(name, EndpointConfig(url=url))
    run = patches.original("RemoteAction.run") if stock else RemoteAction.run
    return await run(action, output, TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)


def run_action(name: str, url: str, domain, tracker: DialogueStateTracker, channel: str = "rest") -> List[Event]:
    return asyncio.run(run_remote_action(name, url, domain, tracker, channel))


def over_http(name: str, domain, tracker: DialogueStateTracker, monkeypatch, channel: str = "rest") -> List[Event]:
    """The same action through Rasa's own HTTP call and an action server that runs the SDK executor."""
    executor = ActionExecutor()
    executor.register_package("actions")

    async def webhook(request: web.Request) -> web.Response:
        try:
            answer = await executor.run(json.loads(await request.text()))
        except SdkRejection as rejection:
            return web.json_response({"action_name": rejection.action_name, "error": rejection.message}, status=400)
        return web.json_response(answer)

    return asyncio.run(with_server(webhook, lambda url: run_remote_action(name, url, domain, tracker, channel,
                                                                          stock=True)))


def typed(text: str) -> UserUttered:
    return user_message(text, intent="choose")


CASES: Dict[str, tuple] = {
    "checklist typed 2": ("validate_checklist_form", lambda: in_form("checklist_form", "data_kind", typed("2"), "2")),
    "checklist typed nonsense": ("validate_checklist_form",
                                 lambda: in_form("checklist_form", "data_kind", typed("weet niet hoor"), "weet niet hoor")),
    "checklist button": ("validate_checklist_form",
                         lambda: in_form("checklist_form", "data_kind",
                                         user_message("/choose", entities={"data_kind": "bsn"}), "bsn")),
    "situation typed": ("validate_situation_form", lambda: in_form("situation_form", "situation", typed("1"), "1")),
    "affected first question": ("validate_affected_form",
                                lambda: in_form("affected_form", "took_part", typed("ja"), "ja")),
    "affected last question": ("validate_affected_form",
                               lambda: in_form("affected_form", "got_letter", typed("nee"), "nee",
                                               earlier={"took_part": "yes", "since_2017": "yes"})),
    "share checklist": ("action_share_checklist",
                        lambda: in_form("checklist_form", "data_kind", typed("2"), None) + [SlotSet("data_kind", "bsn")]),
    "share affected": ("action_share_affected_result",
                       lambda: [SlotSet("took_part", "yes"), SlotSet("since_2017", "no"), SlotSet("got_letter", "no")]),
    "share guidance": ("action_share_guidance", lambda: [SlotSet("situation", "letter")]),
    "fallback": ("action_handle_fallback",
                 lambda: [user_message("kan je een pizza bestellen", intent="nlu_fallback", confidence=0.3)]),
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_in_process_gives_the_events_of_the_http_path(domain, monkeypatch, case, language):
    name, events = CASES[case]
    tracker = tracker_of(domain, events(), language)
    expected = over_http(name, domain, tracker, monkeypatch)
    actual = run_action(name, closed_port_url(), domain, tracker)
    assert actual == expected
    assert actual, "every case makes at least one event"
    assert not any(isinstance(e, BotUttered) and e.metadata.get("utter_action") == faults.RESPONSE for e in actual)


@pytest.mark.parametrize("channel", ["telegram", "twilio", "facebook", "socketio"])
def test_in_process_follows_the_channel_as_the_http_path_does(domain, monkeypatch, channel):
    tracker = tracker_of(domain, CASES["share checklist"][1]())
    assert run_action("action_share_checklist", closed_port_url(), domain, tracker, channel) == \
        over_http("action_share_checklist", domain, tracker, monkeypatch, channel)


def test_running_every_action_leaves_tracker_and_domain_unchanged(domain):
    domain_before = json.dumps(domain.as_dict(), sort_keys=True)
    for name, events in CASES.values():
        tracker = tracker_of(domain, events())
        state_before = json.dumps(tracker.current_state(EventVerbosity.ALL), sort_keys=True)
        run_action(name, closed_port_url(), domain, tracker)
        assert json.dumps(tracker.current_state(EventVerbosity.ALL), sort_keys=True) == state_before, name
    assert json.dumps(domain.as_dict(), sort_keys=True) == domain_before


def test_the_request_body_copies_what_an_action_could_change(domain):
    tracker = tracker_of(domain, CASES["checklist typed 2"][1]())
    body = inprocess_actions.request_body(RemoteAction("validate_checklist_form", None), tracker, domain)
    body["tracker"]["latest_message"]["intent"]["name"] = "changed"
    body["tracker"]["slots"]["data_kind"] = "changed"
    assert tracker.latest_message.parse_data["intent"]["name"] == "choose"
    assert tracker.get_slot("data_kind") == "2"
    assert body["domain"] is domain.as_dict()  # read-only, shared: the test above shows no action writes to it


class Broken(Action):
    def name(self) -> str:
        return "action_test_broken"

    def run(self, dispatcher, tracker, domain):
        raise KeyError("boom")


class Rejecting(Action):
    def name(self) -> str:
        return "action_test_rejecting"

    def run(self, dispatcher, tracker, domain):
        raise SdkRejection(self.name(), "not now")


def with_test_actions(monkeypatch, *actions: Action) -> None:
    """Patches ``RemoteAction.run`` as ``runtime.install`` does, with a package that has these actions too."""
    executor = ActionExecutor()
    executor.register_package("actions")
    for action in actions:
        executor.register_action(action)
    package = inprocess_actions.InProcessActions()
    package._executor = executor
    monkeypatch.setattr(RemoteAction, "run", patches.action_run(patches.original("RemoteAction.run"), package, True))


def test_an_action_that_raises_gives_the_apology_and_ends_the_turn(domain, monkeypatch, caplog):
    with_test_actions(monkeypatch, Broken())
    events = run_action("action_test_broken", closed_port_url(), domain, tracker_of(domain, []))
    assert f"{patches.IN_PROCESS_RUNNER} could not run action_test_broken (RasaException(" in caplog.text
    assert isinstance(events[0], BotUttered) and events[0].metadata["utter_action"] == faults.RESPONSE
    assert events[-1].as_dict()["event"] == "followup"


def test_a_rejection_stays_a_rejection(domain, monkeypatch):
    with_test_actions(monkeypatch, Rejecting())
    with pytest.raises(ActionExecutionRejection) as raised:
        run_action("action_test_rejecting", closed_port_url(), domain, tracker_of(domain, []))
    assert raised.value.action_name == "action_test_rejecting" and "not now" in raised.value.message


def test_one_way_per_deployment_in_the_server_or_all_over_http(domain, monkeypatch):
    tracker = tracker_of(domain, CASES["share guidance"][1]())
    for name in ("action_share_guidance", "action_answer", "action_offer_feedback"):
        events = run_action(name, closed_port_url(), domain, tracker)  # in the server: no HTTP at all
        assert all(e.metadata.get("utter_action") != faults.RESPONSE for e in events if isinstance(e, BotUttered))
    # an action the package does not have fails as the action server's 404 would: the apology
    events = run_action("action_not_in_the_package", closed_port_url(), domain, tracker)
    assert events[0].metadata["utter_action"] == faults.RESPONSE
    monkeypatch.setenv(inprocess_actions.ENV, "0")  # another deployment: installed again
    patches.uninstall()
    assert runtime.install()
    for name in ("action_share_guidance", "action_answer", "action_offer_feedback"):
        # every action goes to the action server (a closed port here): the apology
        events = run_action(name, closed_port_url(), domain, tracker)
        assert events[0].metadata["utter_action"] == faults.RESPONSE


@pytest.mark.parametrize("raw, expected", [("", True), ("1", True), ("true", True), ("0", False), ("off", False),
                                           ("No", False), ("maybe", True)])
def test_the_switch_reads_the_environment(raw: str, expected: bool):
    assert inprocess_actions.enabled({inprocess_actions.ENV: raw}) is expected


def test_the_package_is_imported_on_first_use():
    package = inprocess_actions.InProcessActions()
    assert package._executor is None
    assert {"validate_checklist_form", "action_share_checklist", "action_handle_fallback"} <= package.names


def test_preload_imports_the_package_at_start_unless_switched_off(monkeypatch, caplog):
    package = inprocess_actions.InProcessActions()
    monkeypatch.setenv(inprocess_actions.ENV, "0")
    assert inprocess_actions.preload(package) is True and package._executor is None
    monkeypatch.setenv(inprocess_actions.ENV, "1")
    with caplog.at_level(logging.INFO, logger="runtime.inprocess_actions"):
        assert inprocess_actions.preload(package) is True
    assert package._executor is not None
    assert f"{len(package.names)} actions of actions/ loaded in the Rasa server" in caplog.text


def test_a_package_that_cannot_be_imported_is_reported_and_every_action_gets_the_apology(
        domain, monkeypatch, tmp_path, caplog):
    broken = tmp_path / "broken_actions"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('the guidance registry is invalid (test)')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    package = inprocess_actions.InProcessActions("broken_actions")
    with caplog.at_level(logging.ERROR):
        assert inprocess_actions.preload(package) is False  # no SystemExit: the server keeps running
    assert "cannot be loaded, so every flow will answer with the apology" in caplog.text
    monkeypatch.setattr(RemoteAction, "run", patches.action_run(patches.original("RemoteAction.run"), package, True))
    tracker = tracker_of(domain, CASES["share guidance"][1]())
    for _ in range(2):  # imported once; the second call fails at once as well
        events = run_action("action_share_guidance", closed_port_url(), domain, tracker)
        assert events[0].metadata["utter_action"] == faults.RESPONSE


def test_plain_copy_is_a_deep_copy_of_json_like_data():
    import numpy as np

    inner = {"name": "faq", "confidence": 0.5}
    value = {"intent": inner, "ranking": [inner, {"name": "x", "confidence": np.float32(0.1)}],
             "entities": [], "span": (1, [2]), "text": "é", "n": None, "ok": True, 3: 4}
    got = inprocess_actions.plain_copy(value)
    assert got == value
    got["intent"]["name"] = "changed"
    got["ranking"][0]["name"] = "changed"
    got["span"][1].append(3)
    assert value["intent"]["name"] == "faq" and value["ranking"][0]["name"] == "faq" and value["span"] == (1, [2])
    assert got["ranking"][1]["confidence"] == np.float32(0.1) and got["ranking"][1] is not value["ranking"][1]
