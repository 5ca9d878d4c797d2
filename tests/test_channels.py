"""The guarded channels: what reaches Rasa, what the user gets back, with the real domain."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
from rasa.shared.core.domain import Domain
from sanic import Sanic

from channels.guard import MessageGuard
from channels.responses import button_commands, response_message
from channels.rest import SafeRestInput, parse_body, valid_sender
from channels.socket_io import LANGUAGE_COMMANDS, SafeSocketIOInput


def run_guard(domain, raw, metadata=None, handler=None):
    received = []

    async def record(message):
        received.append(message)

    guard = MessageGuard(lambda: domain)
    collector = CollectingOutputChannel()
    asyncio.run(guard.handle(raw, collector, "user-1", handler or record, "rest", metadata))
    return received, [m.get("text") for m in collector.messages]


def test_personal_data_gets_the_notice_and_only_redacted_text_reaches_rasa(domain):
    received, answers = run_guard(domain, "Mijn BSN is 123456782, moet ik mijn BSN veranderen?",
                                  metadata={"from": "jan@example.nl"})
    assert answers == [domain.responses["utter_privacy_notice"][0]["text"]]
    assert [m.text for m in received] == ["Mijn BSN is [BSN], moet ik mijn BSN veranderen?"]
    assert received[0].metadata == {"from": "[EMAIL]"}
    assert (received[0].sender_id, received[0].input_channel) == ("user-1", "rest")


def test_a_normal_question_gets_no_notice(domain):
    received, answers = run_guard(domain, "Wat is er gebeurd?")
    assert answers == [] and [m.text for m in received] == ["Wat is er gebeurd?"]


@pytest.mark.parametrize("raw, key", [
    ("x" * 100_000, "utter_message_too_long"),
    ("   ", "utter_message_empty"),
    (b"\xff\xfe", "utter_message_unreadable"),
])
def test_unusable_messages_are_answered_without_rasa(domain, raw, key):
    received, answers = run_guard(domain, raw)
    assert received == []
    assert answers == [domain.responses[key][0]["text"]]


def test_typed_commands_reach_rasa_as_plain_text(domain):
    assert all(command.startswith(("/choose{", "/change_language{", "/feedback_"))
               for command in button_commands(domain))
    received, _ = run_guard(domain, '/greet{"name": "Jan"}')
    assert [m.text for m in received] == ['greet{"name": "Jan"}']


def test_commands_of_the_assistants_own_buttons_pass():
    domain = Domain.from_dict({"intents": ["greet"], "responses": {"utter_x": [
        {"text": "Kies", "buttons": [{"title": "Hoi", "payload": "/greet"}, {"title": "Nee", "payload": "nee"}]}]}})
    assert button_commands(domain) == frozenset({"/greet"})
    received, _ = run_guard(domain, "/greet")
    assert [m.text for m in received] == ["/greet"]


def test_flow_buttons_pass_as_sent_and_forged_entities_do_not(domain):
    commands = button_commands(domain)
    assert '/choose{"flow":"checklist"}' in commands
    assert not [c for c in commands if "{{" in c]
    received, _ = run_guard(domain, '/choose{"flow":"checklist"}')
    assert [m.text for m in received] == ['/choose{"flow":"checklist"}']
    received, _ = run_guard(domain, '/choose{"flow":"checklist","situation":"x"}')
    assert [m.text for m in received] == ['choose{"flow":"checklist","situation":"x"}']


def test_feedback_buttons_pass_for_every_topic_and_nothing_else(domain):
    commands = button_commands(domain)
    topics = [name.split("/", 1)[1] for name in domain.responses if name.startswith("utter_faq/")]
    assert len(topics) == 47
    for topic in topics:
        assert f'/feedback_positive{{"feedback_topic":"{topic}"}}' in commands
        assert f'/feedback_reason{{"feedback_reason":"outdated","feedback_topic":"{topic}"}}' in commands
    assert '/feedback_negative{"feedback_topic":"None"}' in commands
    received, _ = run_guard(domain, '/feedback_positive{"feedback_topic":"which_data"}')
    assert [m.text for m in received] == ['/feedback_positive{"feedback_topic":"which_data"}']
    received, _ = run_guard(domain, '/feedback_positive{"feedback_topic":"Jan Jansen"}')
    # not a button: passed on as plain text, and the name in it is redacted like any other
    assert [m.text for m in received] == ['feedback_positive{"feedback_topic":"[NAME]"}']
    assert not [c for c in commands if "{feedback_topic}" in c]


def test_canned_answers_follow_the_language_of_the_message(domain):
    _, dutch = run_guard(domain, "Wat " * 5000)
    _, english = run_guard(domain, "What happened to my data? " * 1000)
    assert dutch == [domain.responses["utter_message_too_long"][0]["text"]]
    english_variations = [v for v in domain.responses["utter_message_too_long"] if v.get("condition")]
    expected = english_variations[0]["text"] if english_variations else dutch[0]
    assert english == [expected]


def test_the_web_pages_language_switch_passes_on_socketio_and_nothing_else_does(domain):
    assert LANGUAGE_COMMANDS == {'/change_language{"language":"nl"}', '/change_language{"language":"en"}'}
    received = []

    async def record(message):
        received.append(message.text)

    guarded = MessageGuard(lambda: domain).wrap(record, LANGUAGE_COMMANDS)
    for text in ('/change_language{"language":"en"}', '/change_language{"language":"de"}', "/greet"):
        asyncio.run(guarded(UserMessage(text, CollectingOutputChannel(), "user-1", input_channel="socketio")))
    assert received == ['/change_language{"language":"en"}', 'change_language{"language":"de"}', "greet"]
    # without the channel's trust (other channels) and no such button, it is plain text like any typed command
    received_plain, _ = run_guard(Domain.empty(), '/change_language{"language":"en"}')
    assert [m.text for m in received_plain] == ['change_language{"language":"en"}']


def test_errors_in_rasa_are_logged_without_the_message(domain, caplog):
    async def failing(message: UserMessage):
        raise ValueError(f"cannot handle {message.text}")

    with caplog.at_level(logging.DEBUG):
        received, _ = run_guard(domain, "Wat is er gebeurd met 06-12345678?", handler=failing)
    assert "ValueError" in caplog.text
    assert "gebeurd" not in caplog.text and "12345678" not in caplog.text


def test_responses_fall_back_to_the_project_domain_for_older_models(domain):
    message = response_message("utter_privacy_notice", Domain.empty())
    assert message["text"] == domain.responses["utter_privacy_notice"][0]["text"]
    with pytest.raises(KeyError):
        response_message("utter_does_not_exist", domain)


def test_rest_body_and_sender_checks():
    assert parse_body(b'{"sender": "a", "message": "hoi"}') == {"sender": "a", "message": "hoi"}
    assert parse_body(b'{"message": "\xff\xfe"}')["message"] == "\udcff\udcfe"
    for bad in (b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00"):
        assert parse_body(bad) is None
    assert valid_sender("abc-123") == "abc-123"
    assert valid_sender(42) == "42"
    assert len(valid_sender(None)) == 32
    for bad in ("", "x" * 256, "a\nb", "\udcff", ["a"], {"a": 1}, True):
        assert valid_sender(bad) is None


def test_channels_keep_rasas_urls():
    app = Sanic("channels_test_app")
    socket_channel = SafeSocketIOInput.from_credentials({"session_persistence": True})
    register([SafeRestInput(), socket_channel], app, "/webhooks/")
    paths = {route.path for route in app.router.routes}
    assert "webhooks/rest/webhook" in paths
    assert any(path.startswith("socket.io") for path in paths)
    assert socket_channel.session_persistence is True


def test_button_commands_are_collected_once_per_domain(domain, monkeypatch):
    from channels import responses

    calls = []
    collect = responses.collect_button_commands
    monkeypatch.setattr(responses, "collect_button_commands", lambda d: calls.append(d) or collect(d))
    monkeypatch.setattr(responses, "_commands_of", [])
    first = responses.button_commands(domain)
    assert responses.button_commands(domain) is first and len(calls) == 1
    other = Domain.from_dict(domain.as_dict())
    assert responses.button_commands(other) == first and len(calls) == 2
    assert first and all(command.startswith("/") for command in first)
