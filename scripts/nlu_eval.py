"""Evaluates the trained model on the held-out Dutch sets; fails below the bar.

A prediction counts as correct only when the full label matches: the intent,
and for FAQ questions also the topic the ResponseSelector picked. A fallback
(``nlu_fallback``) counts as wrong. Prints accuracy, macro F1 and the
confusions, and writes them to reports/nlu_heldout.json. The bar applies to
the blind test set; the development set is reported next to it.
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

from scripts.nlu_data import ROOT, Example, dev_examples, heldout_examples, leaked_heldout_examples

# The quality bar of issue 2, on the blind held-out test set (tests/nlu_heldout).
# Measured in CI with config.yml of this commit: accuracy 0.9682, macro F1 0.9699
# on 220 examples (44 labels); the development set scores lower (0.8864), see
# scripts/nlu_data.py for why both exist.
MIN_ACCURACY = 0.95
MIN_MACRO_F1 = 0.93

# Typed answers to a form's buttons ("ja", "de tweede", "die met die rare sms").
# Inside a form the validators map them whatever the intent (actions/choices.py,
# tested with stories), and outside a form they have no meaning of their own,
# so they are scored apart and are not part of the bar.
FORM_ANSWER_INTENTS = frozenset({"choose"})


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


def main() -> int:
    """Runs the evaluation; returns 1 when a threshold is not met."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "nlu_heldout.json")
    args = parser.parse_args()

    heldout = heldout_examples()
    sets = {
        "heldout": [e for e in heldout if e[0] not in FORM_ANSWER_INTENTS],
        "dev": [e for e in dev_examples() if e[0] not in FORM_ANSWER_INTENTS],
        "form_answers": [e for e in heldout if e[0] in FORM_ANSWER_INTENTS],
    }
    leaked = leaked_heldout_examples()
    if leaked:
        print(f"error: {len(leaked)} test or dev examples are also training data: {leaked[:5]}")
        return 1
    if not sets["heldout"]:
        print("error: the held-out test set is empty")
        return 1

    texts = [text for examples in sets.values() for _, text in examples]
    parses = asyncio.run(predict(args.model, texts))
    reports: Dict[str, Any] = {}
    offset = 0
    for name, examples in sets.items():
        if examples:
            reports[name] = score(examples, parses[offset:offset + len(examples)])
        offset += len(examples)
    reports["min_accuracy"], reports["min_macro_f1"] = MIN_ACCURACY, MIN_MACRO_F1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")

    test = reports["heldout"]
    confusions = Counter((e["expected"], e["predicted"]) for e in test["errors"]).most_common()
    for (expected, got), count in confusions:
        print(f"  {count}x {expected} -> {got}")
    if "form_answers" in reports:
        form = reports["form_answers"]
        print(f"typed form answers, out of context (not in the bar): {form['correct']} of "
              f"{form['examples']} read as 'choose'")
    if "dev" in reports:
        dev = reports["dev"]
        print(f"development set (not blind): {dev['examples']} examples, "
              f"accuracy {dev['accuracy']:.4f}, macro F1 {dev['macro_f1']:.4f}")
    print(f"held-out NLU test set: {test['examples']} examples, {test['labels']} labels, "
          f"accuracy {test['accuracy']:.4f} (min {MIN_ACCURACY}), "
          f"macro F1 {test['macro_f1']:.4f} (min {MIN_MACRO_F1})")
    if test["accuracy"] < MIN_ACCURACY or test["macro_f1"] < MIN_MACRO_F1:
        print("FAILED: held-out NLU quality below the bar")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
