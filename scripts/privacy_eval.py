"""Measures the detection of personal data: recall on a written corpus, false alarms on the project's data.

- Recall: ``tests/privacy/personal_data.yml`` holds messages with personal data and
  the pieces that must disappear. A case counts as redacted when every piece lies
  inside a detected span. Target: at least ``MIN_RECALL``.
- False alarms: every message in the training and test data (``examples:`` blocks
  of ``data/**/*.yml``, ``tests/nlu_heldout*/``, ``tests/nlu_dev/``, and the
  ``message`` and ``history`` of ``tests/realistic/*.yml``) is redacted; the share
  that changes must stay at or below ``MAX_ALTERED``. Messages that hold personal
  data on purpose (letters signed "T. Hendriks") are listed in
  ``tests/privacy/repo_personal_data.yml``; they are checked for recall instead.
- Cost: microseconds per message for ``privacy.redact.redact``.

Run ``python -m scripts.privacy_eval`` (``--misses`` and ``--altered`` list the cases).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Sequence, Tuple

import yaml

from privacy.detect import Span, find_personal_data
from privacy.redact import redact
from scripts.nlu_data import plain_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "privacy" / "personal_data.yml"
REPO_PERSONAL_DATA = ROOT / "tests" / "privacy" / "repo_personal_data.yml"
MIN_RECALL = 0.98
MAX_ALTERED = 0.01
# (glob relative to the repository, kind of file)
MESSAGE_SOURCES: Tuple[Tuple[str, str], ...] = (
    ("data/**/*.yml", "nlu"),
    ("tests/nlu_heldout/*.yml", "nlu"),
    ("tests/nlu_heldout_en/*.yml", "nlu"),
    ("tests/nlu_dev/*.yml", "nlu"),
    ("tests/realistic/*.yml", "realistic"),
)

Detector = Callable[[str], List[Span]]


@dataclass(frozen=True)
class Case:
    """One message with personal data.

    Attributes:
        text: The message.
        remove: The pieces that must disappear.
    """

    text: str
    remove: Tuple[str, ...]


@dataclass
class Figures:
    """Counts of one measurement and the cases that failed it.

    Attributes:
        total: Number of cases or messages.
        failed: The cases that were missed, or the messages that were altered.
        seconds: Time spent detecting, in seconds.
    """

    total: int = 0
    failed: List[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def share_failed(self) -> float:
        """Failed cases as a share of all (0 when there are none)."""
        return len(self.failed) / self.total if self.total else 0.0

    @property
    def microseconds_per_message(self) -> float:
        """Average detection time per message."""
        return self.seconds / self.total * 1e6 if self.total else 0.0


def load_cases(path: Path = CORPUS) -> List[Case]:
    """Reads a corpus of personal-data cases.

    Args:
        path: YAML list of ``{text, remove}`` mappings.

    Returns:
        The cases.

    Raises:
        ValueError: A piece to remove does not occur in its text.
    """
    cases = [Case(item["text"], tuple(item["remove"])) for item in yaml.safe_load(path.read_text("utf-8"))]
    for case in cases:
        for piece in case.remove:
            if piece not in case.text:
                raise ValueError(f"{piece!r} is not in {case.text!r}")
    return cases


def _nlu_messages(path: Path) -> List[str]:
    """Returns the examples of every block with ``examples:`` in a Rasa NLU file."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    messages: List[str] = []
    for block in content.get("nlu") or []:
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                messages.append(plain_text(line[2:].strip()))
    return messages


