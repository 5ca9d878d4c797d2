"""Form validators of the next-steps flows: buttons, typed choices, stop, other questions, no personal data."""

from __future__ import annotations

import re

import pytest
import yaml

from actions.flow_validation import (
    ValidateAffectedForm,
    ValidateChecklistForm,
    ValidateSituationForm,
    button_options,
)
from tests.conftest import ROOT
from tests.flows_support import in_form, run, user_message

FORM_SLOTS = {"situation_form": ["situation"], "affected_form": ["took_part", "since_2017", "got_letter"],
              "checklist_form": ["data_kind"]}
VALIDATORS = {"situation_form": ValidateSituationForm(), "affected_form": ValidateAffectedForm(),
              "checklist_form": ValidateChecklistForm()}
SLOT_FORM = {slot: form for form, slots in FORM_SLOTS.items() for slot in slots}
# Personal data the assistant never asks for (Dutch and English words).
PERSONAL_DATA_RE = re.compile(
    r"\b(bsn|burgerservicenummer|naam|adres|geboortedatum|postcode|telefoonnummer|e-?mailadres|"
    r"persoonsgegevens|rekeningnummer|identiteitsbewijs|citizen service number|name|address|date of birth|"
    r"postal code|phone number|e-?mail address|personal data|account number|ID)\b", re.IGNORECASE)
NEGATION_RE = re.compile(r"\b(nooit|niet|geen|never|not|no)\b", re.IGNORECASE)


def validate(domain, domain_dict, slot, text, value=None, intent="choose", entities=None, earlier=None,
             faq_key=None):
    """Runs the slot's form validator after the user answered ``text`` (mapped to ``value`` or the text)."""
    form = SLOT_FORM[slot]
    message = user_message(text, intent, entities=entities, faq_key=faq_key)
    events = in_form(form, slot, message, value if value is not None else text, earlier)
    return run(VALIDATORS[form], domain, domain_dict, events)


# --- buttons -------------------------------------------------------------------

@pytest.mark.parametrize("slot,value", [("took_part", "yes"), ("since_2017", "no"), ("got_letter", "unknown"),
                                        ("situation", "emergency"), ("data_kind", "test_result")])
def test_a_button_value_is_accepted_as_is(domain, domain_dict, slot, value):
    messages, slots = validate(domain, domain_dict, slot, '/choose{...}', value=value)
    assert slots[slot] == value
    assert messages == []


# --- typed choices --------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("ja", "yes"), ("Ja hoor!", "yes"), ("jaa", "yes"), ("klopt", "yes"), ("1", "yes"), ("de eerste", "yes"),
    ("nee", "no"), ("Neee", "no"), ("nooit", "no"), ("2", "no"), ("optie 2", "no"), ("tweede", "no"),
    ("weet ik niet", "unknown"), ("geen idee", "unknown"), ("nee, weet ik niet meer", "unknown"),
    ("3", "unknown"), ("weet ik nie", "unknown"),
])
def test_typed_yes_no_answers_are_mapped(domain, domain_dict, text, expected):
    _, slots = validate(domain, domain_dict, "got_letter", text, earlier={"took_part": "yes", "since_2017": "yes"})
    assert slots["got_letter"] == expected


@pytest.mark.parametrize("text,expected", [
    ("ik kreeg een rare sms", "message"),
    ("een vage mail met een link", "message"),
    ("whatsap bericht", "message"),
    ("ik werd gebeld", "phone_call"),
    ("iemand belde en zei dat hij van de bank was", "impersonation"),
    ("beller zegt van de zorgverzekeraar te zijn", "impersonation"),
    ("er staat iemand aan de deur voor mijn bankpas", "emergency"),
    ("Vreemde brief", "letter"),
    ("iemand heeft een abonnement op mijn naam afgesloten", "misuse"),
    ("burgerservicenummer", "bsn"),
    ("inzage", "access"),
    ("klagt indienen", "complaint"),
    ("aangifte", "police"),
    ("blijven meedoen", "screening"),
    ("1", "message"), ("3", "impersonation"), ("optie 11", "emergency"), ("de vierde", "letter"),
])
def test_typed_situations_are_mapped(domain, domain_dict, text, expected):
    _, slots = validate(domain, domain_dict, "situation", text)
    assert slots["situation"] == expected


