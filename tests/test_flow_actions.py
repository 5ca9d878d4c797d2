"""The closing actions of the next-steps flows, with the real domain, registry and trackers."""

from __future__ import annotations

import re

import pytest
from rasa.shared.core.events import SlotSet

from actions.flows import (
    FLOW_SLOTS,
    ActionShareAffectedResult,
    ActionShareChecklist,
    ActionShareGuidance,
)
from actions.guidance import load_registry
from actions.guidance_render import entry_line
from tests.flows_support import render, run, user_message

# The registry entries each choice must send, in order (links first, then phone numbers).
SITUATION_ENTRIES = {
    "message": ["ap_data_breach_victim", "check_your_link", "fraudehelpdesk_phone"],
    "phone_call": ["ap_data_breach_victim", "check_your_link", "fraudehelpdesk_phone"],
    "impersonation": ["ap_data_breach_victim", "check_your_link", "fraudehelpdesk_phone"],
    "letter": ["ap_data_breach_victim", "bvo_website"],
    "misuse": ["rijksoverheid_identity_fraud_what_to_do", "police_report_internet_fraud", "cmi_phone"],
    "bsn": ["rvig_data_breach_bsn", "cmi_phone"],
    "access": ["ap_right_of_access"],
    "complaint": ["ap_tip_or_complaint", "bvo_website"],
    "police": ["police_report_internet_fraud", "rijksoverheid_identity_fraud_what_to_do",
               "police_non_emergency_phone", "emergency_phone"],
    "screening": ["rivm_cervical_screening"],
    "emergency": ["emergency_phone"],
}
CHECKLIST_ENTRIES = {
    "bsn": ["rvig_data_breach_bsn", "rijksoverheid_identity_fraud_what_to_do", "cmi_phone",
            "police_non_emergency_phone"],
    "address": ["rijksoverheid_identity_fraud_what_to_do", "emergency_phone", "cmi_phone",
                "police_non_emergency_phone"],
    "test_result": ["rivm_cervical_screening", "ap_data_breach_victim"],
    "contact": ["ap_data_breach_victim", "check_your_link", "fraudehelpdesk_phone"],
    "unknown": ["ap_data_breach_victim", "ap_right_of_access"],
}
# (took_part, since_2017, got_letter) -> response
AFFECTED_RESULTS = [
    (("no", None, None), "utter_affected_not_participated",
     ["rivm_cervical_screening", "bvo_website"]),
    (("yes", "yes", "yes"), "utter_affected_letter",
     ["rijksoverheid_identity_fraud_what_to_do", "bvo_website"]),
    (("unknown", None, "yes"), "utter_affected_letter",
     ["rijksoverheid_identity_fraud_what_to_do", "bvo_website"]),
    (("yes", "yes", "no"), "utter_affected_no_letter", ["ap_data_breach_victim", "bvo_website"]),
    (("yes", "yes", "unknown"), "utter_affected_no_letter", ["ap_data_breach_victim", "bvo_website"]),
    (("unknown", None, "no"), "utter_affected_no_letter", ["ap_data_breach_victim", "bvo_website"]),
    (("yes", "no", "no"), "utter_affected_before_2017", ["ap_data_breach_victim", "bvo_website"]),
    (("yes", "unknown", "unknown"), "utter_affected_before_2017", ["ap_data_breach_victim", "bvo_website"]),
]
URL_RE = re.compile(r"https://\S+")


def closing_events(slots, message=None):
    """The events just before a closing action: the user's last answer and the filled slots."""
    message = message or user_message("/choose", entities={})
    return [message] + [SlotSet(name, value) for name, value in slots.items()]


def expected_lines(ids, language="nl"):
    registry = load_registry()
    return [entry_line(registry.get(entry_id), language) for entry_id in ids]


def check_advice(domain, messages, response, ids, more):
    assert [m["response"] for m in messages] == [response, "utter_guidance_links", more]
    links = render(domain, messages[1])
    assert links["text"].splitlines()[1:] == expected_lines(ids)
    assert links["buttons"] == []
    assert len(links["text"].split()) <= 70
    links_sent = [load_registry().get(i) for i in ids if load_registry().get(i).is_link]
    assert not links_sent or links_sent[0].checked, "the first link must be a checked one"
    assert len(links_sent) <= 2
    advice = render(domain, messages[0])["text"]
    assert advice.strip().splitlines()[-1].startswith("Bron:")


def assert_flow_cleared(slots):
    assert set(slots) == set(FLOW_SLOTS)
    assert all(value is None for value in slots.values())


@pytest.mark.parametrize("situation", sorted(SITUATION_ENTRIES))
def test_each_situation_gets_its_advice_and_links(domain, domain_dict, situation):
    messages, slots = run(ActionShareGuidance(), domain, domain_dict,
                          closing_events({"situation": situation, "flow": "situation"}))
    check_advice(domain, messages, f"utter_situation_{situation}", SITUATION_ENTRIES[situation],
                 "utter_situation_more")
    assert_flow_cleared(slots)


