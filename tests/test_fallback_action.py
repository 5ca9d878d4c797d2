"""The two-stage fallback action, run against the real domain and trackers."""

from __future__ import annotations

import asyncio

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleFallback, consecutive_fallbacks
from actions.topics import load_catalogue
from tests.conftest import make_tracker, user_turn


def run_action(domain, domain_dict, turns):
    tracker = make_tracker(domain, turns)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleFallback().run(dispatcher, tracker, domain_dict))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def fallback_turn(text="iets vaags", ranking=(("which_lab", 0.4), ("lab_location", 0.3), ("eurofins", 0.1))):
    return [user_turn("nlu_fallback", text, 0.4, list(ranking)),
            ActionExecuted("action_handle_fallback"), BotUttered("..."), ActionExecuted("action_listen")]


def test_first_miss_suggests_the_two_likeliest_topics(domain, domain_dict):
    messages, slots = run_action(domain, domain_dict, [fallback_turn()])
    catalogue = load_catalogue()
    assert messages == []
    assert slots == {
        "fallback_stage": "suggest",
        "suggestion_1_title": catalogue.topics["which_lab"].title,
        "suggestion_1_question": catalogue.topics["which_lab"].question,
        "suggestion_2_title": catalogue.topics["lab_location"].title,
        "suggestion_2_question": catalogue.topics["lab_location"].question,
    }
    assert set(slots) <= {slot.name for slot in domain.slots}


def test_suggestion_response_shows_the_topics_as_buttons(domain, domain_dict):
    _, slots = run_action(domain, domain_dict, [fallback_turn()])
    tracker = DialogueStateTracker.from_events("u", [SlotSet(k, v) for k, v in slots.items()], domain.slots)
    message = asyncio.run(TemplatedNaturalLanguageGenerator(domain.responses).generate(
        "utter_fallback_suggest", tracker, "rest"))
    catalogue = load_catalogue()
    assert [b["payload"] for b in message["buttons"]] == [
        catalogue.topics["which_lab"].question,
        catalogue.topics["lab_location"].question,
        catalogue.extra["something_else"].question,
    ]
    assert message["buttons"][0]["title"] == catalogue.topics["which_lab"].title


def test_second_miss_in_a_row_gives_official_channels(domain, domain_dict):
    turns = [fallback_turn(),
             [user_turn("something_else", "iets anders"), ActionExecuted("utter_ask_rephrase")],
             fallback_turn("nog steeds vaag")]
    _, slots = run_action(domain, domain_dict, turns)
    assert slots == {"fallback_stage": "contact"}


def test_understood_turn_resets_the_streak(domain, domain_dict):
    turns = [fallback_turn(),
             [user_turn("faq", "Welk laboratorium is gehackt?", faq_ranking=[("which_lab", 0.9)]),
              ActionExecuted("utter_faq")],
             fallback_turn()]
    _, slots = run_action(domain, domain_dict, turns)
    assert slots["fallback_stage"] == "suggest"


def test_unknown_topics_in_ranking_are_skipped(domain, domain_dict):
    ranking = (("no_such_topic", 0.5), ("retest", 0.2), ("breast_cancer", 0.1))
    _, slots = run_action(domain, domain_dict, [fallback_turn(ranking=ranking)])
    assert slots["suggestion_1_question"] == load_catalogue().topics["retest"].question
    assert slots["suggestion_2_question"] == load_catalogue().topics["breast_cancer"].question


def test_without_a_ranking_it_asks_to_rephrase(domain, domain_dict):
    turns = [[user_turn("nlu_fallback", "???", 0.2), ActionExecuted("action_handle_fallback")]]
    _, slots = run_action(domain, domain_dict, turns)
    assert slots == {"fallback_stage": "rephrase"}