@pytest.mark.parametrize("text,expected", [
    ("BSN", "bsn"), ("mijn burgerservicenumer", "bsn"), ("adres", "address"), ("mijn geboortedatum", "address"),
    ("testuitslag", "test_result"), ("de uitslag", "test_result"), ("e-mail", "contact"),
    ("telefoonummer", "contact"), ("weet ik niet", "unknown"), ("5", "unknown"), ("2", "address"),
])
def test_typed_kinds_of_data_are_mapped(domain, domain_dict, text, expected):
    _, slots = validate(domain, domain_dict, "data_kind", text)
    assert slots["data_kind"] == expected


@pytest.mark.parametrize("slot,text", [("took_part", "banaan"), ("took_part", "ja nee"), ("situation", "12"),
                                       ("data_kind", "0"), ("situation", "hmm")])
def test_unclear_text_is_asked_again_politely(domain, domain_dict, slot, text):
    messages, slots = validate(domain, domain_dict, slot, text)
    assert slots == {slot: None}
    assert [m["response"] for m in messages] == ["utter_choice_unclear"]


@pytest.mark.parametrize("slot,text", [("took_part", "mijn bsn is 123456782"),
                                       ("got_letter", "Jansen, Dorpsstraat 1, 1234 AB"),
                                       ("data_kind", "01-02-1970"),
                                       ("data_kind", "mijn bsn is 123456782")])
def test_typed_personal_data_is_never_kept(domain, domain_dict, slot, text):
    _, slots = validate(domain, domain_dict, slot, text, earlier={"took_part": "yes", "since_2017": "yes"})
    values = {value for value, _ in button_options(domain.as_dict(), slot)}
    assert slots[slot] is None or slots[slot] in values
    assert not any(isinstance(v, str) and re.search(r"\d{4}", v) for v in slots.values())


# --- which questions the check asks ----------------------------------------------

def test_no_to_taking_part_ends_the_check(domain, domain_dict):
    _, slots = validate(domain, domain_dict, "took_part", "nee")
    assert slots == {"took_part": "no", "requested_slot": None}


def test_dont_know_skips_the_question_about_2017(domain, domain_dict):
    _, slots = validate(domain, domain_dict, "took_part", "weet ik niet")
    assert slots == {"took_part": "unknown", "requested_slot": "got_letter"}


def test_yes_asks_all_three_questions(domain, domain_dict):
    _, slots = validate(domain, domain_dict, "took_part", "ja")
    assert slots == {"took_part": "yes"}  # Rasa asks the next domain slot, since_2017


# --- leaving a form ----------------------------------------------------------------

@pytest.mark.parametrize("slot,text,intent", [("took_part", "stop", "nlu_fallback"),
                                              ("since_2017", "laat maar", "something_else"),
                                              ("situation", "Stoppen!", "goodbye"),
                                              ("data_kind", "laat maar zitten", "something_else"),
                                              ("got_letter", "stopp", "nlu_fallback")])
def test_stop_ends_the_form(domain, domain_dict, slot, text, intent):
    messages, slots = validate(domain, domain_dict, slot, text, intent=intent)
    assert slots == {slot: None, "flow_exit": "stop", "requested_slot": None}
    assert messages == []


@pytest.mark.parametrize("slot", ["took_part", "situation", "data_kind"])
def test_another_question_ends_the_form(domain, domain_dict, slot):
    messages, slots = validate(domain, domain_dict, slot, "Hoeveel mensen zijn getroffen?", intent="faq",
                               faq_key="how_many")
    assert slots == {slot: None, "flow_exit": "question", "requested_slot": None}
    assert messages == []


def test_a_long_question_with_a_stop_word_is_a_question_not_a_stop(domain, domain_dict):
    _, slots = validate(domain, domain_dict, "got_letter", "Moet ik stoppen met het bevolkingsonderzoek?",
                        intent="faq", faq_key="keep_participating", earlier={"took_part": "yes"})
    assert slots["flow_exit"] == "question"


# --- no personal data asked -------------------------------------------------------

def requests_personal_data(text: str) -> bool:
    """A sentence that names personal data without saying it is not needed or must not be typed."""
    sentences = re.split(r"(?<=[.?!:])\s+", text)
    return any(PERSONAL_DATA_RE.search(s) and not NEGATION_RE.search(s) for s in sentences)


def test_the_personal_data_scan_can_fail():
    assert requests_personal_data("Wat is uw geboortedatum?")
    assert requests_personal_data("Typ uw BSN hieronder. Dan kijk ik het na.")
    assert not requests_personal_data("Ik vraag nooit naar uw BSN. Typ het hier niet.")
    assert requests_personal_data("What is your date of birth?")
    assert requests_personal_data("Type your BSN below. Then I will check it.")
    assert not requests_personal_data("I never ask for your BSN. Do not type it here.")


