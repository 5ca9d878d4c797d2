"""Guidance registry: the only external links and phone numbers the assistant gives.

The entries live in ``actions/data/guidance.yml`` (or the file named by the
``GUIDANCE_REGISTRY`` environment variable). ``Registry.load`` reads and checks
the file and reports every problem at once; the action server loads it when it
starts (see ``actions/__init__.py``), so a broken registry stops the server
before the first user question. Pure logic without Rasa imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union
from urllib.parse import urlsplit

import yaml

import settings

DEFAULT_REGISTRY = Path(__file__).parent / "data" / "guidance.yml"
REGISTRY_ENV = "GUIDANCE_REGISTRY"

CHECKED = "checked"
URL_ONLY = "url-only"
STATUSES = (CHECKED, URL_ONLY)
# What the last link check (``make check-links``) found; NOT_CHECKED when none was
# recorded, and then ``checked_on`` is empty. Phone numbers cannot be checked there.
NOT_CHECKED = "not checked"
CHECK_OK = "ok"
CHECK_REDIRECT = "redirect"
CHECK_BROKEN = "broken"
CHECK_NO_ANSWER = "no answer"
CHECK_RESULTS = (CHECK_OK, CHECK_REDIRECT, CHECK_BROKEN, CHECK_NO_ANSWER)
OWNERS = frozenset({
    "Rijksoverheid",
    "RvIG/CMI",
    "Autoriteit Persoonsgegevens",
    "Politie",
    "Fraudehelpdesk",
    "RIVM",
    "BVO NL",
    "113 Zelfmoordpreventie",
})
LANGUAGES = ("nl", "en")

# Every topic an entry may carry.
TOPICS = frozenset({
    "identity_fraud",
    "bsn",
    "data_breach_victim",
    "access_request",
    "complaint",
    "police_report",
    "fraud_report",
    "phishing",
    "check_link",
    "screening",
    "bvo_contact",
    "emergency",
    "suicide_prevention",
})
# Topics the actions may ask ``links_for``: each needs at least one checked entry.
# ``check_link`` and ``bvo_contact`` are left out on purpose: the brief lists only
# URL-only pages for them, so they may only appear as secondary links; the same for
# ``suicide_prevention`` (113), which only utter_distress_113 gives.
ACTION_TOPICS = TOPICS - {"check_link", "bvo_contact", "suicide_prevention"}

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PHONE_RE = re.compile(r"^\d{3,4}( \d{2,4}){0,3}$")
_COMMON_FIELDS = {"id", "title", "owner", "topics", "status", "checked_on", "check"}
_LINK_FIELDS = _COMMON_FIELDS | {"url", "language"}
_PHONE_FIELDS = _COMMON_FIELDS | {"number", "hours"}


class RegistryError(ValueError):
    """The registry file is missing, unreadable or breaks a rule."""


@dataclass(frozen=True)
class Entry:
    """One link or phone number the assistant may give.

    Attributes:
        id: Unique id, used by actions.
        title: Title per language (``nl`` and ``en``).
        owner: Organisation responsible for the page or number.
        topics: Topic ids the entry helps with.
        status: ``checked`` or ``url-only``.
        checked_on: Date of the last recorded link check, or None when none was recorded.
        url: The https address, for links; empty for phones.
        number: The phone number as written in Dutch, for phones; empty for links.
        hours: Opening hours per language, where known.
        language: Language of the page (links).
        check: What that check found (``CHECK_RESULTS``), or ``not checked``.
    """

    id: str
    title: Mapping[str, str]
    owner: str
    topics: Tuple[str, ...]
    status: str
    checked_on: Optional[date]
    url: str = ""
    number: str = ""
    hours: Optional[Mapping[str, str]] = None
    language: str = "nl"
    check: str = NOT_CHECKED

    @property
    def is_link(self) -> bool:
        """Whether the entry is a web link (else a phone number)."""
        return bool(self.url)

    @property
    def checked(self) -> bool:
        """Whether the page text or number was checked (not URL only)."""
        return self.status == CHECKED

    def title_in(self, language: str) -> str:
        """Returns the title in ``language``, falling back to Dutch."""
        return self.title.get(language) or self.title["nl"]


def digits(number: str) -> str:
    """Returns only the digits of a phone number, for comparing spellings."""
    return re.sub(r"\D", "", number)


class Registry:
    """All guidance entries, by id and by topic."""

    def __init__(self, entries: Sequence[Entry], source: Union[Path, str] = "<memory>") -> None:
        """Builds a registry from checked entries; use ``Registry.load`` for a file.

        Args:
            entries: The entries, in file order.
            source: Where they came from, for messages.
        """
        self.source = str(source)
        self._entries: Dict[str, Entry] = {entry.id: entry for entry in entries}

    @classmethod
    def load(cls, path: Union[Path, str]) -> Registry:
        """Reads and validates a registry file.

        Args:
            path: YAML file with ``links`` and ``phones`` lists.

        Returns:
            The registry.

        Raises:
            RegistryError: If the file cannot be read or breaks a rule; the message
                lists every problem found.
        """
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise RegistryError(f"guidance registry {path}: cannot read it: {error}") from error
        entries, problems = parse_entries(raw)
        problems += check_entries(entries)
        if problems:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            raise RegistryError(f"guidance registry {path} is invalid:\n{listed}")
        return cls(entries, source=path)

    @property
    def entries(self) -> List[Entry]:
        """All entries, links first, in file order."""
        return list(self._entries.values())

    def get(self, entry_id: str) -> Entry:
        """Returns the entry with this id.

        Raises:
            KeyError: If there is no such entry.
        """
        try:
            return self._entries[entry_id]
        except KeyError:
            raise KeyError(f"no guidance entry '{entry_id}' in {self.source}") from None

    def links_for(self, topic: str, language: str = "nl") -> List[Entry]:
        """Returns the web links for a topic: checked ones first, then URL-only ones.

        Pages in the reader's language come first within each group. A Dutch
        reader gets only Dutch pages; other readers also get Dutch pages, as
        most official pages exist only in Dutch.

        Args:
            topic: A topic id from ``TOPICS``.
            language: The reader's language.

        Returns:
            The links, primary (checked) before secondary (URL-only).

        Raises:
            KeyError: If the topic is unknown.
        """
        return [entry for entry in self._for_topic(topic, language) if entry.is_link]

    def phones_for(self, topic: str) -> List[Entry]:
        """Returns the phone numbers for a topic, checked ones first."""
        return [entry for entry in self._for_topic(topic, "nl") if not entry.is_link]

    def _for_topic(self, topic: str, language: str) -> List[Entry]:
        if topic not in TOPICS:
            raise KeyError(f"unknown guidance topic '{topic}'")
        found = [
            entry for entry in self._entries.values()
            if topic in entry.topics and entry.language in (language, "nl")
        ]
        return sorted(found, key=lambda entry: (not entry.checked, entry.language != language))

    def find_url(self, url: str) -> Optional[Entry]:
        """Returns the entry with exactly this URL, or None."""
        return next((e for e in self._entries.values() if e.url == url), None)

    def find_number(self, number: str) -> Optional[Entry]:
        """Returns the entry with this phone number (spaces ignored), or None."""
        wanted = digits(number)
        return next((e for e in self._entries.values() if e.number and digits(e.number) == wanted), None)


def parse_entries(raw: Any) -> Tuple[List[Entry], List[str]]:
    """Turns the loaded YAML into entries, collecting shape problems.

    Args:
        raw: The parsed YAML document.

    Returns:
        The entries that could be built, and the problems found.
    """
    if not isinstance(raw, dict):
        return [], ["the file must be a mapping with 'links' and 'phones'"]
    problems = [f"unknown section '{key}'" for key in raw if key not in ("links", "phones")]
    entries: List[Entry] = []
    for section, fields in (("links", _LINK_FIELDS), ("phones", _PHONE_FIELDS)):
        items = raw.get(section)
        if not isinstance(items, list) or not items:
            problems.append(f"section '{section}' is missing or empty")
            continue
        for position, item in enumerate(items, start=1):
            where = f"{section}[{position}]"
            if not isinstance(item, dict):
                problems.append(f"{where}: not a mapping")
                continue
            where = f"{section}[{position}] '{item.get('id', '?')}'"
            entry, entry_problems = _parse_entry(item, fields, is_link=section == "links")
            problems += [f"{where}: {problem}" for problem in entry_problems]
            if entry is not None:
                entries.append(entry)
    return entries, problems


def _parse_entry(
    item: Mapping[str, Any], fields: Set[str], is_link: bool
) -> Tuple[Optional[Entry], List[str]]:
    problems = [f"unknown field '{key}'" for key in item if key not in fields]
    required = fields - {"language", "hours", "checked_on"}
    problems += [f"missing field '{key}'" for key in sorted(required) if item.get(key) in (None, "", [])]
    if "checked_on" not in item:
        problems.append("missing field 'checked_on' (empty when no check was recorded)")
    if problems:
        return None, problems
    title = item["title"]
    hours = item.get("hours")
    if not _is_translated(title):
        problems.append("title needs non-empty 'nl' and 'en' texts")
    if hours is not None and not _is_translated(hours):
        problems.append("hours needs non-empty 'nl' and 'en' texts")
    topics = item["topics"]
    if not isinstance(topics, list) or not all(isinstance(topic, str) for topic in topics):
        problems.append("topics must be a list of topic ids")
        topics = []
    if item["checked_on"] is not None and not isinstance(item["checked_on"], date):
        problems.append(f"checked_on must be a date (YYYY-MM-DD) or empty, not {item['checked_on']!r}")
    if problems:
        return None, problems
    entry = Entry(
        id=str(item["id"]),
        title=dict(title),
        owner=str(item["owner"]),
        topics=tuple(topics),
        status=str(item["status"]),
        checked_on=item["checked_on"],
        url=str(item["url"]) if is_link else "",
        number=str(item["number"]) if not is_link else "",
        hours=dict(hours) if hours else None,
        language=str(item.get("language", "nl")),
        check=str(item["check"]),
    )
    return entry, []


def _is_translated(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == set(LANGUAGES) and all(
        isinstance(text, str) and text.strip() for text in value.values()
    )


def check_entries(entries: Sequence[Entry], today: Optional[date] = None) -> List[str]:
    """Checks the rules that span one or more entries.

    Rules: unique ids, URLs and numbers; snake_case ids; https only; known owners,
    statuses, topics and languages; no check date in the future; every topic in
    ``ACTION_TOPICS`` has at least one checked entry.

    Args:
        entries: The parsed entries.
        today: The current date (for tests); defaults to today.

    Returns:
        One message per problem; empty when the entries are valid.
    """
    today = today or date.today()
    problems: List[str] = []
    seen: Dict[str, str] = {}
    for entry in entries:
        for key in (f"id {entry.id}", f"url {entry.url}" if entry.url else "",
                    f"number {digits(entry.number)}" if entry.number else ""):
            if key and key in seen:
                problems.append(f"'{entry.id}': duplicate {key} (also '{seen[key]}')")
            elif key:
                seen[key] = entry.id
        problems += [f"'{entry.id}': {problem}" for problem in _entry_problems(entry, today)]
    for topic in sorted(ACTION_TOPICS):
        if not any(entry.checked and topic in entry.topics for entry in entries):
            problems.append(f"topic '{topic}' has no checked entry")
    return problems


def check_record_problems(entry: Entry, today: Optional[date] = None) -> List[str]:
    """Checks that a check date comes only with a recorded check result.

    ``make check-links`` writes both (``checked_on`` and ``check``); an entry it
    never checked has no date and ``check: not checked``.

    Args:
        entry: One parsed entry.
        today: The current date (for tests); defaults to today.

    Returns:
        One message per problem.
    """
    today = today or date.today()
    if entry.check not in (NOT_CHECKED, *CHECK_RESULTS):
        return [f"check must be one of {', '.join((NOT_CHECKED, *CHECK_RESULTS))}, not '{entry.check}'"]
    if entry.checked_on is None and entry.check != NOT_CHECKED:
        return [f"check '{entry.check}' has no date: set checked_on to the day of the check"]
    if entry.checked_on is not None and entry.check == NOT_CHECKED:
        return [f"checked_on {entry.checked_on} without a recorded check result: run make check-links, "
                f"or set checked_on empty"]
    if entry.checked_on is not None and entry.checked_on > today:
        return [f"checked_on {entry.checked_on} is in the future"]
    return []


def _entry_problems(entry: Entry, today: date) -> List[str]:
    problems = []
    if not _ID_RE.match(entry.id):
        problems.append("id must be snake_case")
    if entry.owner not in OWNERS:
        problems.append(f"unknown owner '{entry.owner}' (known: {', '.join(sorted(OWNERS))})")
    if entry.status not in STATUSES:
        problems.append(f"status must be one of {', '.join(STATUSES)}, not '{entry.status}'")
    problems += [f"unknown topic '{topic}'" for topic in entry.topics if topic not in TOPICS]
    problems += check_record_problems(entry, today)
    if entry.language not in LANGUAGES:
        problems.append(f"language must be one of {', '.join(LANGUAGES)}")
    if entry.is_link:
        parts = urlsplit(entry.url)
        if parts.scheme != "https" or not parts.hostname or re.search(r"\s", entry.url):
            problems.append(f"url must be https with a host name: {entry.url}")
    elif not _PHONE_RE.match(entry.number):
        problems.append(f"number must be digits in groups, like '088 900 10 00': {entry.number}")
    return problems


def registry_path() -> Path:
    """Returns the registry file: ``$GUIDANCE_REGISTRY`` or the packaged default."""
    return Path(settings.get(REGISTRY_ENV) or DEFAULT_REGISTRY)


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Loads the configured registry once per process.

    Raises:
        RegistryError: If the registry is invalid.
    """
    return Registry.load(registry_path())
