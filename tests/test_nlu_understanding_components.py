"""The NLU components around the classifiers: question parts, feelings, follow-ups (real Message objects)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.shared.nlu.training_data.message import Message

from nlu_components.feelings import FeelingDetector
from nlu_components.followups import FollowupDetector
from nlu_components.questions import GROUP, PART_OF, QuestionCollector, QuestionSplitter


def message(text: str, intent: str = "faq", confidence: float = 0.9) -> Message:
    return Message(data={"text": text, "intent": {"name": intent, "confidence": confidence}})


def classify(messages: List[Message], results: Dict[str, Dict[str, Any]]) -> None:
    """Stands in for DIET and the ResponseSelector: sets intent and topic ranking per part text."""
    for item in messages:
        if item.get(PART_OF) is None:
            continue
        intent, topic, confidence = results[item.get("text")]
        item.set("intent", {"name": intent, "confidence": confidence})
        item.set("response_selector", {"faq": {"ranking": [
            {"intent_response_key": f"faq/{topic}", "confidence": confidence}]}})


def test_parts_are_added_after_their_message_then_collected_without_text():
    original = message("welk lab was het, en zijn mijn mail en telefoon weg?", "nlu_fallback", 0.4)
    single = message("welke gegevens zijn gestolen?")
    messages = QuestionSplitter().process([original, single])
    assert [m.get("text") for m in messages] == [original.get("text"), "welk lab was het",
                                                  "zijn mijn mail en telefoon weg?", single.get("text")]
    assert messages[1].get(PART_OF) == original.get(GROUP)
    classify(messages, {"welk lab was het": ("faq", "which_lab", 0.97),
                        "zijn mijn mail en telefoon weg?": ("faq", "email_phone", 0.99)})
    collected = QuestionCollector().process(messages)
    assert collected == [original, single]
    questions = original.as_dict(only_output_properties=True)["questions"]
    assert questions["count"] == 2
    assert [p["topics"][0]["topic"] for p in questions["parts"]] == ["which_lab", "email_phone"]
    assert "text" not in str(questions["parts"])
    assert original.get("intent")["name"] == "faq"  # was nlu_fallback: the answer action answers both
    assert single.get("questions") is None and GROUP not in original.data


def test_buttons_and_commands_are_never_split():
    command = message('/choose{"flow":"situation"}', "choose")
    assert QuestionSplitter().process([command]) == [command]


def test_a_language_request_keeps_its_intent():
    original = message("English please? and what happened?", "change_language", 0.9)
    messages = QuestionSplitter().process([original])
    classify(messages, {m.get("text"): ("faq", "what_happened", 0.9) for m in messages[1:]})
    QuestionCollector().process(messages)
    assert original.get("intent")["name"] == "change_language"


def test_urgent_messages_always_get_urgent_help():
    for text in ("ik wil niet meer leven", "mijn ex mag mijn adres niet weten", "betaal of we publiceren je uitslag"):
        item = message(text, "faq", 0.99)
        FeelingDetector().process([item])
        assert item.get("intent") == {"name": "urgent_help", "confidence": 1.0}
        assert item.get("feeling")["urgent"] is not None


def test_a_feeling_keeps_an_understood_question_and_replaces_a_fallback():
    question = message("ik ben zo bang, zijn mijn uitslagen gelekt?", "faq", 0.9)
    FeelingDetector().process([question])
    assert question.get("intent")["name"] == "faq" and question.get("feeling")["emotion"] == "fear"
    unclear = message("ik lig er wakker van", "nlu_fallback", 0.3)
    FeelingDetector().process([unclear])
    assert unclear.get("intent")["name"] == "express_emotion"
    neutral = message("welke gegevens zijn gestolen")
    FeelingDetector().process([neutral])
    assert neutral.get("feeling") is None


def test_follow_ups_are_marked_and_left_to_the_answer_action():
    follow = message("en mijn adres?", "nlu_fallback", 0.3)
    FollowupDetector().process([follow])
    assert follow.get("followup") is True and follow.get("intent")["name"] == "faq"
    person = message("en kan ik iemand spreken?", "request_human", 0.97)
    FollowupDetector().process([person])
    assert person.get("intent")["name"] == "request_human"
    plain = message("welke gegevens zijn gestolen?", "nlu_fallback", 0.3)
    FollowupDetector().process([plain])
    assert plain.get("followup") is None and plain.get("intent")["name"] == "nlu_fallback"


def test_the_question_of_a_long_letter_is_parsed_alone_too():
    letter = message("Geachte heer/mevrouw, ik heb uw brief ontvangen over het datalek en ik maak mij grote "
                     "zorgen over mijn gegevens. Wat moet ik precies doen?", "faq", 0.9)
    messages = QuestionSplitter().process([letter])
    # the question sentence alone, and the letter without salutation and without the clause of feeling
    assert [m.get("text") for m in messages[1:]] == ["Wat moet ik precies doen?", "Wat moet ik precies doen?"]
    classify(messages, {"Wat moet ik precies doen?": ("faq", "what_to_do", 0.95)})
    assert QuestionCollector().process(messages) == [letter]
    assert letter.as_dict(only_output_properties=True)["question_focus"]["topics"][0]["topic"] == "what_to_do"
    assert letter.get("questions") is None and letter.get("intent")["name"] == "faq"


def test_near_misses_become_out_of_scope_but_urgent_help_stays():
    from nlu_components.scope import ScopeDetector

    shares = message("wat doet het aandeel eurofins sinds de hack", "faq", 1.0)
    ScopeDetector().process([shares])
    assert shares.get("intent")["name"] == "out_of_scope" and shares.get("near_miss") == "company_or_place"
    urgent = message("mijn ex is gehackt bij odido en weet nu mijn adres", "urgent_help", 1.0)
    ScopeDetector().process([urgent])
    assert urgent.get("intent")["name"] == "urgent_help"
    plain = message("Wat heeft Eurofins ermee te maken?")
    ScopeDetector().process([plain])
    assert plain.get("near_miss") is None and plain.get("intent")["name"] == "faq"


def test_an_emotional_message_is_never_taken_for_thanks_or_feedback():
    for intent in ("thanks", "feedback_negative"):
        item = message("ik kan er niet van slapen en heb de hele tijd hartkloppingen", intent, 0.8)
        FeelingDetector().process([item])
        assert item.get("intent")["name"] == "express_emotion"


def test_a_feeling_that_asks_nothing_is_a_feeling_and_a_real_thank_you_stays_thanks():
    angry = message("ik ben zo kwaad op jullie", "faq", 0.9)
    FeelingDetector().process([angry])
    assert angry.get("intent")["name"] == "express_emotion"
    asking = message("ik ben zo kwaad, wie gaat dit onderzoeken?", "faq", 0.9)
    FeelingDetector().process([asking])
    assert asking.get("intent")["name"] == "faq"
    thanks = message("heel erg bedankt, ik was echt in paniek maar nu snap ik het", "thanks", 0.9)
    FeelingDetector().process([thanks])
    assert thanks.get("intent")["name"] == "thanks"


def test_an_unsure_request_for_a_person_that_is_a_follow_up_is_left_to_the_context():
    follow = message("telefoonnummers ook?", "request_human", 0.7)
    FollowupDetector().process([follow])
    assert follow.get("intent")["name"] == "faq"
    sure = message("en kan ik een mens spreken?", "request_human", 0.99)
    FollowupDetector().process([sure])
    assert sure.get("intent")["name"] == "request_human"


def test_an_unsure_small_talk_intent_on_a_follow_up_is_left_to_the_context():
    follow = message("wat bedoelen ze daarmee", "something_else", 0.62)
    FollowupDetector().process([follow])
    assert follow.get("intent")["name"] == "faq"
    bye = message("ok doei", "goodbye", 0.99)
    FollowupDetector().process([bye])
    assert bye.get("intent")["name"] == "goodbye"


def ranked(text: str, intent: str, confidence: float, topic_confidence: float) -> Message:
    item = message(text, intent, confidence)
    item.set("response_selector", {"faq": {"ranking": [
        {"intent_response_key": "faq/letter_not_received", "confidence": topic_confidence}]}})
    return item


def test_a_sure_topic_outweighs_an_unsure_intent_that_asks_nothing():
    from nlu_components.topic_override import TopicOverride

    cases = [
        (ranked("ik heb niks in de bus gehad hoor", "feedback_negative", 0.69, 1.0), "faq"),
        (ranked("nee", "feedback_negative", 0.99, 0.95), "feedback_negative"),  # sure feedback stays
        (ranked("zit mijn uitslag daar ook tussen", "out_of_scope", 0.64, 0.6), "out_of_scope"),  # unsure topic
        (ranked("ik wil nu iemand spreken", "request_human", 0.5, 0.99), "request_human"),  # never changed
        (ranked("brief?", "nlu_fallback", 0.55, 0.97), "faq"),
        (ranked("rijswijk?", "nlu_fallback", 0.55, 0.9), "nlu_fallback"),  # after a fallback: nearly certain only
    ]
    TopicOverride().process([item for item, _ in cases])
    assert [item.get("intent")["name"] for item, _ in cases] == [expected for _, expected in cases]