def form_responses(domain):
    names = [f"utter_ask_{slot}" for slot in SLOT_FORM] + ["utter_affected_intro", "utter_choice_unclear"]
    for name in names:
        for variation in domain.responses[name]:
            yield name, variation


def test_no_form_question_asks_for_personal_data(domain):
    found = [(name, v["text"]) for name, v in form_responses(domain) if requests_personal_data(v["text"])]
    assert not found


def test_no_question_of_the_flows_asks_for_personal_data(domain):
    own = yaml.safe_load((ROOT / "data" / "responses" / "guidance.yml").read_text(encoding="utf-8"))["responses"]
    for name in own:
        for variation in domain.responses[name]:
            questions = [s for s in re.split(r"(?<=[.?!:])\s+", variation["text"]) if s.endswith("?")]
            assert not [q for q in questions if requests_personal_data(q)], name


def test_the_check_says_which_data_it_never_asks_and_why(domain):
    intro = domain.responses["utter_affected_intro"][0]["text"]
    assert re.search(r"nooit naar uw BSN, naam, geboortedatum of adres", intro)
    assert "niet nodig" in intro and "niet nakijken" in intro


def test_form_slots_keep_only_option_values(domain):
    """Every form slot is filled from a button entity or typed text, and only for its own form."""
    for slot_name, form in SLOT_FORM.items():
        slot = next(s for s in domain.slots if s.name == slot_name)
        types = [m["type"] for m in slot.mappings]
        assert types == ["from_entity", "from_text"], slot_name
        for mapping in slot.mappings:
            assert mapping["conditions"] == [{"active_loop": form, "requested_slot": slot_name}]
        assert not slot.influence_conversation
    assert set(FORM_SLOTS) == set(domain.forms)
    assert {s for slots in FORM_SLOTS.values() for s in slots} == {
        s for form in domain.forms.values() for s in form["required_slots"]}


@pytest.mark.parametrize("slot,flow", [("took_part", "checklist"), ("situation", "affected_check"),
                                       ("data_kind", "checklist")])
def test_the_button_of_another_flow_ends_the_form(domain, domain_dict, slot, flow):
    payload = f'/choose{{"flow":"{flow}"}}'
    messages, slots = validate(domain, domain_dict, slot, payload, entities={"flow": flow})
    assert slots == {slot: None, "flow_exit": "switch", "requested_slot": None}
    assert messages == []


def test_an_answer_left_from_an_earlier_session_is_dropped_when_the_form_starts(domain, domain_dict):
    """Slots carry over to a new session; a form that starts again must ask again, not reuse them."""
    from rasa.shared.core.events import ActiveLoop, SlotSet
    press = user_message('/choose{"flow":"affected_check"}', entities={"flow": "affected_check"})
    events = [SlotSet("took_part", "yes"), press, SlotSet("flow", "affected_check"),
              ActiveLoop("affected_form"), SlotSet("took_part", "yes")]
    messages, slots = run(ValidateAffectedForm(), domain, domain_dict, events)
    assert slots["took_part"] is None
    assert "flow_exit" not in slots
    assert messages == []


@pytest.mark.parametrize("slot,text,faq_key", [
    ("situation", "Welke gegevens zijn gestolen?", "which_data"),
    ("situation", "Wordt er onderzoek gedaan naar de hack?", "investigation"),
    ("data_kind", "Welk nummer kan ik bellen?", "report_fraud"),
    ("took_part", "Wanneer komt de brief?", "letter_when"),
])
def test_common_faq_questions_typed_during_a_form_are_not_read_as_a_choice(domain, domain_dict, slot, text,
                                                                           faq_key):
    _, slots = validate(domain, domain_dict, slot, text, intent="faq", faq_key=faq_key)
    assert slots["flow_exit"] == "question"


# --- English conversations -------------------------------------------------------------

ENGLISH = {"language": "en"}


@pytest.mark.parametrize("text,expected", [
    ("yes", "yes"), ("Yeah!", "yes"), ("Yes", "yes"), ("I did", "yes"), ("of course", "yes"), ("yess", "yes"),
    ("no", "no"), ("Nope", "no"), ("never", "no"), ("I did not", "no"), ("I didn't", "no"),
    ("Don't know", "unknown"), ("I don't know", "unknown"), ("dont know", "unknown"), ("not sure", "unknown"),
    ("no idea", "unknown"), ("I can't remember", "unknown"),
    ("the first one", "yes"), ("2nd", "no"), ("the second one", "no"), ("option 3", "unknown"),
    ("third", "unknown"), ("three", "unknown"),
])
def test_typed_english_yes_no_answers_are_mapped(domain, domain_dict, text, expected):
    _, slots = validate(domain, domain_dict, "got_letter", text,
                        earlier={**ENGLISH, "took_part": "yes", "since_2017": "yes"})
    assert slots["got_letter"] == expected


