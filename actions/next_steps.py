"""Configuration of the personal next-steps flows and the links they give.

``actions/data/flows.yml`` says, per situation, kind of leaked data and result
of the "zit ik erbij?" check, which domain response holds the advice and which
guidance registry topics give its links. This module loads and checks that
file and picks the links. Pure logic without Rasa imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

from actions.guidance import ACTION_TOPICS, TOPICS, Entry, Registry

FLOWS_FILE = Path(__file__).parent / "data" / "flows.yml"
MAX_LINKS = 2
SECTIONS = ("situations", "data_kinds", "affected_results")


@dataclass(frozen=True)
class Advice:
    """What the assistant sends for one choice.

    Attributes:
        key: The slot value (situation, kind of data or result).
        response: Name of the domain response with the advice.
        link_topics: Registry topics, best first; each gives at most one link.
        phone_topics: Registry topics whose first phone number is given.
        synonyms: Typed words that mean this choice.
    """

    key: str
    response: str
    link_topics: Tuple[str, ...]
    phone_topics: Tuple[str, ...] = ()
    synonyms: Tuple[str, ...] = ()


@dataclass(frozen=True)
class FlowsConfig:
    """All of ``flows.yml``.

    Attributes:
        situations: Advice per situation, in matching priority order.
        data_kinds: Checklist per kind of leaked data.
        affected_results: Advice per result of the "zit ik erbij?" check.
        answers: Synonyms per answer of a yes/no question (yes, no, unknown).
        stop_phrases: Words that end a flow.
    """

    situations: Mapping[str, Advice]
    data_kinds: Mapping[str, Advice]
    affected_results: Mapping[str, Advice]
    answers: Mapping[str, Tuple[str, ...]]
    stop_phrases: Tuple[str, ...]


def _words(value: Any) -> Tuple[str, ...]:
    return tuple(str(word) for word in value or ())


def _parse_advice(section: str, raw: Any) -> Tuple[Dict[str, Advice], List[str]]:
    if not isinstance(raw, dict) or not raw:
        return {}, [f"section '{section}' is missing or empty"]
    advice: Dict[str, Advice] = {}
    problems: List[str] = []
    for key, item in raw.items():
        item = item or {}
        if not item.get("response"):
            problems.append(f"{section}.{key}: missing 'response'")
            continue
        entry = Advice(key=str(key), response=str(item["response"]),
                       link_topics=_words(item.get("link_topics")),
                       phone_topics=_words(item.get("phone_topics")),
                       synonyms=_words(item.get("synonyms")))
        unknown = [t for t in entry.link_topics + entry.phone_topics if t not in TOPICS]
        problems += [f"{section}.{key}: unknown topic '{topic}'" for topic in unknown]
        if entry.link_topics and entry.link_topics[0] not in ACTION_TOPICS:
            problems.append(f"{section}.{key}: first link topic '{entry.link_topics[0]}' has no checked link")
        if not entry.link_topics and not entry.phone_topics:
            problems.append(f"{section}.{key}: needs link_topics or phone_topics")
        advice[entry.key] = entry
    return advice, problems


def parse_flows(raw: Any) -> FlowsConfig:
    """Builds the configuration from the parsed YAML.

    Args:
        raw: The parsed ``flows.yml``.

    Returns:
        The configuration.

    Raises:
        ValueError: Listing every problem, if the file breaks a rule.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"{FLOWS_FILE}: must be a mapping")
    parsed: Dict[str, Dict[str, Advice]] = {}
    problems: List[str] = []
    for section in SECTIONS:
        parsed[section], section_problems = _parse_advice(section, raw.get(section))
        problems += section_problems
    answers = raw.get("answers") or {}
    if set(answers) != {"yes", "no", "unknown"}:
        problems.append("section 'answers' needs exactly yes, no and unknown")
    if not raw.get("stop_phrases"):
        problems.append("section 'stop_phrases' is missing or empty")
    if problems:
        raise ValueError(f"{FLOWS_FILE} is invalid:\n" + "\n".join(f"  - {p}" for p in problems))
    return FlowsConfig(
        situations=parsed["situations"],
        data_kinds=parsed["data_kinds"],
        affected_results=parsed["affected_results"],
        answers={key: _words(words) for key, words in answers.items()},
        stop_phrases=_words(raw["stop_phrases"]),
    )


@lru_cache(maxsize=1)
def load_flows(path: Path = FLOWS_FILE) -> FlowsConfig:
    """Loads and checks ``flows.yml`` once per process.

    Args:
        path: The YAML file.

    Returns:
        The configuration.

    Raises:
        ValueError: If the file breaks a rule.
    """
    return parse_flows(yaml.safe_load(path.read_text(encoding="utf-8")))


def guidance_for(advice: Advice, registry: Registry, language: str = "nl") -> List[Entry]:
    """Picks the links and phone numbers to send with an advice.

    Takes the best link of each link topic in turn (skipping links already
    taken), keeps at most ``MAX_LINKS`` with checked links before URL-only
    ones, then adds the first phone number of each phone topic.

    Args:
        advice: The advice.
        registry: The guidance registry.
        language: The reader's language.

    Returns:
        Links (primary first), then phone numbers.
    """
    links: List[Entry] = []
    for topic in advice.link_topics:
        fresh = [entry for entry in registry.links_for(topic, language) if entry not in links]
        if fresh:
            links.append(fresh[0])
    links = sorted(links, key=lambda entry: not entry.checked)[:MAX_LINKS]
    phones: List[Entry] = []
    for topic in advice.phone_topics:
        fresh = [entry for entry in registry.phones_for(topic) if entry not in phones]
        if fresh:
            phones.append(fresh[0])
    return links + phones


def affected_result(took_part: str, since_2017: str, got_letter: str) -> str:
    """Returns the result of the "zit ik erbij?" check.

    Args:
        took_part: Answer to "did you take part in the cervical screening?"
            (``yes``, ``no`` or ``unknown``).
        since_2017: Answer to "was that in 2017 or later?" (may be empty when
            it was not asked).
        got_letter: Answer to "did you get a letter?" (may be empty when it was
            not asked).

    Returns:
        A key of ``affected_results``: ``not_participated``, ``letter``,
        ``before_2017`` or ``no_letter``.
    """
    if took_part == "no":
        return "not_participated"
    if got_letter == "yes":
        return "letter"
    if took_part == "yes" and since_2017 in ("no", "unknown"):
        return "before_2017"
    return "no_letter"
