"""Messages no cache can flatter: realistic phrasings, each one changed a little, never repeated.

The pool is what people wrote, not what the model learned: the Dutch held-out
and development sets (``tests/nlu_heldout``, ``tests/nlu_dev``), never the
training data or the buttons' texts. Every message drawn from it gets one to
three small changes a person makes (a swapped pair of letters, a filler word,
other casing, other end punctuation), and a message that was already sent in
this run is changed again until it is new. So the parse cache of the server,
which is keyed by the exact text, can only hit on the share of button clicks
that a conversation holds on purpose (``CLICKS_PER_CONVERSATION``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Sequence, Set

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Contextual intents (answers to a question of the assistant, feedback, language switches)
# only make sense after the right question; they stay out of the pool.
POOL_FILES = (
    ROOT / "tests" / "nlu_heldout" / "heldout.yml",
    ROOT / "tests" / "nlu_dev" / "basics.yml",
    ROOT / "tests" / "nlu_dev" / "faq_guidance.yml",
    ROOT / "tests" / "nlu_dev" / "faq_incident.yml",
    ROOT / "tests" / "nlu_dev" / "faq_screening.yml",
)
DUTCH_FILLERS = ("eh", "even", "nou", "trouwens", "dus", "eigenlijk", "hoor", "toch", "zeg", "ff")
ENGLISH_FILLERS = ("um", "well", "so", "actually", "really", "just", "like", "ok")
END_MARKS = ("", "?", "??", ".", "!", " ?")
MAX_TRIES = 12


def load_pool(files: Sequence[Path] = POOL_FILES) -> List[str]:
    """Returns every example of the given NLU files (Rasa YAML), without duplicates, in file order.

    Args:
        files: Rasa NLU files.

    Returns:
        The example texts (entity annotations are not used in these files).
    """
    seen: Set[str] = set()
    pool: List[str] = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if text and text not in seen:
                    seen.add(text)
                    pool.append(text)
    return pool


def swap_letters(text: str, rng: random.Random) -> str:
    """Swaps two neighbouring letters inside one word of four or more letters (a typo)."""
    words = text.split(" ")
    candidates = [index for index, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word = words[index]
    pos = rng.randrange(1, len(word) - 2)
    words[index] = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    return " ".join(words)


def add_filler(text: str, rng: random.Random, fillers: Sequence[str]) -> str:
    """Puts a filler word at the start, at the end or between two words."""
    words = text.split(" ")
    filler = rng.choice(fillers)
    position = rng.randrange(0, len(words) + 1)
    return " ".join(words[:position] + [filler] + words[position:])


def change_case(text: str, rng: random.Random) -> str:
    """All lower case, a capital first letter, or (rarely) all capitals."""
    choice = rng.random()
    if choice < 0.5:
        return text.lower()
    if choice < 0.9:
        return text[:1].upper() + text[1:]
    return text.upper()


def change_end(text: str, rng: random.Random) -> str:
    """Replaces the punctuation at the end by another mark or none."""
    return text.rstrip("?!. ") + rng.choice(END_MARKS)


@dataclass
class Perturber:
    """Changes messages a little, and never returns a text it returned before.

    Attributes:
        rng: The random source (seeded, so runs are repeatable).
        fillers: Filler words of the language.
        sent: Every text returned so far.
        repeats: Texts returned although sent before (when ``MAX_TRIES`` changes found nothing new).
    """

    rng: random.Random
    fillers: Sequence[str] = DUTCH_FILLERS
    sent: Set[str] = field(default_factory=set)
    repeats: int = 0

    def perturb(self, text: str) -> str:
        """Returns ``text`` with one to three small changes, new in this run if at all possible.

        Args:
            text: A realistic message.

        Returns:
            The changed message.
        """
        candidate = text
        for attempt in range(MAX_TRIES):
            candidate = text if attempt == 0 else candidate
            steps = [swap_letters, lambda t, r: add_filler(t, r, self.fillers), change_case, change_end]
            for step in self.rng.sample(steps, self.rng.randint(1, 3)):
                candidate = step(candidate, self.rng)
            if candidate not in self.sent:
                break
        else:
            self.repeats += 1
        self.sent.add(candidate)
        return candidate


def repeat_share(texts: Iterable[str]) -> float:
    """Share of messages whose exact text was sent earlier in the same sequence (0 to 1)."""
    seen: Set[str] = set()
    total = repeated = 0
    for text in texts:
        total += 1
        repeated += text in seen
        seen.add(text)
    return repeated / total if total else 0.0