def test_consecutive_fallbacks_counts_only_the_current_streak():
    def user(intent):
        return {"event": "user", "parse_data": {"intent": {"name": intent}}}

    events = [user("nlu_fallback"), user("greet"), user("nlu_fallback"), user("something_else"),
              {"event": "bot"}, user("nlu_fallback")]
    assert consecutive_fallbacks(events) == 2
    assert consecutive_fallbacks([user("greet")]) == 0


# --- English conversations -------------------------------------------------------------

def english_catalogue(tmp_path, translated=("which_lab", "lab_location")):
    """The real topics.yml with English titles and questions for some topics (the rest stay Dutch)."""
    import yaml

    from actions.topics import TOPICS_FILE
    raw = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    for key in raw["topics"]:
        raw["topics"][key].pop("title_en", None)
        raw["topics"][key].pop("question_en", None)
    english = {"which_lab": ("Which lab?", "Which laboratory was hacked?"),
               "lab_location": ("Where is the lab?", "Where is the laboratory?")}
    for key in translated:
        raw["topics"][key]["title_en"], raw["topics"][key]["question_en"] = english[key]
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_catalogue.__wrapped__(path)


def english_turn(text="something vague"):
    return [SlotSet("language", "en"), *fallback_turn(text)]


def test_english_conversation_gets_english_suggestions(domain, domain_dict, tmp_path, monkeypatch):
    monkeypatch.setattr("actions.fallback.load_catalogue", lambda: english_catalogue(tmp_path))
    _, slots = run_action(domain, domain_dict, [english_turn()])
    assert slots == {
        "fallback_stage": "suggest",
        "suggestion_1_title": "Which lab?", "suggestion_1_question": "Which laboratory was hacked?",
        "suggestion_2_title": "Where is the lab?", "suggestion_2_question": "Where is the laboratory?",
    }


def test_english_suggestion_response_is_english_with_the_english_buttons(domain, domain_dict, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setattr("actions.fallback.load_catalogue", lambda: english_catalogue(tmp_path))
    _, slots = run_action(domain, domain_dict, [english_turn()])
    events = [SlotSet("language", "en")] + [SlotSet(k, v) for k, v in slots.items()]
    tracker = DialogueStateTracker.from_events("u", events, domain.slots)
    message = asyncio.run(TemplatedNaturalLanguageGenerator(domain.responses).generate(
        "utter_fallback_suggest", tracker, "rest"))
    assert message["text"].startswith("I am not sure what you mean.")
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Which lab?", "Which laboratory was hacked?"), ("Where is the lab?", "Where is the laboratory?"),
        ("Something else", "Something else")]


def test_a_topic_without_english_is_suggested_in_dutch(domain, domain_dict, tmp_path, monkeypatch):
    monkeypatch.setattr("actions.fallback.load_catalogue",
                        lambda: english_catalogue(tmp_path, translated=("which_lab",)))
    _, slots = run_action(domain, domain_dict, [english_turn()])
    dutch = load_catalogue().topics["lab_location"]
    assert (slots["suggestion_1_title"], slots["suggestion_2_title"]) == ("Which lab?", dutch.title)
    assert slots["suggestion_2_question"] == dutch.question


def test_dutch_conversation_keeps_dutch_suggestions_when_english_exists(domain, domain_dict, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setattr("actions.fallback.load_catalogue", lambda: english_catalogue(tmp_path))
    _, slots = run_action(domain, domain_dict, [fallback_turn()])
    assert slots["suggestion_1_title"] == load_catalogue().topics["which_lab"].title
    assert slots["suggestion_1_question"] == load_catalogue().topics["which_lab"].question


def test_english_suggestions_with_the_real_catalogue(domain, domain_dict):
    """Whatever topics.yml holds: English where the topic has it, Dutch where not."""
    _, slots = run_action(domain, domain_dict, [english_turn()])
    topic = load_catalogue().topics["which_lab"]
    assert slots["suggestion_1_title"] == (topic.title_en or topic.title)
    assert slots["suggestion_1_question"] == (topic.question_en or topic.question)
