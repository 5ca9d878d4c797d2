"""The scorer of the realistic end-to-end test set (tests/realistic/score.py)."""

from __future__ import annotations

from pathlib import Path

from actions.topics import load_catalogue
from scripts.nlu_data import training_examples
from tests.realistic.score import (
    KINDS,
    Case,
    ResponseIndex,
    content_keys,
    judge,
    load_cases,
    load_topic_map,
    summarise,
)

INDEX_DIR = Path(__file__).resolve().parent / "realistic"
INDEX = ResponseIndex()
TOPICS = load_topic_map()


def reply(domain, *keys, language="nl"):
    """The REST messages of responses, as the channel sends them (the Dutch or English variation)."""
    out = []
    for key in keys:
        variations = domain.responses[key]
        chosen = next(v for v in variations if (v.get("condition") is not None) == (language == "en"))
        out.append({"text": chosen["text"]})
    return out


def case(**fields):
    base = dict(id="x", kind="single", lang="nl", message="m", expect=())
    base.update(fields)
    return Case(**base)


def test_a_response_is_recognised_whole_and_bubble_by_bubble(domain):
    text = reply(domain, "utter_faq/which_data")[0]["text"]
    assert INDEX.key_of(text) == "utter_faq/which_data"
    assert INDEX.key_of(text.split("\n\n")[-1]) == "utter_faq/which_data"
    assert INDEX.key_of("iets wat de assistent nooit zegt") is None


def test_responses_with_placeholders_are_recognised(domain):
    text = domain.responses["utter_fallback_suggest"][0]["text"]
    assert INDEX.key_of(text) == "utter_fallback_suggest"


def test_a_correct_reply_passes_and_a_missing_topic_fails(domain):
    good = judge(case(expect=("which_data",)), reply(domain, "utter_faq/which_data"), INDEX, TOPICS)
    assert good.passed
    bad = judge(case(expect=("which_data", "lab")), reply(domain, "utter_faq/which_data"), INDEX, TOPICS)
    assert not bad.passed and bad.problems == ["missing lab"]


def test_an_answer_nobody_asked_for_fails_but_a_kind_word_does_not(domain):
    extra = judge(case(expect=("which_data",)), reply(domain, "utter_faq/which_data", "utter_faq/how_many"),
                  INDEX, TOPICS)
    assert extra.problems == ["unexpected utter_faq/how_many"]
    kind = judge(case(expect=("which_data",)), reply(domain, "utter_ack_fear", "utter_faq/which_data"),
                 INDEX, TOPICS)
    assert kind.passed


def test_facts_and_forbidden_text(domain):
    answer = reply(domain, "utter_faq/how_many")
    assert judge(case(expect=("how_many",), facts=(("941.000", "941000"),)), answer, INDEX, TOPICS).passed
    forbidden = judge(case(expect=("how_many",), forbid=("485.000",)), answer, INDEX, TOPICS)
    assert forbidden.problems == ["forbidden '485.000'"]
    assert judge(case(expect=()), [], INDEX, TOPICS).problems == ["no reply"]


def test_summary_per_kind():
    verdicts = [judge(case(kind="multi", expect=()), [{"text": "x"}], INDEX, TOPICS),
                judge(case(kind="single", expect=("lab",)), [{"text": "x"}], INDEX, TOPICS)]
    assert summarise(verdicts) == {"multi": (1, 1), "single": (0, 1), "all": (1, 2)}


def test_the_test_sets_use_only_known_kinds_and_topics(domain):
    for path in ("cases.yml", "dev.yml"):
        cases = load_cases(INDEX_DIR / path)
        assert len({c.id for c in cases}) == len(cases)
        assert {c.kind for c in cases} <= set(KINDS)
        assert {t for c in cases for t in c.expect} <= set(TOPICS)
    blind = load_cases()
    counts = summarise([judge(c, [], INDEX, TOPICS) for c in blind])
    assert len(blind) >= 250
    assert counts["multi"][1] >= 40 and counts["followup"][1] >= 40 and counts["emotion"][1] >= 25
    assert counts["near_miss"][1] >= 25 and counts["english"][1] >= 30


def test_every_mapped_response_exists(domain):
    for topic, keys in TOPICS.items():
        for key in keys:
            assert key in domain.responses, f"{topic}: {key}"
    assert "utter_ack_fear" not in content_keys(TOPICS) and "utter_faq/which_data" in content_keys(TOPICS)


def test_the_blind_set_is_never_trained_on():
    """No message of the blind set is a training example, except the buttons' canonical questions
    (a button sends exactly that text, so it must be understood) and one-word earlier turns."""
    catalogue = load_catalogue()
    buttons = {t.question.lower() for t in catalogue.topics.values()}
    buttons |= {(t.question_en or "").lower() for t in catalogue.topics.values()}
    trained = {text.lower() for _, text in training_examples()} - buttons
    blind = {c.message.lower() for c in load_cases()}
    blind |= {h.lower() for c in load_cases() for h in c.history if len(h.split()) > 1}
    assert not trained & blind



def test_the_advice_after_a_feeling_is_never_an_answer_nobody_asked_for(domain):
    advice = reply(domain, "utter_ack_anger", "utter_emotion_anger_advice")
    assert "utter_emotion_anger_advice" not in content_keys(TOPICS)
    assert judge(case(kind="emotion", expect=("ack_anger",)), advice, INDEX, TOPICS).passed
    # it states BVO NL's apology, so it answers that topic too; it never answers another one
    assert judge(case(kind="emotion", expect=("ack_anger", "apology")), advice, INDEX, TOPICS).passed
    assert judge(case(kind="emotion", expect=("ack_anger", "which_data")), advice, INDEX,
                 TOPICS).problems == ["missing which_data"]