@pytest.mark.parametrize("text,expected", [
    ("I got a strange text message", "message"),
    ("a weird e-mail with a link", "message"),
    ("someone called me", "phone_call"),
    ("a caller said he was from my bank", "impersonation"),
    ("someone claims to be from my health insurer", "impersonation"),
    ("someone is at my door to collect my bank card", "emergency"),
    ("Strange letter", "letter"),
    ("someone took out a loan in my name", "misuse"),
    ("citizen service number", "bsn"),
    ("Worried about my BSN", "bsn"),
    ("right of access", "access"),
    ("I want to make a complaint", "complaint"),
    ("report to the police", "police"),
    ("keep taking part", "screening"),
    ("the fourth one", "letter"), ("11th", "emergency"), ("option 2", "phone_call"), ("the 3rd", "impersonation"),
])
def test_typed_english_situations_are_mapped(domain, domain_dict, text, expected):
    _, slots = validate(domain, domain_dict, "situation", text, earlier=ENGLISH)
    assert slots["situation"] == expected


@pytest.mark.parametrize("text,expected", [
    ("BSN", "bsn"), ("date of birth", "address"), ("my home address", "address"), ("Test result", "test_result"),
    ("my results", "test_result"), ("my phone number", "contact"), ("e-mail address", "contact"),
    ("Don't know", "unknown"), ("everything", "unknown"), ("the fifth", "unknown"), ("2nd", "address"),
])
def test_typed_english_kinds_of_data_are_mapped(domain, domain_dict, text, expected):
    _, slots = validate(domain, domain_dict, "data_kind", text, earlier=ENGLISH)
    assert slots["data_kind"] == expected


@pytest.mark.parametrize("slot,text,intent", [("took_part", "cancel", "nlu_fallback"),
                                              ("since_2017", "never mind", "something_else"),
                                              ("situation", "Quit!", "goodbye"),
                                              ("data_kind", "forget it", "something_else"),
                                              ("got_letter", "stop please", "nlu_fallback")])
def test_english_stop_words_end_the_form(domain, domain_dict, slot, text, intent):
    messages, slots = validate(domain, domain_dict, slot, text, intent=intent,
                               earlier={**ENGLISH, "took_part": "yes", "since_2017": "yes"})
    assert slots == {slot: None, "flow_exit": "stop", "requested_slot": None}
    assert messages == []


@pytest.mark.parametrize("slot,text", [("took_part", "banana"), ("situation", "hmm"), ("data_kind", "one")])
def test_unclear_english_text_is_asked_again(domain, domain_dict, slot, text):
    messages, slots = validate(domain, domain_dict, slot, text, earlier=ENGLISH)
    assert slots == {slot: None}
    assert [m["response"] for m in messages] == ["utter_choice_unclear"]


@pytest.mark.parametrize("slot,text,faq_key", [
    ("situation", "What data was stolen?", "which_data"),
    ("situation", "Is there an investigation into the hack?", "investigation"),
    ("data_kind", "Which number can I call?", "report_fraud"),
    ("took_part", "When will the letter arrive?", "letter_when"),
    ("took_part", "How many people are affected?", "how_many"),
    ("got_letter", "Do I have to stop taking part in the screening?", "keep_participating"),
])
def test_common_english_faq_questions_typed_during_a_form_are_not_read_as_a_choice(domain, domain_dict, slot,
                                                                                   text, faq_key):
    _, slots = validate(domain, domain_dict, slot, text, intent="faq", faq_key=faq_key, earlier=ENGLISH)
    assert slots["flow_exit"] == "question"


def test_english_button_titles_are_typed_answers_in_the_same_order(domain):
    """Typed numbers count the buttons: the English ask responses list the same options in the same order."""
    from actions.flow_validation import titles_in_other_languages
    for slot in SLOT_FORM:
        english = titles_in_other_languages(domain.as_dict(), slot)
        assert list(english) == [value for value, _ in button_options(domain.as_dict(), slot)], slot
        assert all(len(titles) == 1 for titles in english.values()), slot
