"""Reads NLU examples from Rasa YAML files: training data and the evaluation sets.

- ``tests/nlu_heldout/``: the held-out Dutch TEST set. Written without sight of the
  training data and never looked at while improving the data or the pipeline;
  the quality bar of ``make test`` applies to it.
- ``tests/nlu_dev/``: the development set. Also never trained on, but its errors
  were studied to decide what training data to add, so its score is optimistic;
  it is reported next to the test set, not used as the bar.
- ``tests/nlu_heldout_en/``: the held-out English TEST set, written the same
  way (blind) for the English training data in ``data/nlu/en/``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterable, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "data" / "nlu"
ENGLISH_TRAINING_DIR = TRAINING_DIR / "en"
HELDOUT_DIR = ROOT / "tests" / "nlu_heldout"
HELDOUT_EN_DIR = ROOT / "tests" / "nlu_heldout_en"
DEV_DIR = ROOT / "tests" / "nlu_dev"

Example = Tuple[str, str]  # (label, text); label is "intent" or "faq/<topic>"

# Rasa's entity markup in an example: [text](entity) or [text]{"entity": ...}.
_ENTITY_MARKUP_RE = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def plain_text(example: str) -> str:
    """Returns the text a user would type: Rasa's entity markup removed.

    Args:
        example: One example line, e.g. "[English](language) please".

    Returns:
        The example without markup, e.g. "English please".
    """
    return _ENTITY_MARKUP_RE.sub(r"\1", example)


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
                    examples.append((label, plain_text(line[2:].strip())))
    return examples


def training_examples() -> List[Example]:
    """Returns every training example under data/nlu, both languages."""
    return read_examples(sorted(TRAINING_DIR.rglob("*.yml")))


def dutch_training_examples() -> List[Example]:
    """Returns the Dutch training examples (data/nlu/*.yml)."""
    return read_examples(sorted(TRAINING_DIR.glob("*.yml")))


def english_training_examples() -> List[Example]:
    """Returns the English training examples (data/nlu/en/*.yml)."""
    return read_examples(sorted(ENGLISH_TRAINING_DIR.glob("*.yml")))


def heldout_examples() -> List[Example]:
    """Returns every example of the held-out test set (tests/nlu_heldout)."""
    return read_examples(sorted(HELDOUT_DIR.glob("*.yml")))


def dev_examples() -> List[Example]:
    """Returns every example of the development set (tests/nlu_dev)."""
    return read_examples(sorted(DEV_DIR.glob("*.yml")))


def heldout_en_examples() -> List[Example]:
    """Returns every example of the English held-out test set (tests/nlu_heldout_en)."""
    return read_examples(sorted(HELDOUT_EN_DIR.glob("*.yml")))


def normalise(text: str) -> str:
    """Lower-cases and strips punctuation and accents, to find near-copies."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def leaked_examples(evaluation: Iterable[Example], training: Iterable[Example]) -> List[str]:
    """Returns the evaluation texts that also occur (normalised) among the training texts.

    Args:
        evaluation: Examples of the evaluation sets.
        training: Training examples, of every language.

    Returns:
        The leaked evaluation texts, in evaluation order.
    """
    seen = {normalise(text) for _, text in training}
    return [text for _, text in evaluation if normalise(text) in seen]


def leaked_heldout_examples() -> List[str]:
    """Returns test or dev texts (Dutch and English) that are also training data (data/nlu/**)."""
    evaluation = heldout_examples() + dev_examples() + heldout_en_examples()
    return leaked_examples(evaluation, training_examples())