def test_emergency_says_call_112_in_the_advice_itself(domain, domain_dict):
    messages, _ = run(ActionShareGuidance(), domain, domain_dict, closing_events({"situation": "emergency"}))
    assert "Bel direct 112" in render(domain, messages[0])["text"]


def test_every_situation_of_the_menu_is_covered():
    from actions.next_steps import load_flows
    assert set(load_flows().situations) == set(SITUATION_ENTRIES)
    assert set(load_flows().data_kinds) == set(CHECKLIST_ENTRIES)


def test_links_become_url_buttons_where_the_channel_opens_them(domain, domain_dict):
    message = user_message("/choose", entities={}, channel="facebook")
    messages, _ = run(ActionShareGuidance(), domain, domain_dict,
                      closing_events({"situation": "misuse"}, message))
    links = render(domain, messages[1], "facebook")
    registry = load_registry()
    assert [b["url"] for b in links["buttons"]] == [
        registry.get("rijksoverheid_identity_fraud_what_to_do").url,
        registry.get("police_report_internet_fraud").url]
    assert all(b["type"] == "web_url" for b in links["buttons"])
    assert not URL_RE.search(links["text"]), "links shown as buttons are not repeated as text"
    assert registry.get("cmi_phone").number in links["text"]


@pytest.mark.parametrize("kind", sorted(CHECKLIST_ENTRIES))
def test_each_kind_of_data_gets_its_checklist_and_links(domain, domain_dict, kind):
    messages, slots = run(ActionShareChecklist(), domain, domain_dict,
                          closing_events({"data_kind": kind, "flow": "checklist"}))
    check_advice(domain, messages, f"utter_checklist_{kind}", CHECKLIST_ENTRIES[kind], "utter_checklist_more")
    assert_flow_cleared(slots)


@pytest.mark.parametrize("answers,response,ids", AFFECTED_RESULTS)
def test_affected_check_explains_each_combination_of_answers(domain, domain_dict, answers, response, ids):
    slots = dict(zip(("took_part", "since_2017", "got_letter"), answers, strict=True))
    messages, events = run(ActionShareAffectedResult(), domain, domain_dict,
                           closing_events({**slots, "flow": "affected_check"}))
    check_advice(domain, messages, response, ids, "utter_affected_more")
    assert_flow_cleared(events)


@pytest.mark.parametrize("action", [ActionShareGuidance(), ActionShareChecklist(), ActionShareAffectedResult()])
def test_stop_ends_the_flow_without_advice(domain, domain_dict, action):
    messages, slots = run(action, domain, domain_dict,
                          closing_events({"flow_exit": "stop"}, user_message("laat maar", "something_else")))
    assert [m["response"] for m in messages] == ["utter_flow_stopped"]
    assert_flow_cleared(slots)


@pytest.mark.parametrize("action", [ActionShareGuidance(), ActionShareChecklist(), ActionShareAffectedResult()])
def test_another_question_ends_the_flow_and_is_answered(domain, domain_dict, action):
    question = user_message("Welke gegevens zijn gestolen?", "faq", faq_key="which_data")
    messages, slots = run(action, domain, domain_dict,
                          closing_events({"flow_exit": "question", "took_part": "yes"}, question))
    assert [m["response"] for m in messages] == ["utter_flow_left", "utter_faq/which_data"]
    assert "Bron:" in render(domain, messages[1])["text"]
    assert_flow_cleared(slots)


@pytest.mark.parametrize("intent,response", [("request_human", "utter_human"),
                                             ("medical_question", "utter_medical"),
                                             ("goodbye", "utter_goodbye")])
def test_other_intents_that_end_a_flow_get_their_usual_answer(domain, domain_dict, intent, response):
    messages, _ = run(ActionShareChecklist(), domain, domain_dict,
                      closing_events({"flow_exit": "question"}, user_message("...", intent)))
    assert [m["response"] for m in messages] == ["utter_flow_left", response]


def test_a_question_without_a_known_answer_just_stops(domain, domain_dict):
    question = user_message("???", "faq", faq_key="no_such_topic")
    messages, _ = run(ActionShareChecklist(), domain, domain_dict,
                      closing_events({"flow_exit": "question"}, question))
    assert [m["response"] for m in messages] == ["utter_flow_stopped"]


def test_english_conversation_gets_english_link_titles_where_known(domain, domain_dict):
    messages, _ = run(ActionShareGuidance(), domain, domain_dict,
                      closing_events({"situation": "message", "language": "en"}))
    lines = render(domain, messages[1])["text"].splitlines()[1:]
    registry = load_registry()
    assert lines[0] == entry_line(registry.get("ap_data_breach_victim_en"), "en")


@pytest.mark.parametrize("action", [ActionShareGuidance(), ActionShareChecklist(), ActionShareAffectedResult()])
def test_after_a_switch_the_new_flow_is_kept_and_nothing_is_said(domain, domain_dict, action):
    press = user_message('/choose{"flow":"checklist"}', entities={"flow": "checklist"})
    messages, slots = run(action, domain, domain_dict,
                          closing_events({"flow": "checklist", "flow_exit": "switch", "took_part": "yes"}, press))
    assert messages == []
    assert "flow" not in slots, "the rules start the flow kept in the flow slot"
    assert set(slots) == set(FLOW_SLOTS) - {"flow"} and all(v is None for v in slots.values())


