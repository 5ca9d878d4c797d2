"""Recognises near misses: questions that share a word with the breach but ask about something else.

"Wat doet het aandeel Eurofins?", "Wordt het morgen mooi weer in Rijswijk?", "Was
er ook een datalek bij mijn tandarts?", "Wie is er schuldig, wat vind jij?": one
word matches a topic, so the classifiers tend to answer it. The categories and
their patterns live in ``understanding/data/scope.yml``; a message that names
the breach itself (the lab, the cervical screening) is never a near miss.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Pattern, Tuple

import yaml

from understanding.emotion import fold

SCOPE_FILE = Path(__file__).resolve().parent / "data" / "scope.yml"


def _compile(items: List[str], where: str) -> Pattern:
    if not items or not all(isinstance(item, str) and item for item in items):
        raise ValueError(f"{where} needs a list of patterns")
    try:
        return re.compile("|".join(f"(?:{item})" for item in items))
    except re.error as error:
        raise ValueError(f"invalid pattern in {where}: {error}") from error


@lru_cache(maxsize=4)
def load_scope(path: Path = SCOPE_FILE) -> Tuple[Pattern, Dict[str, Pattern], FrozenSet[str]]:
    """Reads and compiles the in-scope pattern and the near-miss categories.

    Args:
        path: The YAML file.

    Returns:
        The in-scope pattern, category -> pattern (in the file's order) and the
        categories that count even in a message that names the breach.

    Raises:
        ValueError: A list is missing or empty, or a pattern is invalid.
    """
    raw = _raw(path)
    categories = raw.get("categories") or {}
    if not categories:
        raise ValueError(f"{path}: no categories")
    in_scope = _compile(raw.get("in_scope") or [], f"{path}: in_scope")
    anywhere = frozenset(raw.get("anywhere") or [])
    if not anywhere <= set(categories) or not set(raw.get("intents") or {}) <= set(categories):
        raise ValueError(f"{path}: 'anywhere' or 'intents' names an unknown category")
    compiled = {name: _compile(items, f"{path}: {name}") for name, items in categories.items()}
    return in_scope, compiled, anywhere


def intent_of(category: str, path: Path = SCOPE_FILE) -> str:
    """The intent a near-miss category gets: ``out_of_scope`` unless the file's ``intents`` says otherwise."""
    raw = _raw(path)
    return str((raw.get("intents") or {}).get(category, "out_of_scope"))


@lru_cache(maxsize=4)
def _raw(path: Path) -> Dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def near_miss(text: str) -> Optional[str]:
    """The near-miss category of a message, or None when it may be about the breach.

    Args:
        text: The message.

    Returns:
        A category name of the scope file, or None.
    """
    in_scope, categories, anywhere = load_scope()
    folded = fold(text)
    about_breach = bool(in_scope.search(folded))
    return next((name for name, pattern in categories.items()
                 if (name in anywhere or not about_breach) and pattern.search(folded)), None)
