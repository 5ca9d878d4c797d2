"""Evaluates the trained model on the held-out Dutch and English sets; fails below the bars.

A prediction counts as correct only when the full label matches: the intent,
and for FAQ questions also the topic the ResponseSelector picked. A fallback
(``nlu_fallback``) counts as wrong. Prints accuracy, macro F1 and the
confusions, and writes them to reports/nlu_heldout.json. The bars apply to
the blind test sets (Dutch: tests/nlu_heldout, English: tests/nlu_heldout_en);
the Dutch development set is reported next to them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Mapping

from scripts.nlu_data import (
    ROOT,
    Example,
    dev_examples,
    heldout_en_examples,
    heldout_examples,
    leaked_heldout_examples,
)

# The quality bar of issue 2, on the blind held-out test set (tests/nlu_heldout).
# Measured in CI with config.yml of this commit: accuracy 0.9682, macro F1 0.9699
# on 220 examples (44 labels, before `change_language` was added); the development set
# scores lower (0.8864), see
# scripts/nlu_data.py for why both exist.
MIN_ACCURACY = 0.95
MIN_MACRO_F1 = 0.93
# The bar on the blind English held-out test set (tests/nlu_heldout_en): accuracy only;
# its macro F1 is reported.
MIN_ACCURACY_EN = 0.90

# Typed answers to a form's buttons ("ja", "de tweede", "die met die rare sms").
# Inside a form the validators map them whatever the intent (understanding/choices.py,
# tested with stories), and outside a form they have no meaning of their own,
# so they are scored apart and are not part of the bar (in both languages).
#
# Feedback ("dit hielp", "niet duidelijk") is the same kind of answer: to the
# assistant's own question "Had u hier iets aan?", normally by its 👍/👎 buttons,
# whose payloads skip NLU. Out of context it is close to thanks and "iets anders",
# so it is scored with the form answers, reported apart, and not part of the bar.
FORM_ANSWER_INTENTS = frozenset({"choose", "feedback_positive", "feedback_negative", "feedback_reason"})


def full_label(parse: Mapping[str, Any]) -> str:
    """Returns "intent", or "faq/<topic>" for a retrieval intent."""
    intent = (parse.get("intent") or {}).get("name") or "none"
    selector = (parse.get("response_selector") or {}).get(intent)
    if selector:
        key = ((selector.get("response") or {}).get("intent_response_key")) or ""
        if key:
            return key
    return intent


def macro_f1(gold: List[str], predicted: List[str]) -> float:
    """Macro-averaged F1 over the gold labels."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0))


