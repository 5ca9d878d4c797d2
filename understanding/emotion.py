"""Recognises the feeling in a message, and the messages that need urgent help.

Two results, both from word patterns (no model may be allowed to miss these):

* ``urgent``: ``suicide`` (does not want to live any more), ``blackmail`` ("pay or
  we publish") or ``threat`` (someone's safety is threatened, e.g. an ex-partner
  who must not find an address, or someone at the door). These always get their
  own answer first.
* ``emotion``: ``grief`` (a letter for someone who died), ``fear`` (worry,
  sleeplessness, panic) or ``anger``; the answer then starts with one short,
  fitting sentence.

The patterns live in ``understanding/data/feelings.yml`` (one list per kind) and
are matched on the lower-cased text with accents folded. Negated phrases are not
special-cased: "ik ben niet boos" is rare here and a kind word does no harm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Pattern

import yaml

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "feelings.yml"
URGENT_KINDS = ("suicide", "blackmail", "threat")
# Clauses of a message: cut after sentence marks and commas, and at line breaks.
CLAUSE_END = re.compile(r"(?<=[.!?;,])\s+|\n+")
# What is left after the feeling must have this many words to say something.
MIN_REST_WORDS = 3
EMOTION_KINDS = ("grief", "fear", "anger")


def fold(text: str) -> str:
    """Lower-cases ``text``, folds accents and typographic apostrophes, collapses white space."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


@lru_cache(maxsize=4)
def load_patterns(path: Path = PATTERNS_FILE) -> Dict[str, Pattern]:
    """Reads and compiles the pattern lists, one alternation per kind.

    Args:
        path: The YAML file.

    Returns:
        Kind -> compiled pattern.

    Raises:
        ValueError: A kind is missing or has no patterns, or a pattern is invalid.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    compiled: Dict[str, Pattern] = {}
    for kind in (*URGENT_KINDS, *EMOTION_KINDS):
        items = raw.get(kind) or []
        if not items or not all(isinstance(item, str) and item for item in items):
            raise ValueError(f"{path}: '{kind}' needs a list of patterns")
        try:
            compiled[kind] = re.compile("|".join(f"(?:{item})" for item in items))
        except re.error as error:
            raise ValueError(f"{path}: invalid pattern in '{kind}': {error}") from error
    return compiled


@dataclass(frozen=True)
class Feeling:
    """What a message shows.

    Attributes:
        urgent: "suicide", "blackmail", "threat" or None.
        emotion: "grief", "fear", "anger" or None.
    """

    urgent: Optional[str] = None
    emotion: Optional[str] = None


def read_feeling(text: str, patterns: Optional[Dict[str, Pattern]] = None) -> Feeling:
    """Recognises urgent situations and the strongest feeling in a message.

    Args:
        text: The message.
        patterns: Compiled patterns; those of ``PATTERNS_FILE`` by default.

    Returns:
        The feeling; both fields None for a neutral message. Suicidal thoughts
        without another feeling count as fear.
    """
    patterns = patterns or load_patterns()
    folded = fold(text)
    urgent = next((kind for kind in URGENT_KINDS if patterns[kind].search(folded)), None)
    emotion = next((kind for kind in EMOTION_KINDS if patterns[kind].search(folded)), None)
    if urgent == "suicide" and emotion is None:
        emotion = "fear"
    return Feeling(urgent=urgent, emotion=emotion)



def without_feeling(text: str, patterns: Optional[Dict[str, Pattern]] = None) -> Optional[str]:
    """The message without its clauses of feeling, when something of substance is left.

    "ik ben echt in paniek, straks weet iedereen dat ik een afwijkende uitslag had"
    -> "straks weet iedereen dat ik een afwijkende uitslag had": the worry itself,
    which the classifiers then read without the feeling words around it.

    Args:
        text: The message.
        patterns: Compiled patterns; those of ``PATTERNS_FILE`` by default.

    Returns:
        The clauses without a feeling, joined; None when no clause shows a feeling,
        every clause does, or fewer than ``MIN_REST_WORDS`` words are left.
    """
    patterns = patterns or load_patterns()
    clauses = [clause.strip() for clause in CLAUSE_END.split(text) if clause.strip()]
    if len(clauses) < 2:
        return None
    kept = [clause for clause in clauses
            if not any(patterns[kind].search(fold(clause)) for kind in EMOTION_KINDS)]
    if len(kept) == len(clauses) or not kept:
        return None
    rest = " ".join(kept).strip(" ,;")
    return rest if len(rest.split()) >= MIN_REST_WORDS else None
