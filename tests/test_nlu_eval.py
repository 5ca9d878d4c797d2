"""The held-out NLU evaluation's bookkeeping (scripts/nlu_eval.py, scripts/nlu_data.py), without a model."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from scripts import nlu_eval
from scripts.nlu_data import leaked_examples, plain_text, read_examples
from scripts.nlu_eval import evaluation_sets, failures, full_label, score, score_sets


def parse(intent: str, topic: str = "") -> Dict[str, Any]:
    """A parse as Agent.parse_message returns it, with a ResponseSelector result for FAQ topics."""
    result: Dict[str, Any] = {"intent": {"name": intent, "confidence": 0.9}}
    if topic:
        result["response_selector"] = {
            intent: {"response": {"intent_response_key": f"{intent}/{topic}"}},
        }
    return result


def report(accuracy: float, macro_f1: float = 1.0) -> Dict[str, Any]:
    return {"examples": 10, "labels": 2, "correct": 0, "accuracy": accuracy, "macro_f1": macro_f1,
            "errors": []}


def test_full_label_takes_the_topic_of_a_retrieval_intent():
    assert full_label(parse("faq", "which_data")) == "faq/which_data"
    assert full_label(parse("greet")) == "greet"
    assert full_label(parse("nlu_fallback")) == "nlu_fallback"
    assert full_label({}) == "none"


def test_score_counts_full_labels_and_lists_errors():
    examples = [("faq/which_data", "what leaked"), ("faq/how_many", "how many"), ("greet", "hiya")]
    parses = [parse("faq", "which_data"), parse("faq", "which_data"), parse("greet")]
    result = score(examples, parses)
    assert (result["examples"], result["labels"], result["correct"]) == (3, 3, 2)
    assert result["accuracy"] == pytest.approx(0.6667)
    assert result["errors"] == [{"text": "how many", "expected": "faq/how_many", "predicted": "faq/which_data"}]
    assert 0 < result["macro_f1"] < 1


def test_evaluation_sets_score_form_answers_apart_in_both_languages():
    dutch = [("greet", "hoi"), ("choose", "de tweede"), ("change_language", "Engels graag")]
    dev = [("thanks", "top"), ("choose", "ja hoor")]
    english = [("greet", "hiya"), ("choose", "the second one"), ("change_language", "back to Dutch")]
    sets = evaluation_sets(dutch, dev, english)
    assert list(sets) == ["heldout", "dev", "form_answers", "heldout_en", "form_answers_en"]
    assert sets["heldout"] == [("greet", "hoi"), ("change_language", "Engels graag")]
    assert sets["dev"] == [("thanks", "top")]
    assert sets["form_answers"] == [("choose", "de tweede")]
    assert sets["heldout_en"] == [("greet", "hiya"), ("change_language", "back to Dutch")]
    assert sets["form_answers_en"] == [("choose", "the second one")]


def test_score_sets_gives_each_set_its_own_parses_and_skips_empty_sets():
    sets = evaluation_sets([("greet", "hoi")], [], [("greet", "hi"), ("choose", "yes")])
    parses = [parse("greet"), parse("goodbye"), parse("choose")]
    reports = score_sets(sets, parses)
    assert set(reports) == {"heldout", "heldout_en", "form_answers_en"}
    assert reports["heldout"]["accuracy"] == 1.0
    assert reports["heldout_en"]["accuracy"] == 0.0
    assert reports["heldout_en"]["errors"][0]["predicted"] == "goodbye"
    assert reports["form_answers_en"]["correct"] == 1


def test_score_sets_refuses_a_wrong_number_of_parses():
    sets = evaluation_sets([("greet", "hoi")], [], [("greet", "hi")])
    with pytest.raises(ValueError):
        score_sets(sets, [parse("greet")])


def test_no_failures_at_the_bars():
    reports = {"heldout": report(nlu_eval.MIN_ACCURACY, nlu_eval.MIN_MACRO_F1),
               "heldout_en": report(nlu_eval.MIN_ACCURACY_EN, 0.0)}
    assert failures(reports) == []


def test_english_bar_is_accuracy_090_and_dutch_bars_are_kept():
    assert nlu_eval.MIN_ACCURACY_EN == 0.90
    assert (nlu_eval.MIN_ACCURACY, nlu_eval.MIN_MACRO_F1) == (0.95, 0.93)


@pytest.mark.parametrize(
    ("dutch", "english", "expected"),
    [
        ((0.94, 0.99), 0.99, ["Dutch accuracy"]),
        ((0.99, 0.92), 0.99, ["Dutch macro F1"]),
        ((0.99, 0.99), 0.89, ["English accuracy"]),
        ((0.90, 0.90), 0.50, ["Dutch accuracy", "Dutch macro F1", "English accuracy"]),
    ],
)
def test_failures_name_every_missed_bar(dutch, english, expected):
    reports = {"heldout": report(*dutch), "heldout_en": report(english)}
    missed = failures(reports)
    assert [line.rsplit(" ", 3)[0] for line in missed] == expected


def test_a_missing_test_set_is_a_failure():
    assert failures({"heldout": report(1.0)}) == ["the English held-out test set is empty"]
    assert failures({"heldout_en": report(1.0)}) == ["the Dutch held-out test set is empty"]


@pytest.mark.parametrize(
    ("example", "text"),
    [
        ("[English](language) please", "English please"),
        ('terug naar het [Nederlands]{"entity": "language", "value": "nl"}', "terug naar het Nederlands"),
        ("no markup here", "no markup here"),
        ("brackets [alone] stay (as typed)", "brackets [alone] stay (as typed)"),
    ],
)
def test_plain_text_removes_entity_markup(example, text):
    assert plain_text(example) == text


def test_read_examples_reads_labels_and_plain_texts(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: change_language\n  examples: |\n'
        "    - [English](language) please\n    - back to Dutch\n"
        "- synonym: en\n  examples: |\n    - English\n",
        encoding="utf-8",
    )
    assert read_examples([path]) == [("change_language", "English please"), ("change_language", "back to Dutch")]


def test_leaked_examples_ignore_case_punctuation_and_language():
    training: List = [("change_language", "English please"), ("greet", "Hallo!")]
    evaluation = [("change_language", "english, PLEASE?"), ("greet", "hallo daar"), ("greet", "hallo")]
    assert leaked_examples(evaluation, training) == ["english, PLEASE?", "hallo"]
