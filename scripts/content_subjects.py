"""Dated subjects: every answer that gives a subject's state also gives its latest dated update.

Reads ``latest_updates`` in ``actions/data/content_meta.yml``. Each subject (the
figures, the letters, the lab, the investigations, ...) has the date of its newest
update, the answers that must show it (``responses``) and, optionally, the words
that show an answer is about it (``mentions``, regular expressions, Dutch). Used by
``scripts/content_check.py``; pure functions on the answers' Dutch texts.

Rules (only when ``latest_updates`` is present):

* **mentioned, so tracked**: an answer whose text matches a subject's ``mentions``
  is listed in that subject's ``responses``, so it cannot give the old state alone;
* **dated, so tracked**: an answer with a ``Bron:`` date after ``announcement_date``
  (a dated update of the brief's section 2) is listed under at least one subject.

The date rules per subject (names the date, nothing newer) are in
``content_check.check_dates``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Mapping

from scripts.content_rules import readable_text, source_dates

# The date of the primary source (the announcement); later source dates are updates.
DEFAULT_ANNOUNCEMENT_DATE = date(2025, 8, 11)


def subject_names(meta: Mapping[str, Any]) -> Dict[str, List[str]]:
    """Maps every response listed under ``latest_updates`` to its subjects."""
    found: Dict[str, List[str]] = {}
    for subject, spec in (meta.get("latest_updates") or {}).items():
        for name in (spec or {}).get("responses") or []:
            found.setdefault(name, []).append(subject)
    return found


def check_subjects(texts: Mapping[str, str], meta: Mapping[str, Any]) -> List[str]:
    """Checks that every answer about a dated subject, or with a dated update, is tracked.

    Args:
        texts: Response name (without variation index) to its Dutch texts, joined.
        meta: The parsed content_meta.yml.

    Returns:
        One line per problem.
    """
    updates = meta.get("latest_updates") or {}
    if not updates:
        return []
    problems: List[str] = []
    tracked = subject_names(meta)
    for subject, spec in updates.items():
        listed = set((spec or {}).get("responses") or [])
        for pattern in (spec or {}).get("mentions") or []:
            try:
                mention = re.compile(pattern, re.IGNORECASE)
            except re.error as error:
                problems.append(f"content_meta: latest_updates.{subject}.mentions: {pattern!r}: {error}")
                continue
            for name, text in sorted(texts.items()):
                found = mention.search(readable_text(text))
                if found and name not in listed:
                    problems.append(f"{name}: is about {subject} ({found.group()!r}) but not listed in "
                                    f"latest_updates.{subject}: add it, so it shows the latest update")
    announced = meta.get("announcement_date")
    announced = date.fromisoformat(str(announced)) if announced else DEFAULT_ANNOUNCEMENT_DATE
    for name, text in sorted(texts.items()):
        later = sorted({day for day in source_dates(text) if day > announced})
        if later and name not in tracked:
            problems.append(f"{name}: has a dated update ({later[-1]}) but is listed under no subject of "
                            f"latest_updates: add it to the subject(s) it is about")
    return problems
