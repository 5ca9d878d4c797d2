"""The turn-cost measurement's pieces: messages that never repeat, windows, no training data."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.turn_cost import QUESTION_FILES, WINDOWS, load_questions, messages, window_medians

ROOT = Path(__file__).resolve().parent.parent


def _training_texts():
    texts = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            texts |= {line[2:].strip().lower() for line in str(block.get("examples", "")).splitlines()
                      if line.startswith("- ")}
    return texts


def test_a_thousand_messages_that_never_repeat_and_are_not_training_examples():
    sent = messages(1000, load_questions())
    assert len(sent) == len(set(sent)) == 1000
    assert all(path.parts[-3] == "tests" for path in QUESTION_FILES)
    training = _training_texts()
    assert sum(text.lower() in training for text in sent) == 0


def test_windows_are_medians_of_their_turns():
    latencies = [float(turn) for turn in range(1, 1001)]
    medians = window_medians(latencies)
    assert [label for label, _, _ in WINDOWS] == list(medians)
    assert medians["turn 1"] == 10.5 and medians["turn 50"] == 50.5
    assert medians["turn 200"] == 200.5 and medians["turn 1000"] == 990.5
    assert window_medians(latencies[:100])["turn 200"] is None