def _realistic_messages(path: Path) -> List[str]:
    """Returns the user messages (history and message) of a realistic test set."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    messages: List[str] = []
    for case in cases if isinstance(cases, list) else []:
        messages.extend(str(turn) for turn in case.get("history") or [])
        messages.append(str(case["message"]))
    return messages


def repo_messages(root: Path = ROOT) -> List[Tuple[str, str]]:
    """Returns every user message in the project's training and test data.

    Args:
        root: The repository.

    Returns:
        ``(file, message)`` pairs, file relative to the repository.
    """
    readers = {"nlu": _nlu_messages, "realistic": _realistic_messages}
    found: List[Tuple[str, str]] = []
    for pattern, kind in MESSAGE_SOURCES:
        for path in sorted(root.glob(pattern)):
            found.extend((path.relative_to(root).as_posix(), text) for text in readers[kind](path))
    return found


def messages_without_personal_data(root: Path = ROOT) -> List[str]:
    """Returns the project's messages minus those listed as holding personal data on purpose."""
    listed = {case.text for case in load_cases(REPO_PERSONAL_DATA)}
    return [text for _, text in repo_messages(root) if text not in listed]


def missed_pieces(case: Case, spans: Sequence[Span]) -> List[str]:
    """Returns the pieces of ``case`` that some occurrence of is not inside a detected span."""
    missed: List[str] = []
    for piece in case.remove:
        start = case.text.find(piece)
        while start >= 0:
            end = start + len(piece)
            if not any(span.start <= start and end <= span.end for span in spans):
                missed.append(piece)
                break
            start = case.text.find(piece, start + 1)
    return missed


def measure_recall(cases: Iterable[Case], detector: Detector = find_personal_data) -> Figures:
    """Counts the cases whose personal data is not fully inside detected spans.

    Args:
        cases: The corpus.
        detector: Returns spans for a text.

    Returns:
        The figures; ``failed`` names each missed case and piece.
    """
    figures = Figures()
    for case in cases:
        started = time.perf_counter()
        spans = detector(case.text)
        figures.seconds += time.perf_counter() - started
        figures.total += 1
        missed = missed_pieces(case, spans)
        if missed:
            figures.failed.append(f"{case.text!r}: missed {missed}")
    return figures


def measure_false_alarms(messages: Iterable[str], detector: Detector = find_personal_data) -> Figures:
    """Counts the messages that redaction would alter.

    Args:
        messages: Messages without personal data.
        detector: Returns spans for a text.

    Returns:
        The figures; ``failed`` shows each altered message with its spans.
    """
    figures = Figures()
    for text in messages:
        started = time.perf_counter()
        spans = detector(text)
        figures.seconds += time.perf_counter() - started
        figures.total += 1
        if spans:
            pieces = [f"{span.kind}:{text[span.start:span.end]!r}" for span in spans]
            figures.failed.append(f"{text[:160]!r} -> {pieces}")
    return figures


def redaction_cost(messages: Sequence[str], rounds: int = 3) -> float:
    """Returns the best average time of ``redact`` per message, in microseconds, over a few rounds."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in messages:
            redact(text)
        best = min(best, time.perf_counter() - started)
    return best / max(1, len(messages)) * 1e6


def main(argv: Sequence[str] | None = None) -> int:
    """Prints recall, false alarms and cost; returns 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the cases that were missed")
    parser.add_argument("--altered", action="store_true", help="list the messages that were altered")
    args = parser.parse_args(argv)
    cases = load_cases() + load_cases(REPO_PERSONAL_DATA)
    recall = measure_recall(cases)
    clean = messages_without_personal_data()
    alarms = measure_false_alarms(clean)
    print(f"recall: {recall.total - len(recall.failed)}/{recall.total} cases redacted "
          f"({1 - recall.share_failed:.1%}; target >= {MIN_RECALL:.0%})")
    print(f"false alarms: {len(alarms.failed)}/{alarms.total} messages altered "
          f"({alarms.share_failed:.2%}; target <= {MAX_ALTERED:.0%})")
    print(f"cost of redact(): {redaction_cost([c.text for c in cases]):.0f} us per message with personal "
          f"data, {redaction_cost(clean):.0f} us per message without")
    listings = (("missed", recall.failed, args.misses), ("altered", alarms.failed, args.altered))
    for title, lines, wanted in listings:
        if wanted:
            print(f"\n{title}:")
            print("\n".join(f"  {line}" for line in lines))
    ok = 1 - recall.share_failed >= MIN_RECALL and alarms.share_failed <= MAX_ALTERED
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