def quiet_rasa_logs() -> None:
    """Keeps Rasa's debug logs (which echo every message) out of the output."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def predict(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    """Parses every text with the model's NLU pipeline."""
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def score(examples: List[Example], parses: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Accuracy, macro F1 and the errors of one evaluation set.

    Args:
        examples: (label, text) pairs.
        parses: The model's parse of each text, in the same order.

    Returns:
        A JSON-ready report.
    """
    gold = [label for label, _ in examples]
    predicted = [full_label(p) for p in parses]
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    errors = [
        {"text": text, "expected": g, "predicted": p}
        for (g, text), p in zip(examples, predicted, strict=True) if g != p
    ]
    return {
        "examples": len(gold), "labels": len(set(gold)), "correct": correct,
        "accuracy": round(correct / len(gold), 4), "macro_f1": round(macro_f1(gold, predicted), 4),
        "errors": errors,
    }


def evaluation_sets(heldout: List[Example], dev: List[Example],
                    heldout_en: List[Example]) -> Dict[str, List[Example]]:
    """Splits the evaluation examples into the sets that are scored, in report order.

    Form answers (``FORM_ANSWER_INTENTS``) of each held-out set go to a set of their own.

    Args:
        heldout: The Dutch held-out test set.
        dev: The Dutch development set.
        heldout_en: The English held-out test set.

    Returns:
        Set name -> examples: "heldout", "dev", "form_answers" (Dutch),
        "heldout_en", "form_answers_en" (English).
    """
    def scored(examples: List[Example]) -> List[Example]:
        return [e for e in examples if e[0] not in FORM_ANSWER_INTENTS]

    def form_answers(examples: List[Example]) -> List[Example]:
        return [e for e in examples if e[0] in FORM_ANSWER_INTENTS]

    return {
        "heldout": scored(heldout),
        "dev": scored(dev),
        "form_answers": form_answers(heldout),
        "heldout_en": scored(heldout_en),
        "form_answers_en": form_answers(heldout_en),
    }


def score_sets(sets: Mapping[str, List[Example]], parses: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Scores every non-empty set; the parses are those of all sets' texts, in order.

    Args:
        sets: Set name -> examples, as made by ``evaluation_sets``.
        parses: The model's parse of every text of every set, in the same order.

    Returns:
        Set name -> report of ``score``, for the sets that have examples.
    """
    reports: Dict[str, Any] = {}
    offset = 0
    for name, examples in sets.items():
        if examples:
            reports[name] = score(examples, parses[offset:offset + len(examples)])
        offset += len(examples)
    if offset != len(parses):
        raise ValueError(f"{len(parses)} parses for {offset} examples")
    return reports


def failures(reports: Mapping[str, Any]) -> List[str]:
    """Returns the bars a run misses; empty when every bar is met.

    Args:
        reports: Set name -> report, as made by ``score_sets``.

    Returns:
        One line per missed bar (a missing test set misses its bar).
    """
    missed = []
    dutch, english = reports.get("heldout"), reports.get("heldout_en")
    if dutch is None:
        missed.append("the Dutch held-out test set is empty")
    else:
        if dutch["accuracy"] < MIN_ACCURACY:
            missed.append(f"Dutch accuracy {dutch['accuracy']:.4f} < {MIN_ACCURACY}")
        if dutch["macro_f1"] < MIN_MACRO_F1:
            missed.append(f"Dutch macro F1 {dutch['macro_f1']:.4f} < {MIN_MACRO_F1}")
    if english is None:
        missed.append("the English held-out test set is empty")
    elif english["accuracy"] < MIN_ACCURACY_EN:
        missed.append(f"English accuracy {english['accuracy']:.4f} < {MIN_ACCURACY_EN}")
    return missed


def print_summary(reports: Mapping[str, Any]) -> None:
    """Prints the confusions of the test sets and one line per set."""
    for name, language in (("heldout", "Dutch"), ("heldout_en", "English")):
        if name not in reports:
            continue
        confusions = Counter((e["expected"], e["predicted"]) for e in reports[name]["errors"]).most_common()
        if confusions:
            print(f"{language} confusions:")
        for (expected, got), count in confusions:
            print(f"  {count}x {expected} -> {got}")
    for name, language in (("form_answers", "Dutch"), ("form_answers_en", "English")):
        if name in reports:
            form = reports[name]
            print(f"{language} typed answers to the assistant's questions (choose, feedback), out of context "
                  f"(not in the bar): {form['correct']} of {form['examples']} read as their intent")
    if "dev" in reports:
        dev = reports["dev"]
        print(f"Dutch development set (not blind): {dev['examples']} examples, "
              f"accuracy {dev['accuracy']:.4f}, macro F1 {dev['macro_f1']:.4f}")
    if "heldout" in reports:
        test = reports["heldout"]
        print(f"Dutch held-out NLU test set: {test['examples']} examples, {test['labels']} labels, "
              f"accuracy {test['accuracy']:.4f} (min {MIN_ACCURACY}), "
              f"macro F1 {test['macro_f1']:.4f} (min {MIN_MACRO_F1})")
    if "heldout_en" in reports:
        test = reports["heldout_en"]
        print(f"English held-out NLU test set: {test['examples']} examples, {test['labels']} labels, "
              f"accuracy {test['accuracy']:.4f} (min {MIN_ACCURACY_EN}), macro F1 {test['macro_f1']:.4f}")


def main() -> int:
    """Runs the evaluation; returns 1 when a threshold is not met."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "nlu_heldout.json")
    args = parser.parse_args()

    sets = evaluation_sets(heldout_examples(), dev_examples(), heldout_en_examples())
    leaked = leaked_heldout_examples()
    if leaked:
        print(f"error: {len(leaked)} test or dev examples are also training data: {leaked[:5]}")
        return 1
    for name, language in (("heldout", "Dutch"), ("heldout_en", "English")):
        if not sets[name]:
            print(f"error: the {language} held-out test set is empty")
            return 1

    texts = [text for examples in sets.values() for _, text in examples]
    reports = score_sets(sets, asyncio.run(predict(args.model, texts)))
    reports["min_accuracy"], reports["min_macro_f1"] = MIN_ACCURACY, MIN_MACRO_F1
    reports["min_accuracy_en"] = MIN_ACCURACY_EN
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")

    print_summary(reports)
    missed = failures(reports)
    for line in missed:
        print(f"FAILED: {line}")
    if missed:
        print("FAILED: held-out NLU quality below the bar")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
