"""The texts of operator control: a withdrawn answer, safe mode, the notice line.

They live in ``operations/texts.yml`` with registry ids instead of links; the
links come from the guidance registry, so none is written here or invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Sequence

import yaml

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "actions" / "data" / "guidance.yml"
TEXTS_FILE = Path(__file__).resolve().parent / "texts.yml"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


@dataclass(frozen=True)
class Texts:
    """The filled-in texts, per language.

    Attributes:
        withdrawn: The answer in place of a withdrawn one.
        safe_mode: The only answer in safe mode.
        notice: The notice line's template (``{date}``, ``{text}``).
    """

    withdrawn: Mapping[str, str]
    safe_mode: Mapping[str, str]
    notice: Mapping[str, str]


def registry_urls(registry_file: Path) -> Dict[str, str]:
    """The address of every link in the guidance registry, by id.

    Args:
        registry_file: ``actions/data/guidance.yml`` or the file of ``GUIDANCE_REGISTRY``.
    """
    data = yaml.safe_load(registry_file.read_text(encoding="utf-8")) or {}
    return {str(entry["id"]): str(entry["url"]) for entry in data.get("links") or [] if entry.get("url")}


def _filled(section: Mapping[str, object], urls: Mapping[str, str]) -> Dict[str, str]:
    ids: Sequence[str] = list(section.get("links") or [])  # type: ignore[arg-type]
    missing = [i for i in ids if i not in urls]
    if missing:
        raise ValueError(f"operations/texts.yml names links that the guidance registry lacks: {missing}")
    links = "\n".join(urls[i] for i in ids)
    return {language: str(section[language]).replace("{links}", links) for language in LANGUAGES}


@lru_cache(maxsize=4)
def load_texts(registry_file: Path, texts_file: Path = TEXTS_FILE) -> Texts:
    """Reads the texts and fills in their links from the registry (once per registry file).

    Args:
        registry_file: The guidance registry.
        texts_file: The texts file.

    Raises:
        ValueError: A text names a link id that is not in the registry.
    """
    data = yaml.safe_load(texts_file.read_text(encoding="utf-8"))
    urls = registry_urls(registry_file)
    return Texts(withdrawn=_filled(data["withdrawn"], urls), safe_mode=_filled(data["safe_mode"], urls),
                 notice={language: str(data["notice"][language]) for language in LANGUAGES})


def without_links(texts_file: Path = TEXTS_FILE) -> Texts:
    """The texts with their links left out (when no registry can fill them in)."""
    data = yaml.safe_load(texts_file.read_text(encoding="utf-8"))
    return Texts(withdrawn=_filled({**data["withdrawn"], "links": []}, {}),
                 safe_mode=_filled({**data["safe_mode"], "links": []}, {}),
                 notice={language: str(data["notice"][language]) for language in LANGUAGES})


def written_date(day: date, language: str) -> str:
    """``7 december 2026`` (Dutch) or ``7 December 2026`` (English)."""
    months = MONTHS.get(language, MONTHS[DEFAULT_LANGUAGE])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def in_language(texts: Mapping[str, str], language: str) -> str:
    """The text in ``language``, else the Dutch one."""
    return texts.get(language) or texts[DEFAULT_LANGUAGE]


def all_texts(texts: Texts) -> List[str]:
    """Every filled-in text (for the content check's test)."""
    return [*texts.withdrawn.values(), *texts.safe_mode.values()]
