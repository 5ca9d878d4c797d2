"""FAQ topic catalogue: button titles and canonical questions, in Dutch and English.

Pure logic without Rasa imports, so it is unit-tested on its own. The Dutch
and English text lives in ``actions/data/topics.yml``, never in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import yaml

TOPICS_FILE = Path(__file__).parent / "data" / "topics.yml"
RETRIEVAL_INTENT = "faq"
ENGLISH = "en"


@dataclass(frozen=True)
class Topic:
    """One FAQ topic.

    Attributes:
        key: Topic id, the part after ``faq/`` in the retrieval intent.
        title: Short Dutch button title.
        question: Canonical Dutch question; sent as the button payload.
        title_en: Short English button title.
        question_en: Canonical English question; the payload of English buttons.
    """

    key: str
    title: str
    question: str
    title_en: str = ""
    question_en: str = ""

    def title_in(self, language: Optional[str]) -> str:
        """Returns the button title in a language (``"en"``; anything else is Dutch)."""
        return (self.title_en if language == ENGLISH else "") or self.title

    def question_in(self, language: Optional[str]) -> str:
        """Returns the canonical question in a language (``"en"``; anything else is Dutch)."""
        return (self.question_en if language == ENGLISH else "") or self.question

    def as_button(self, language: Optional[str] = None) -> Dict[str, str]:
        """Returns the topic as a Rasa button (title shown, question sent).

        Args:
            language: ``"en"`` for English; anything else (the default) gives Dutch.
        """
        return {"title": self.title_in(language), "payload": self.question_in(language)}


@dataclass(frozen=True)
class Catalogue:
    """All FAQ topics plus the extra buttons (person, something else)."""

    topics: Mapping[str, Topic]
    extra: Mapping[str, Topic]

    def topic(self, key: str) -> Optional[Topic]:
        """Returns the topic with this key, or None if unknown."""
        return self.topics.get(key)


_TEXT_FIELDS = ("title", "question", "title_en", "question_en")
# The English fields may be missing while a topic is being translated: Dutch is shown instead
# (tests/test_topics.py requires them for every topic of the real file).
_REQUIRED_FIELDS = ("title", "question")


def _parse_entries(raw: Mapping[str, Any], section: str) -> Dict[str, Topic]:
    entries = raw.get(section)
    if not isinstance(entries, dict) or not entries:
        raise ValueError(f"{TOPICS_FILE}: section '{section}' is missing or empty")
    parsed: Dict[str, Topic] = {}
    for key, value in entries.items():
        fields = {name: (value or {}).get(name) for name in _TEXT_FIELDS}
        missing = [name for name in _REQUIRED_FIELDS if not fields[name]]
        if missing:
            raise ValueError(f"{TOPICS_FILE}: '{section}.{key}' needs {', '.join(missing)}")
        parsed[key] = Topic(key=key, **{name: str(text or "") for name, text in fields.items()})
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
