"""The content check of ``make content-check``, run on an override or a notice before it is stored.

The same per-response rules as the domain's answers (``scripts/content_check.py``):
a source line where a fact is stated, bubble length, links and phone numbers only
from the guidance registry, link order, B1 readability, no promise about results,
abbreviations explained. An override or notice that breaks one is refused with
the reasons. (The check and the registry are ``scripts/``'s and ``actions/``'s;
they are imported only here, when an operator changes something.)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, List, Mapping, Sequence

import yaml

NOTICE_NAME = "operator_notice"
MAX_NOTICE_CHARS = 200
MAX_OVERRIDE_CHARS = 2000
LANGUAGES = ("nl", "en")


@lru_cache(maxsize=4)
def _registry(registry_file: Path) -> Any:
    from scripts.content_check import Registry, parse_entries

    entries, _ = parse_entries(yaml.safe_load(registry_file.read_text(encoding="utf-8")))
    return Registry(entries, source=registry_file)


def text_problems(name: str, text: str, language: str, registry_file: Path,
                  buttons: Sequence[Mapping[str, Any]] = (), exempt_kind: str = "") -> List[str]:
    """The content check's problems with one text.

    Args:
        name: The response name (decides whether a source line is needed).
        text: The text.
        language: ``nl`` or ``en``.
        registry_file: The guidance registry.
        buttons: The response's buttons (their titles are checked too).
        exempt_kind: A kind that needs no source line (``notice``); empty: as the domain's answer.

    Returns:
        One line per broken rule; empty when the text passes.
    """
    from scripts.content_check import SOURCE_EXEMPT, check_response

    if language not in LANGUAGES:
        return [f"unknown language '{language}' (known: {', '.join(LANGUAGES)})"]
    exempt = {**SOURCE_EXEMPT, name: exempt_kind} if exempt_kind else SOURCE_EXEMPT
    result = check_response(name, "override", text, _registry(registry_file), exempt, language, buttons)
    return list(result.problems)


def override_problems(key: str, language: str, text: str, responses: Mapping[str, List[Mapping[str, Any]]],
                      registry_file: Path) -> List[str]:
    """Why an override of ``key`` in ``language`` with ``text`` is refused (empty: it is accepted).

    Args:
        key: The response name, e.g. ``utter_faq/which_data``.
        language: ``nl`` or ``en``.
        text: The new text.
        responses: The domain's responses (the key must be one of them).
        registry_file: The guidance registry.
    """
    if key not in responses:
        return [f"no response named '{key}' in the domain"]
    if not text.strip():
        return ["the text is empty"]
    if len(text) > MAX_OVERRIDE_CHARS:
        return [f"the text has {len(text)} characters (max {MAX_OVERRIDE_CHARS})"]
    buttons: Sequence[Mapping[str, Any]] = ()
    for variation in responses[key]:
        conditions = variation.get("condition") or []
        variation_language = next((str(c.get("value")) for c in conditions if c.get("name") == "language"),
                                  "nl")
        if variation_language == language:
            buttons = variation.get("buttons") or ()
            break
    return text_problems(key, text, language, registry_file, buttons)


def notice_problems(texts: Mapping[str, str], registry_file: Path) -> List[str]:
    """Why a notice is refused (empty: it is accepted): Dutch text required, short, the content rules."""
    problems: List[str] = []
    if not str(texts.get("nl") or "").strip():
        problems.append("a notice needs a Dutch text ('nl')")
    for language, text in texts.items():
        if language not in LANGUAGES:
            problems.append(f"unknown language '{language}' (known: {', '.join(LANGUAGES)})")
            continue
        if len(text) > MAX_NOTICE_CHARS:
            problems.append(f"{language}: the notice has {len(text)} characters (max {MAX_NOTICE_CHARS})")
        if "\n" in text.strip():
            problems.append(f"{language}: a notice is one line")
        problems += [f"{language}: {p}" for p in text_problems(NOTICE_NAME, text, language, registry_file,
                                                               exempt_kind="notice")]
    return problems
