"""Scores whole replies of the assistant against the realistic test cases.

A reply is a list of bot messages. Each message is identified as one response of
the domain (the response key) by its text, so the score checks what the
assistant really said, not what its NLU predicted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from scripts.domain_files import domain_files as project_domain_files

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
KINDS = ("multi", "followup", "emotion", "near_miss", "english", "single")
PLACEHOLDER = re.compile(r"\{[a-z_0-9]+\}")
BUBBLE_BREAK = re.compile(r"\n\s*\n")


def normalise(text: str) -> str:
    """Lower-cases ``text``, folds Unicode and collapses white space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Case:
    """One test case: earlier turns, the scored message and what its reply must (not) contain."""

    id: str
    kind: str
    lang: str
    message: str
    expect: Tuple[str, ...]
    history: Tuple[str, ...] = ()
    facts: Tuple[Tuple[str, ...], ...] = ()
    forbid: Tuple[str, ...] = ()
    note: str = ""


def load_cases(path: Path = HERE / "cases.yml") -> List[Case]:
    """Reads the test cases."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in raw:
        cases.append(Case(
            id=str(item["id"]), kind=str(item["kind"]), lang=str(item.get("lang", "nl")),
            message=str(item["message"]), expect=tuple(item.get("expect") or ()),
            history=tuple(str(h) for h in item.get("history") or ()),
            facts=tuple(tuple(str(a) for a in group) for group in item.get("facts") or ()),
            forbid=tuple(str(f) for f in item.get("forbid") or ()), note=str(item.get("note", ""))))
    return cases


def load_topic_map(path: Path = HERE / "topics.yml") -> Dict[str, Tuple[str, ...]]:
    """Reads the map from the test set's topic names to the response keys that answer them."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {topic: tuple(keys) for topic, keys in raw["topics"].items()}


def _response_texts(domain_files: Iterable[Path]) -> Iterable[Tuple[str, str]]:
    for file in domain_files:
        content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for key, variations in (content.get("responses") or {}).items():
            for variation in variations or []:
                if variation.get("text"):
                    yield key, variation["text"]


class ResponseIndex:
    """Finds which response of the domain a bot message is.

    Args:
        domain_files: The domain files (domain.yml and data/responses/*.yml when None).
    """

    def __init__(self, domain_files: Optional[Iterable[Path]] = None) -> None:
        files = list(domain_files) if domain_files is not None else project_domain_files(ROOT)
        self._exact: Dict[str, str] = {}
        self._patterns: List[Tuple[re.Pattern, str]] = []
        for key, whole in _response_texts(files):
            self._add(key, whole)
            for bubble in BUBBLE_BREAK.split(whole):
                self._add(key, bubble)

    def _add(self, key: str, text: str) -> None:
        """Indexes one bubble of a response (a placeholder matches any text)."""
        norm = normalise(text)
        if not norm:
            return
        if PLACEHOLDER.search(norm):
            parts = PLACEHOLDER.split(norm)
            self._patterns.append((re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$", re.S), key))
        else:
            self._exact.setdefault(norm, key)

    def key_of(self, message: str) -> Optional[str]:
        """Returns the response key of a bot message, or None when no response has this text.

        A message may be a whole response or one of its bubbles (channels split some).
        """
        found = self._key_of_text(message)
        if found is None:
            found = next((k for k in map(self._key_of_text, BUBBLE_BREAK.split(message)) if k), None)
        return found

    def _key_of_text(self, message: str) -> Optional[str]:
        norm = normalise(message)
        if norm in self._exact:
            return self._exact[norm]
        for pattern, key in self._patterns:
            if pattern.match(norm):
                return key
        return None


@dataclass
class Verdict:
    """The outcome of one case."""

    case: Case
    keys: List[Optional[str]]
    passed: bool
    problems: List[str] = field(default_factory=list)


SOFT_TOPICS = ("ack_", "out_of_scope", "unknown", "contact")
# The advice after a feeling (what the person can do) fits any reply to that feeling.
SOFT_RESPONSES = ("utter_emotion_",)


def content_keys(topic_map: Dict[str, Tuple[str, ...]]) -> set:
    """The responses that answer a question of substance: those of every topic but the soft ones.

    Acknowledgements, "I cannot answer that" and the contact details may come
    with any answer, and so may the advice that follows a feeling (what the
    person can do, SOFT_RESPONSES), though it answers some topics too; an answer
    of substance must have been asked for.
    """
    keys: set = set()
    for topic, accepted in topic_map.items():
        if not topic.startswith(SOFT_TOPICS):
            keys.update(key for key in accepted if not key.startswith(SOFT_RESPONSES))
    return keys


def judge(case: Case, replies: Sequence[Dict[str, Any]], index: ResponseIndex,
          topic_map: Dict[str, Tuple[str, ...]]) -> Verdict:
    """Checks one reply against its case.

    The reply passes when every expected topic is answered by one of its
    responses, every fact group has a match, no forbidden text appears, and no
    FAQ answer appears that none of the expected topics allows.

    Args:
        case: The test case.
        replies: The bot messages of the scored turn (REST channel JSON objects).
        index: Identifies responses by their text.
        topic_map: Topic name -> response keys that answer it.

    Returns:
        The verdict with the problems found.
    """
    texts = [str(r.get("text") or "") for r in replies]
    keys = [index.key_of(t) for t in texts]
    whole = normalise("\n".join(texts))
    problems: List[str] = []
    allowed: set = set()
    for topic in case.expect:
        accepted = topic_map.get(topic)
        if accepted is None:
            problems.append(f"unknown topic {topic!r} in the case")
            continue
        allowed.update(accepted)
        if not any(k in accepted for k in keys if k):
            problems.append(f"missing {topic}")
    for group in case.facts:
        if not any(normalise(alt) in whole for alt in group):
            problems.append(f"missing fact {list(group)}")
    for text in case.forbid:
        if normalise(text) in whole:
            problems.append(f"forbidden {text!r}")
    substantive = content_keys(topic_map)
    for key in keys:
        if key in substantive and key not in allowed:
            problems.append(f"unexpected {key}")
    if not texts:
        problems.append("no reply")
    return Verdict(case=case, keys=keys, passed=not problems, problems=problems)


def summarise(verdicts: Sequence[Verdict]) -> Dict[str, Tuple[int, int]]:
    """Returns (passed, total) per kind and for all cases (key ``all``)."""
    table: Dict[str, Tuple[int, int]] = {}
    for kind in (*KINDS, "all"):
        chosen = [v for v in verdicts if kind == "all" or v.case.kind == kind]
        if chosen:
            table[kind] = (sum(v.passed for v in chosen), len(chosen))
    return table
