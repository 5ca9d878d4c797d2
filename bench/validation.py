"""Micro-benchmark: checking one action-server answer, Rasa's way and the prebuilt validator.

``python -m bench.validation`` times ``RemoteAction._validate_action_result`` as Rasa 3.6
defines it (``jsonschema.validate``: schema check and new validator on every call) and
``runtime.validation.validate_action_result`` (validator built once), on answers shaped
like this assistant's actions send them. Each run validates every sample answer
``--calls`` times; the report gives the median time per validation over ``--runs`` runs,
and writes it to ``bench/results/validation.md``. Not a test: nothing fails on a number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from bench.stats import median, percentile

OUT = Path(__file__).resolve().parent / "results" / "validation.md"


def slot(name: str, value: Any) -> Dict[str, Any]:
    """A ``SlotSet`` event as rasa_sdk sends it."""
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def response(name: str, **kwargs: Any) -> Dict[str, Any]:
    """A response as rasa_sdk's dispatcher sends it."""
    return {"text": None, "buttons": [], "elements": [], "custom": {}, "template": None,
            "response": name, "image": None, "attachment": None, **kwargs}


FLOW_RESET = [slot(name, None) for name in ("flow", "flow_exit", "situation", "data_kind", "took_part",
                                            "since_2017", "got_letter")]
SAMPLES: Dict[str, Dict[str, Any]] = {
    "action_offer_feedback (nothing to send)": {"events": [], "responses": []},
    "validate_affected_form (one slot)": {"events": [slot("took_part", "ja")], "responses": []},
    "action_handle_fallback (suggestions)": {
        "events": [slot("fallback_stage", "suggest"), slot("suggestion_1_title", "Wat is er gebeurd?"),
                   slot("suggestion_1_question", "Wat is er gebeurd?"),
                   slot("suggestion_2_title", "Welke gegevens?"),
                   slot("suggestion_2_question", "Welke gegevens zijn gestolen?")],
        "responses": [response("utter_fallback_suggest")]},
    "action_share_guidance (advice, links, flow reset)": {
        "events": FLOW_RESET,
        "responses": [response("utter_situation_message"),
                      response("utter_guidance_links", links="- Fraudehelpdesk: https://www.fraudehelpdesk.nl/")]},
}


def time_per_call(validate: Callable[[Any, Dict[str, Any]], bool], action: Any,
                  answers: List[Dict[str, Any]], calls: int) -> float:
    """Validates each answer ``calls`` times; returns the mean seconds per validation."""
    started = time.perf_counter()
    for _ in range(calls):
        for answer in answers:
            validate(action, answer)
    return (time.perf_counter() - started) / (calls * len(answers))


def measure(runs: int, calls: int) -> Dict[str, Dict[str, List[float]]]:
    """Times both validations per sample, alternating them run by run.

    Returns:
        Seconds per validation, by sample name and then ``stock`` / ``prebuilt``, one value per run.
    """
    from rasa.core.actions.action import RemoteAction

    from runtime import patches, validation

    stock = patches.original("RemoteAction._validate_action_result")
    prebuilt = validation.validate_action_result
    action = RemoteAction("action_x", None)
    results: Dict[str, Dict[str, List[float]]] = {}
    for name, answer in SAMPLES.items():
        assert stock(action, answer) is True and prebuilt(action, answer) is True, name
        prebuilt(action, answer)  # builds the validator once, outside the timing
        results[name] = {"stock": [], "prebuilt": []}
        for _ in range(runs):
            results[name]["stock"].append(time_per_call(stock, action, [answer], calls))
            results[name]["prebuilt"].append(time_per_call(prebuilt, action, [answer], calls))
    return results


def report(results: Dict[str, Dict[str, List[float]]], runs: int, calls: int) -> str:
    """Markdown: median (and p90 over runs) per validation, before and after, and the ratio."""
    lines = [
        "# Checking one action-server answer: Rasa 3.6 vs. the prebuilt validator",
        "",
        f"`python -m bench.validation --runs {runs} --calls {calls}` on "
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (shared). Median over {runs} runs of the mean time of {calls} "
        "validations; p90 over the runs in brackets.",
        "",
        "| answer | Rasa (`jsonschema.validate`) | prebuilt validator | faster |",
        "|---|---:|---:|---:|",
    ]
    for name, times in results.items():
        before, after = median(times["stock"]), median(times["prebuilt"])
        lines.append(f"| {name} | {before * 1e3:.2f} ms ({percentile(times['stock'], 90) * 1e3:.2f}) "
                     f"| {after * 1e3:.3f} ms ({percentile(times['prebuilt'], 90) * 1e3:.3f}) "
                     f"| {before / after:.0f}x |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the micro-benchmark, prints the table and writes it to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m bench.validation")
    parser.add_argument("--runs", type=int, default=15, help="repeated runs (the median is reported)")
    parser.add_argument("--calls", type=int, default=20, help="validations per answer in one run")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = report(measure(args.runs, args.calls), args.runs, args.calls)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
