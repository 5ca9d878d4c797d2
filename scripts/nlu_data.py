"""Reads NLU examples from Rasa YAML files: training data and the two evaluation sets.

- ``tests/nlu_heldout/``: the held-out TEST set. Written without sight of the
  training data and never looked at while improving the data or the pipeline;
  the quality bar of ``make test`` applies to it.
- ``tests/nlu_dev/``: the development set. Also never trained on, but its errors
  were studied to decide what training data to add, so its score is optimistic;
  it is reported next to the test set, not used as the bar.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterable, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "data" / "nlu"
TRAINING_DIR_EN = TRAINING_DIR / "en"
HELDOUT_DIR = ROOT / "tests" / "nlu_heldout"
DEV_DIR = ROOT / "tests" / "nlu_dev"

Example = Tuple[str, str]  # (label, text); label is "intent" or "faq/<topic>"


def read_examples(files: Iterable[Path]) -> List[Example]:
    """Returns every (label, text) pair in the given NLU files.

    Args:
        files: Rasa YAML NLU files.

    Returns:
        The examples in file order.
    """
    examples: List[Example] = []
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in content.get("nlu") or []:
            label = block.get("intent")
            if not label:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append((label, line[2:].strip()))
    return examples


def training_examples() -> List[Example]:
    """Returns every Dutch training example (data/nlu/*.yml)."""
    return read_examples(sorted(TRAINING_DIR.glob("*.yml")))


def english_training_examples() -> List[Example]:
    """Returns every English training example (data/nlu/en/*.yml)."""
    return read_examples(sorted(TRAINING_DIR_EN.glob("*.yml")))


def heldout_examples() -> List[Example]:
    """Returns every example of the held-out test set (tests/nlu_heldout)."""
    return read_examples(sorted(HELDOUT_DIR.glob("*.yml")))


def dev_examples() -> List[Example]:
    """Returns every example of the development set (tests/nlu_dev)."""
    return read_examples(sorted(DEV_DIR.glob("*.yml")))


def normalise(text: str) -> str:
    """Lower-cases and strips punctuation and accents, to find near-copies."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def leaked_heldout_examples() -> List[str]:
    """Returns test or dev texts that also occur (normalised) in the training data."""
    seen = {normalise(text) for _, text in training_examples()}
    return [text for _, text in heldout_examples() + dev_examples() if normalise(text) in seen]
