"""The flows configuration (actions/data/flows.yml) agrees with the domain and the registry."""

from __future__ import annotations

import re

import pytest
import yaml

from actions.flow_validation import button_options, unescape_payload
from actions.guidance import ACTION_TOPICS
from actions.next_steps import FLOWS_FILE, affected_result, load_flows, parse_flows
from tests.conftest import ROOT
from tests.extract import PHONE_RE, URL_RE
from tests.flows_support import render


def raw_flows():
    return yaml.safe_load(FLOWS_FILE.read_text(encoding="utf-8"))


def test_every_advice_response_exists_ends_with_a_source_and_has_no_link_of_its_own(domain):
    flows = load_flows()
    for advice in [*flows.situations.values(), *flows.data_kinds.values(), *flows.affected_results.values()]:
        text = domain.responses[advice.response][0]["text"]
        assert text.strip().splitlines()[-1].startswith("Bron:"), advice.response
        assert not URL_RE.findall(text), f"{advice.response}: links come from the registry"


def test_only_the_emergency_advice_names_a_number_in_its_text(domain):
    flows = load_flows()
    for advice in [*flows.situations.values(), *flows.data_kinds.values()]:
        numbers = set(PHONE_RE.findall(domain.responses[advice.response][0]["text"]))
        assert numbers <= {"112"}, advice.response


@pytest.mark.parametrize("slot,section", [("situation", "situations"), ("data_kind", "data_kinds")])
def test_menu_buttons_and_configured_choices_are_the_same(domain, slot, section):
    values = [value for value, _ in button_options(domain.as_dict(), slot)]
    assert sorted(values) == sorted(getattr(load_flows(), section))
    assert len(values) == len(set(values))


def test_yes_no_questions_offer_yes_no_and_dont_know(domain):
    for slot in ("took_part", "since_2017", "got_letter"):
        assert [v for v, _ in button_options(domain.as_dict(), slot)] == ["yes", "no", "unknown"]
    assert set(load_flows().answers) == {"yes", "no", "unknown"}


def test_every_first_link_topic_has_a_checked_link():
    flows = load_flows()
    for advice in [*flows.situations.values(), *flows.data_kinds.values(), *flows.affected_results.values()]:
        assert not advice.link_topics or advice.link_topics[0] in ACTION_TOPICS, advice.key


@pytest.mark.parametrize("change,problem", [
    (lambda raw: raw["situations"]["bsn"].update(link_topics=["no_such_topic"]), "unknown topic 'no_such_topic'"),
    (lambda raw: raw["situations"]["bsn"].update(link_topics=["bvo_contact"]), "has no checked link"),
    (lambda raw: raw["data_kinds"]["bsn"].pop("response"), "missing 'response'"),
    (lambda raw: raw["answers"].pop("unknown"), "yes, no and unknown"),
    (lambda raw: raw["situations"]["access"].update(link_topics=[], phone_topics=[]), "needs link_topics"),
])
def test_broken_configuration_is_refused_with_a_clear_message(change, problem):
    raw = raw_flows()
    change(raw)
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse_flows(raw)


@pytest.mark.parametrize("answers,result", [
    (("no", "", ""), "not_participated"), (("yes", "yes", "yes"), "letter"), (("unknown", "", "yes"), "letter"),
    (("yes", "no", "no"), "before_2017"), (("yes", "unknown", "yes"), "letter"),
    (("yes", "yes", "no"), "no_letter"), (("unknown", "", "unknown"), "no_letter"),
])
def test_affected_result(answers, result):
    assert affected_result(*answers) == result


def test_entry_buttons_are_in_the_faq_answers(domain):
    def payloads(name):
        return [unescape_payload(b["payload"]) for b in domain.responses[name][0]["buttons"]]
    assert '/choose{"flow":"affected_check"}' in payloads("utter_faq/am_i_affected")
    assert '/choose{"flow":"checklist"}' in payloads("utter_faq/what_to_do")
    assert '/choose{"flow":"situation"}' in payloads("utter_faq/phishing")


def test_every_choose_payload_is_a_button_of_the_assistant(domain):
    """The typed-command guard only accepts the assistant's own payloads: every value a flow needs is one."""
    payloads = {unescape_payload(b["payload"]) for variations in domain.responses.values() for v in variations
                for b in v.get("buttons") or []}
    for flow in ("situation", "affected_check", "checklist"):
        assert f'/choose{{"flow":"{flow}"}}' in payloads
    flows = load_flows()
    for key in flows.situations:
        assert f'/choose{{"situation":"{key}"}}' in payloads
    for key in flows.data_kinds:
        assert f'/choose{{"data_kind":"{key}"}}' in payloads
    for key in flows.answers:
        assert f'/choose{{"answer":"{key}"}}' in payloads


def test_the_docs_describe_the_flows():
    readme = (ROOT / "docs" / "next-steps.md").read_text(encoding="utf-8")
    assert "# Personal next steps" in readme
    for name in ("situation_form", "affected_form", "checklist_form", "actions/data/flows.yml"):
        assert name in readme


@pytest.mark.parametrize("name", ["utter_ask_took_part", "utter_ask_situation", "utter_faq/what_to_do",
                                  "utter_checklist_more"])
def test_buttons_send_single_brace_commands_after_rasa_fills_placeholders(domain, name):
    sent = [b["payload"] for b in render(domain, {"response": name})["buttons"]]
    written = [unescape_payload(b["payload"]) for b in domain.responses[name][0]["buttons"]]
    assert sent == written
    assert any(re.fullmatch(r'/choose\{"[a-z_0-9]+":"[a-z_0-9]+"\}', p) for p in sent)


def test_choose_payloads_are_written_with_doubled_braces(domain):
    """Single braces would be read as a {placeholder}: Rasa logs an error for every such button."""
    raw = [b["payload"] for variations in domain.responses.values() for v in variations
           for b in v.get("buttons") or [] if b["payload"].startswith("/")]
    assert raw
    pair = r'"[a-z_0-9]+":"(?:[a-z_0-9]+|\{[a-z_]+\})"'
    assert all(re.fullmatch(rf'/[a-z_]+\{{\{{{pair}(?:,{pair})*\}}\}}', p) for p in raw), raw
