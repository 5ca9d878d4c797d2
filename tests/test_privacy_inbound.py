"""The inbound check: too long, empty, unreadable, markup, commands, redaction; and the settings."""

from __future__ import annotations

import time

import pytest

from privacy import settings
from privacy.inbound import (
    RESPONSE_EMPTY,
    RESPONSE_PRIVACY_NOTICE,
    RESPONSE_TOO_LONG,
    RESPONSE_UNREADABLE,
    RESPONSES,
    filter_command,
    inspect_message,
)
from privacy.redact import redact, redact_value


def test_a_normal_question_passes_unchanged():
    decision = inspect_message("Wat is er gebeurd?", max_chars=1000)
    assert (decision.text, decision.response, decision.kinds, decision.notice) == (
        "Wat is er gebeurd?", None, (), None)


def test_personal_data_is_replaced_and_the_question_kept():
    decision = inspect_message("Mijn BSN is 123456782 en mail a@b.nl, moet ik mijn BSN veranderen?")
    assert decision.text == "Mijn BSN is [BSN] en mail [EMAIL], moet ik mijn BSN veranderen?"
    assert decision.kinds == ("bsn", "email")
    assert decision.notice == RESPONSE_PRIVACY_NOTICE
    assert decision.response is None


def test_only_personal_data_gets_the_notice_and_a_request_for_a_question():
    decision = inspect_message("123 456 782")
    assert (decision.text, decision.response, decision.notice) == (None, RESPONSE_EMPTY, RESPONSE_PRIVACY_NOTICE)


@pytest.mark.parametrize("raw, response", [
    (None, RESPONSE_EMPTY),
    ("", RESPONSE_EMPTY),
    ("   \n\t ", RESPONSE_EMPTY),
    ("😀🙏👍", RESPONSE_EMPTY),
    ("?!...", RESPONSE_EMPTY),
    ("<b></b>", RESPONSE_UNREADABLE),
    (b"\xff\xfe\xfa", RESPONSE_UNREADABLE),
    ("\ud800 half a surrogate", RESPONSE_UNREADABLE),
    ("\x00\x01\x02\x03\x04abc", RESPONSE_UNREADABLE),
    (12345, RESPONSE_UNREADABLE),
    ({"text": "hoi"}, RESPONSE_UNREADABLE),
    (["hoi"], RESPONSE_UNREADABLE),
])
def test_messages_without_a_readable_question_get_a_canned_response(raw, response):
    decision = inspect_message(raw, max_chars=1000)
    assert (decision.text, decision.response) == (None, response)


def test_too_long_messages_are_answered_before_any_other_work():
    assert inspect_message("x" * 1001, max_chars=1000).response == RESPONSE_TOO_LONG
    assert inspect_message("x" * 1000, max_chars=1000).response is None
    assert inspect_message(b"x" * 5000, max_chars=1000).response == RESPONSE_TOO_LONG
    started = time.perf_counter()
    for _ in range(100):
        assert inspect_message("123456782 " * 10_000, max_chars=1000).response == RESPONSE_TOO_LONG
    assert (time.perf_counter() - started) / 100 < 0.005


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    assert inspect_message("Wat is er gebeurd?").response == RESPONSE_TOO_LONG


def test_utf8_bytes_are_decoded():
    assert inspect_message("Wat is er gebeurd? é".encode()).text == "Wat is er gebeurd? é"


def test_markup_and_bidi_controls_are_removed_not_passed_on():
    decision = inspect_message("<script>alert('x')</script><b>Wat</b> is er \u202egebeurd?")
    assert decision.text == "Wat is er gebeurd?"


def test_markup_only_messages_get_the_unreadable_answer_without_nlu():
    for raw in ("<script>alert(1)</script>", "<SCRIPT src=x>", "<style>p{}</style>", "<b></b>"):
        decision = inspect_message(raw)
        assert decision.text is None, raw
        assert decision.response == "utter_message_unreadable", raw
    assert inspect_message("<img src=x onerror=alert(1)>Wat is er gebeurd?").text == "Wat is er gebeurd?"


def test_right_to_left_and_sql_like_text_pass_as_plain_text():
    assert inspect_message("ما الذي حدث؟").text == "ما الذي حدث؟"
    assert inspect_message("'; DROP TABLE events; --").text == "'; DROP TABLE events; --"


def test_commands_only_when_they_are_the_assistants_own_buttons():
    allowed = frozenset({"/greet", '/faq{"topic": "x"}'})
    assert filter_command("/greet", allowed) == "/greet"
    assert filter_command('/faq{"topic": "x"}', allowed) == '/faq{"topic": "x"}'
    assert filter_command('/greet{"name": "Jan"}', allowed) == 'greet{"name": "Jan"}'
    assert filter_command("/restart", allowed) == "restart"
    assert filter_command("// /restart", allowed) == "restart"
    assert filter_command("Wat is /greet?", allowed) == "Wat is /greet?"


def test_typed_commands_reach_rasa_as_plain_text():
    decision = inspect_message('/faq{"bsn": "123456782"}', frozenset({"/greet"}))
    assert decision.text == 'faq{"bsn": "[BSN]"}'
    assert decision.kinds == ("bsn",)


def test_every_canned_response_is_in_the_domain(domain):
    for key in RESPONSES:
        texts = [v["text"] for v in domain.responses[key]]
        assert texts and all(len(text.split()) <= 25 for text in texts), key


def test_privacy_notice_is_one_sentence_in_the_u_form(domain):
    text = domain.responses[RESPONSE_PRIVACY_NOTICE][0]["text"]
    assert text.count(".") == 1 and text.endswith(".")
    assert "U " in text or " u " in text
    assert "[" not in text


def test_redact_value_redacts_nested_strings_only():
    value = {"a": ["bel 06-12345678", 3], "b": ("a@b.nl",), "c": None}
    assert redact_value(value) == {"a": ["bel [PHONE]", 3], "b": ("[EMAIL]",), "c": None}


def test_redaction_without_personal_data_returns_the_same_text():
    assert redact("Hoeveel mensen? 485.000?").text == "Hoeveel mensen? 485.000?"


@pytest.mark.parametrize("name, reader, default", [
    ("MAX_MESSAGE_CHARS", settings.max_message_chars, 1000),
    ("RETENTION_DAYS", settings.retention_days, 30),
])
def test_settings_defaults_values_and_errors(name, reader, default):
    assert reader({}) == default
    assert reader({name: ""}) == default
    assert reader({name: " 7 "}) == 7
    for bad in ("0", "-1", "abc", "1.5"):
        with pytest.raises(ValueError, match=name):
            reader({name: bad})