# --- English conversations -------------------------------------------------------------

ENGLISH = {"language": "en"}


def check_english_advice(domain, messages, advice):
    """English advice ending in a Source line, English link lines, English follow-up with the same buttons."""
    from actions.next_steps import guidance_for
    registry = load_registry()
    assert messages[0]["response"] == advice.response
    text = render(domain, messages[0], slots=ENGLISH)["text"]
    assert text.strip().splitlines()[-1].startswith("Source:")
    assert text != render(domain, messages[0])["text"]
    lines = render(domain, messages[1], slots=ENGLISH)["text"].splitlines()
    assert lines == ["More help:"] + [entry_line(e, "en") for e in guidance_for(advice, registry, "en")]
    dutch_titles = {e.title["nl"] for e in registry.entries if e.title["nl"] != e.title["en"]}
    assert not [line for line in lines if any(line.startswith(f"{title}:") for title in dutch_titles)]
    more, more_nl = render(domain, messages[2], slots=ENGLISH), render(domain, messages[2])
    assert more["text"] != more_nl["text"]
    for button, dutch in zip(more["buttons"], more_nl["buttons"], strict=True):
        assert (button["payload"] == dutch["payload"]) is dutch["payload"].startswith("/"), button


@pytest.mark.parametrize("situation", sorted(SITUATION_ENTRIES))
def test_english_advice_and_links_for_each_situation(domain, domain_dict, situation):
    from actions.next_steps import load_flows
    messages, _ = run(ActionShareGuidance(), domain, domain_dict,
                      closing_events({"situation": situation, **ENGLISH}))
    check_english_advice(domain, messages, load_flows().situations[situation])


@pytest.mark.parametrize("kind", sorted(CHECKLIST_ENTRIES))
def test_english_checklist_and_links_for_each_kind_of_data(domain, domain_dict, kind):
    from actions.next_steps import load_flows
    messages, _ = run(ActionShareChecklist(), domain, domain_dict, closing_events({"data_kind": kind, **ENGLISH}))
    check_english_advice(domain, messages, load_flows().data_kinds[kind])


@pytest.mark.parametrize("answers,response,ids", AFFECTED_RESULTS)
def test_english_affected_check_result(domain, domain_dict, answers, response, ids):
    from actions.next_steps import affected_result, load_flows
    slots = dict(zip(("took_part", "since_2017", "got_letter"), answers, strict=True))
    messages, _ = run(ActionShareAffectedResult(), domain, domain_dict, closing_events({**slots, **ENGLISH}))
    check_english_advice(domain, messages, load_flows().affected_results[affected_result(
        *[value or "" for value in answers])])


def test_english_phone_lines_have_english_titles_and_opening_hours(domain, domain_dict):
    messages, _ = run(ActionShareGuidance(), domain, domain_dict, closing_events({"situation": "misuse", **ENGLISH}))
    lines = render(domain, messages[1], slots=ENGLISH)["text"].splitlines()
    assert "Central Identity Fraud Desk: 088 900 10 00 (Monday to Friday, 8:30 to 17:00)" in lines
    messages, _ = run(ActionShareGuidance(), domain, domain_dict,
                      closing_events({"situation": "emergency", **ENGLISH}))
    assert render(domain, messages[1], slots=ENGLISH)["text"].splitlines() == ["More help:", "Emergency number: 112"]
    assert "Call 112 straight away" in render(domain, messages[0], slots=ENGLISH)["text"]


def test_english_links_become_url_buttons_with_english_titles_on_facebook(domain, domain_dict):
    message = user_message("/choose", entities={}, channel="facebook")
    messages, _ = run(ActionShareGuidance(), domain, domain_dict,
                      closing_events({"situation": "misuse", **ENGLISH}, message))
    links = render(domain, messages[1], "facebook", slots=ENGLISH)
    registry = load_registry()
    assert [b["title"] for b in links["buttons"]] == [
        registry.get("rijksoverheid_identity_fraud_what_to_do").title["en"],
        registry.get("police_report_internet_fraud").title["en"]]
    assert links["text"].splitlines() == ["More help:", entry_line(registry.get("cmi_phone"), "en")]


@pytest.mark.parametrize("action", [ActionShareGuidance(), ActionShareChecklist(), ActionShareAffectedResult()])
def test_english_stop_and_other_question_answers_are_english(domain, domain_dict, action):
    messages, _ = run(action, domain, domain_dict,
                      closing_events({"flow_exit": "stop", **ENGLISH}, user_message("cancel", "something_else")))
    stopped = render(domain, messages[0], slots=ENGLISH)
    assert stopped["text"].startswith("All right, I will stop")
    assert [b["payload"] for b in stopped["buttons"]] == ["What should I do now?", "How do I recognise a fake message?"]
    question = user_message("What data was stolen?", "faq", faq_key="which_data")
    messages, _ = run(action, domain, domain_dict, closing_events({"flow_exit": "question", **ENGLISH}, question))
    assert render(domain, messages[0], slots=ENGLISH)["text"] == "I will stop the questions and answer your new question."
