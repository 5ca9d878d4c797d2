"""FAQ topic catalogue: button titles and canonical questions, in Dutch and English.

Pure logic without Rasa imports, so it is unit-tested on its own. The text lives
in ``actions/data/topics.yml`` (``title`` and ``question`` in Dutch, ``title_en``
and ``question_en`` in English), never in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import yaml

TOPICS_FILE = Path(__file__).parent / "data" / "topics.yml"
RETRIEVAL_INTENT = "faq"


@dataclass(frozen=True)
class Topic:
    """One FAQ topic.

    Attributes:
        key: Topic id, the part after ``faq/`` in the retrieval intent.
        title: Short Dutch button title.
        question: Canonical Dutch question; sent as the button payload.
        title_en: Short English button title; empty when not translated yet.
        question_en: Canonical English question; empty when not translated yet.
    """

    key: str
    title: str
    question: str
    title_en: str = ""
    question_en: str = ""

    def title_in(self, language: str) -> str:
        """Returns the title in ``language`` ("en" or Dutch), falling back to Dutch."""
        return (self.title_en if language == "en" else "") or self.title

    def question_in(self, language: str) -> str:
        """Returns the canonical question in ``language`` ("en" or Dutch), falling back to Dutch."""
        return (self.question_en if language == "en" else "") or self.question

    def as_button(self, language: str = "nl") -> Dict[str, str]:
        """Returns the topic as a Rasa button in ``language`` (title shown, question sent)."""
        return {"title": self.title_in(language), "payload": self.question_in(language)}


@dataclass(frozen=True)
class Catalogue:
    """All FAQ topics plus the extra buttons (person, something else)."""

    topics: Mapping[str, Topic]
    extra: Mapping[str, Topic]

    def topic(self, key: str) -> Optional[Topic]:
        """Returns the topic with this key, or None if unknown."""
        return self.topics.get(key)


def _parse_entries(raw: Mapping[str, Any], section: str) -> Dict[str, Topic]:
    entries = raw.get(section)
    if not isinstance(entries, dict) or not entries:
        raise ValueError(f"{TOPICS_FILE}: section '{section}' is missing or empty")
    parsed: Dict[str, Topic] = {}
    for key, value in entries.items():
        title = (value or {}).get("title")
        question = (value or {}).get("question")
        if not title or not question:
            raise ValueError(f"{TOPICS_FILE}: '{section}.{key}' needs a title and a question")
        parsed[key] = Topic(key=key, title=str(title), question=str(question),
                            title_en=str((value or {}).get("title_en") or ""),
                            question_en=str((value or {}).get("question_en") or ""))
    return parsed


@lru_cache(maxsize=1)
def load_catalogue(path: Path = TOPICS_FILE) -> Catalogue:
    """Loads and checks the topic catalogue.

    Args:
        path: YAML file with ``topics`` and ``extra_buttons`` sections.

    Returns:
        The parsed catalogue.

    Raises:
        ValueError: If a section or a field is missing.
    """
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return Catalogue(
        topics=_parse_entries(raw, "topics"),
        extra=_parse_entries(raw, "extra_buttons"),
    )


def ranked_topics(parse_data: Mapping[str, Any], catalogue: Catalogue) -> List[Topic]:
    """Returns the FAQ topics ranked by the ResponseSelector, best first.

    Args:
        parse_data: ``tracker.latest_message`` of the user turn.
        catalogue: The topic catalogue.

    Returns:
        Known topics in ranking order, without duplicates.
    """
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    ranking: Iterable[Mapping[str, Any]] = selector.get("ranking") or []
    ordered: List[Topic] = []
    for entry in ranking:
        key = str(entry.get("intent_response_key", "")).partition("/")[2]
        topic = catalogue.topic(key)
        if topic is not None and topic not in ordered:
            ordered.append(topic)
    return ordered
