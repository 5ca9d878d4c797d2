"""What the answer to one message consists of (actions/reply_plan.py): pure decisions."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.reply_plan import ANAPHORIC, ELLIPTIC, plan_reply

Ranking = Sequence[Tuple[str, float]]


def parse(intent: str = "faq", confidence: float = 0.99, topics: Ranking = (), text: str = "vraag",
          parts: Optional[List[Dict[str, Any]]] = None, count: int = 0,
          feeling: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    data: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": confidence}}
    if topics:
        data["response_selector"] = {"faq": {"ranking": [
            {"intent_response_key": f"faq/{key}", "confidence": conf} for key, conf in topics]}}
    if parts is not None:
        data["questions"] = {"count": count or len(parts), "parts": parts}
    if feeling:
        data["feeling"] = feeling
    return data


def part(intent: str, topic: str, confidence: float = 0.95, topic_confidence: float = 0.9) -> Dict[str, Any]:
    return {"intent": intent, "confidence": confidence, "topics": [{"topic": topic, "confidence": topic_confidence}]}


def test_a_plain_question_gets_its_faq_answer():
    plan = plan_reply(parse(topics=[("which_data", 0.9), ("how_many", 0.05)]), [], None)
    assert plan.responses == ["utter_faq/which_data"]
    assert plan.topics == ["which_data"]


def test_several_questions_get_their_answers_in_order():
    message = parse(topics=[("when_hack", 0.4)], parts=[part("faq", "when_hack"), part("faq", "how_many")])
    assert plan_reply(message, [], None).responses == ["utter_faq/when_hack", "utter_faq/how_many"]


def test_at_most_three_answers_and_a_note_for_the_rest():
    parts = [part("faq", t) for t in ("how_many", "when_hack", "which_lab", "what_to_do")]
    plan = plan_reply(parse(topics=[("how_many", 0.3)], parts=parts), [], None)
    assert plan.responses == ["utter_faq/how_many", "utter_faq/when_hack", "utter_faq/which_lab",
                              "utter_more_questions"]


def test_the_same_topic_twice_is_answered_once():
    parts = [part("faq", "which_data"), part("faq", "which_data"), part("faq", "email_phone")]
    assert plan_reply(parse(parts=parts), [], None).responses == ["utter_faq/which_data", "utter_faq/email_phone"]


def test_unsure_parts_are_left_out_and_one_understood_part_means_the_whole_message_decides():
    parts = [part("faq", "which_data"), part("nlu_fallback", "fraud_alert", 0.55, 0.2)]
    plan = plan_reply(parse(topics=[("access_data", 0.8)], parts=parts), [], None)
    assert plan.responses == ["utter_faq/access_data"]


def test_a_bare_question_word_part_counts_when_its_topic_is_sure():
    parts = [part("faq", "how_many"), part("nlu_fallback", "when_hack", 0.55, 0.92)]
    assert plan_reply(parse(parts=parts), [], None).responses == ["utter_faq/how_many", "utter_faq/when_hack"]


def test_a_medical_part_gets_the_gp_answer():
    parts = [part("faq", "results_valid"), part("medical_question", "results_valid", 0.9)]
    assert plan_reply(parse(parts=parts), [], None).responses == ["utter_faq/results_valid", "utter_medical"]


def test_urgent_help_comes_alone():
    for kind, response in (("suicide", "utter_distress_113"), ("threat", "utter_threat_police"),
                           ("blackmail", "utter_blackmail")):
        message = parse(intent="urgent_help", topics=[("which_data", 0.9)],
                        feeling={"urgent": kind, "emotion": "fear"})
        assert plan_reply(message, [], None).responses == [response]


def test_a_feeling_gets_a_kind_sentence_before_the_answer():
    message = parse(topics=[("compensation", 0.9)], feeling={"urgent": None, "emotion": "anger"},
                    text="belachelijk, wie betaalt mijn schade?")
    assert plan_reply(message, [], None).responses == ["utter_ack_anger", "utter_faq/compensation"]


def test_a_feeling_without_any_question_gets_the_advice_even_when_a_topic_is_likely():
    message = parse(topics=[("letter_not_received", 0.65)], feeling={"urgent": None, "emotion": "fear"},
                    text="ik slaap al nachten niet sinds die brief")
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_emotion_fear_advice"]


def test_a_feeling_without_a_clear_question_gets_advice_not_a_quiz_or_a_faq():
    for emotion in ("fear", "anger", "grief"):
        only = parse(intent="express_emotion", feeling={"urgent": None, "emotion": emotion})
        assert plan_reply(only, [], None).responses == [f"utter_ack_{emotion}", f"utter_emotion_{emotion}_advice"]
        unsure = parse(topics=[("change_bsn", 0.2), ("which_data", 0.18)], feeling={"emotion": emotion})
        assert plan_reply(unsure, [], None).responses == [f"utter_ack_{emotion}", f"utter_emotion_{emotion}_advice"]


def test_an_unclear_question_between_close_topics_gets_a_clarifying_question():
    plan = plan_reply(parse(topics=[("letter_when", 0.2), ("letter_meaning", 0.15), ("how_many", 0.05)]), [], None)
    assert plan.responses == ["utter_clarify"]
    assert plan.clarify == ["letter_when", "letter_meaning"]


def test_a_clear_question_never_gets_a_clarifying_question():
    plan = plan_reply(parse(topics=[("letter_when", 0.55), ("letter_meaning", 0.45)]), [], None)
    assert plan.responses[0] == "utter_faq/letter_when"
    assert not plan.clarify


def test_a_follow_up_without_its_own_topic_gets_the_previous_topic():
    message = parse(intent="nlu_fallback", confidence=0.4, topics=[("when_informed", 0.3)], text="waarom niet?")
    assert plan_reply(message, ["change_bsn"], ANAPHORIC).responses == ["utter_faq/change_bsn"]


def test_a_follow_up_that_names_its_own_topic_gets_that_topic():
    message = parse(topics=[("email_phone", 0.9)], text="en mijn telefoonnummer?")
    assert plan_reply(message, ["which_data"], ELLIPTIC).responses == ["utter_faq/email_phone"]
    asked_person = parse(intent="request_human", confidence=0.8, topics=[("email_phone", 0.9)])
    assert plan_reply(asked_person, ["which_data"], ELLIPTIC).responses == ["utter_faq/email_phone"]


def test_a_pointing_back_follow_up_keeps_the_previous_topic_unless_nearly_certain():
    message = parse(topics=[("how_many", 0.85)], text="hoe groot is die groep?")
    assert plan_reply(message, ["email_phone"], ANAPHORIC).responses == ["utter_faq/email_phone"]
    certain = parse(topics=[("breast_cancer", 0.99)], text="en dat borstkankeronderzoek dan?")
    assert plan_reply(certain, ["retest"], ANAPHORIC).responses == ["utter_faq/breast_cancer"]


def test_a_follow_up_with_nothing_before_it_is_asked_again():
    message = parse(topics=[("when_informed", 0.2)], text="waarom?")
    assert plan_reply(message, [], ANAPHORIC).responses == ["utter_ask_rephrase"]


def test_near_misses_say_what_the_assistant_can_do():
    assert plan_reply(parse(intent="out_of_scope"), [], None).responses == ["utter_out_of_scope"]
    assert plan_reply(parse(intent="medical_question"), [], None).responses == ["utter_medical"]
    assert plan_reply(parse(intent="request_human"), [], None).responses == ["utter_human"]


def test_the_reply_is_never_empty():
    assert plan_reply({}, [], None).responses == ["utter_ask_rephrase"]


def test_the_question_sentence_of_a_long_letter_decides_when_the_whole_is_unsure():
    message = parse(topics=[("what_happened", 0.25), ("letter_meaning", 0.2)])
    message["question_focus"] = {"intent": "faq", "confidence": 0.99, "topics": [
        {"topic": "what_to_do", "confidence": 0.93}]}
    assert plan_reply(message, [], None).responses == ["utter_faq/what_to_do"]
    sure = parse(topics=[("phishing", 0.8)])
    sure["question_focus"] = message["question_focus"]
    assert plan_reply(sure, [], None).responses == ["utter_faq/phishing"]


def test_a_near_miss_gets_its_own_answer_and_nothing_else():
    parts = [part("faq", "eurofins"), part("faq", "measures")]
    other = parse(intent="out_of_scope", topics=[("am_i_affected", 0.9)], parts=parts)
    other["near_miss"] = "other_breach"
    assert plan_reply(other, [], None).responses == ["utter_out_of_scope_other_breach"]
    shares = parse(intent="out_of_scope", topics=[("eurofins", 0.97)])
    shares["near_miss"] = "company_or_place"
    assert plan_reply(shares, [], None).responses == ["utter_out_of_scope"]


def test_what_should_i_do_after_a_specific_situation_gets_that_situations_steps():
    message = parse(topics=[("identity_fraud", 0.4), ("what_to_do", 0.3)],
                    text="Someone took out a loan in my name. What do I do?")
    message["question_focus"] = {"intent": "faq", "confidence": 0.99,
                                 "topics": [{"topic": "what_to_do", "confidence": 0.95}]}
    assert plan_reply(message, [], None).responses == ["utter_faq/identity_fraud"]
    follow = parse(topics=[("what_to_do", 0.9)], text="wat moet ik als eerste doen")
    assert plan_reply(follow, ["identity_fraud"], None).responses == ["utter_faq/identity_fraud"]
    assert plan_reply(follow, ["which_data"], None).responses == ["utter_faq/what_to_do"]
    assert plan_reply(follow, [], None).responses == ["utter_faq/what_to_do"]


def test_a_medical_question_recognised_by_its_words_goes_to_the_gp():
    message = parse(intent="medical_question", topics=[("test_results_leaked", 0.8)])
    message["near_miss"] = "medical"
    assert plan_reply(message, [], None).responses == ["utter_medical"]


def test_a_feeling_with_a_question_is_answered_even_when_the_classifier_saw_only_the_feeling():
    message = parse(intent="express_emotion", topics=[("results_valid", 0.43)],
                    feeling={"urgent": None, "emotion": "fear"},
                    text="ik ben zo bang dat mijn uitslag nu niet meer klopt, moet ik opnieuw?")
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_faq/results_valid"]


def calm(topic: str, confidence: float, words: int = 9, intent: str = "faq") -> Dict[str, Any]:
    return {"intent": intent, "confidence": 0.99, "topics": [{"topic": topic, "confidence": confidence}],
            "words": words}


def test_a_worry_read_without_its_feeling_is_answered_when_that_reading_is_clear():
    message = parse("express_emotion", 0.9, [("test_results_leaked", 0.28), ("retest", 0.1)],
                    text="ik ben echt in paniek, straks weet iedereen dat ik een afwijkende uitslag had",
                    feeling={"emotion": "fear"})
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_emotion_fear_advice"]
    message["calm_focus"] = calm("test_results_leaked", 0.97)
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_faq/test_results_leaked"]
    message["calm_focus"] = calm("test_results_leaked", 0.5)  # unsure: the advice stays
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_emotion_fear_advice"]


def test_the_calm_reading_never_overrules_a_sure_whole_or_an_exclamation():
    sure = parse(topics=[("identity_fraud", 0.99)], text="er staat een lening op mijn naam!! wat moet ik doen",
                 feeling={"emotion": "anger"})
    sure["calm_focus"] = calm("what_to_do", 1.0)
    assert plan_reply(sure, [], None).responses == ["utter_ack_anger", "utter_faq/identity_fraud"]
    shout = parse("express_emotion", 0.9, [("how_many", 0.2)], text="wat een zooi. bijna een miljoen vrouwen.",
                  feeling={"emotion": "anger"})
    shout["calm_focus"] = calm("how_many", 0.9, words=4)
    assert plan_reply(shout, [], None).responses == ["utter_ack_anger", "utter_emotion_anger_advice"]


def test_a_part_taken_for_small_talk_or_a_person_counts_when_its_topic_is_clear():
    parts = [part("faq", "letter_will_i_get"), part("nlu_fallback", "what_to_do", 0.55, 0.79),
             part("request_human", "email_phone", 0.9, 0.98)]
    assert plan_reply(parse(parts=parts), [], None).responses == [
        "utter_faq/letter_will_i_get", "utter_faq/what_to_do", "utter_faq/email_phone"]
    unsure = [part("faq", "letter_will_i_get"), part("greet", "what_to_do", 0.9, 0.4),
              part("request_human", "email_phone", 0.99, 0.98)]
    # a greeting with an unsure topic stays out; a sure request for a person is one
    assert plan_reply(parse(parts=unsure), [], None).responses == ["utter_faq/letter_will_i_get", "utter_human"]


def test_a_part_whose_context_drowns_its_question_is_read_as_its_question_sentence():
    drowned = part("faq", "when_hack", topic_confidence=0.39)
    drowned["focus"] = part("faq", "which_data", topic_confidence=0.95)
    message = parse(parts=[drowned, part("faq", "police")])
    assert plan_reply(message, [], None).responses == ["utter_faq/which_data", "utter_faq/police"]


def test_a_worry_is_answered_when_the_calm_reading_agrees_with_a_fairly_sure_whole():
    message = parse("express_emotion", 0.99, [("test_results_leaked", 0.63), ("am_i_affected", 0.11)],
                    text="ik ben echt in paniek, straks weet iedereen dat ik een afwijkende uitslag had",
                    feeling={"emotion": "fear"})
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_emotion_fear_advice"]
    message["calm_focus"] = calm("test_results_leaked", 0.9)
    assert plan_reply(message, [], None).responses == ["utter_ack_fear", "utter_faq/test_results_leaked"]


def test_grief_with_what_do_i_do_with_the_letter_gets_the_grief_advice():
    message = parse(topics=[("which_lab", 0.44), ("fraud_alert", 0.08)], feeling={"emotion": "grief"},
                    text="vorig jaar is mam overleden. gisteren lag er een brief op haar naam. wat moet ik ermee")
    message["question_focus"] = {"intent": "nlu_fallback", "confidence": 0.55,
                                 "topics": [{"topic": "what_to_do", "confidence": 0.98}]}
    assert plan_reply(message, [], None).responses == ["utter_ack_grief", "utter_emotion_grief_advice"]


def test_grief_with_two_letters_for_someone_who_died_gets_the_grief_advice():
    """Two letters for someone who died: not why there were two rounds, but the grief advice."""
    message = parse(topics=[("two_letters", 0.9), ("letter_meaning", 0.05)], feeling={"emotion": "grief"},
                    text="mijn moeder is overleden, waarom kreeg ze nu twee brieven?")
    assert plan_reply(message, [], None).responses == ["utter_ack_grief", "utter_emotion_grief_advice"]


def test_the_same_question_about_another_place_keeps_the_previous_topic_however_sure_its_words():
    from actions.reply_plan import SAME

    message = parse(topics=[("letter_will_i_get", 0.98)], text="in de brief ook?")
    assert plan_reply(message, ["apology"], SAME).responses == ["utter_faq/apology"]
    assert plan_reply(message, ["apology"], ANAPHORIC).responses == ["utter_faq/letter_will_i_get"]


def test_asking_for_the_number_after_an_answer_with_phone_numbers_gets_that_answer_again():
    human = parse("request_human", 0.99, [("email_phone", 0.6)], text="en welk nummer moet ik bellen?")
    assert plan_reply(human, ["identity_fraud"], ELLIPTIC).responses == ["utter_faq/identity_fraud"]
    # after an answer without phone numbers it is a request for the contact details
    assert plan_reply(human, ["which_lab"], ELLIPTIC).responses == ["utter_human"]


def test_the_topics_with_phone_numbers_are_those_whose_answer_gives_one(domain):
    import re

    from actions.reply_plan import PHONE_TOPICS

    phone = re.compile(r"\b0\d{2,3}[ -]?\d{2,3}[ -]?\d{2}[ -]?\d{2}\b|\b0800|\b112\b|\b113\b")
    with_numbers = {key.split("/", 1)[1] for key, variations in domain.responses.items()
                    if key.startswith("utter_faq/") and phone.search(variations[0]["text"])}
    assert with_numbers == PHONE_TOPICS


def test_a_follow_up_that_the_previous_answer_already_answers_gets_that_answer():
    police = parse(topics=[("police", 0.98)], text="en moet ik ook naar de politie?")
    assert plan_reply(police, ["identity_fraud"], ELLIPTIC).responses == ["utter_faq/identity_fraud"]
    assert plan_reply(police, ["which_data"], ELLIPTIC).responses == ["utter_faq/police"]
