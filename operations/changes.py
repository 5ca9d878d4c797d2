"""The operators' changes as functions of a request body: validated, checked, stored, logged.

Each returns an HTTP status and a JSON payload; ``operations/http.py`` only
adds the routes and the token. 422 carries the reasons a change was refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Tuple

from operations import audit, check
from operations.state import State
from operations.store import Current

Result = Tuple[int, Dict[str, Any]]
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Operator:
    """Who makes a change, and when (ISO 8601, UTC)."""

    by: str
    at: str


def _refused(problems: List[str]) -> Result:
    return 422, {"ok": False, "problems": problems}


def _stored(reader: Current, change: Callable[[State], State], operator: Operator, action: str,
            key: str = "", language: str = "") -> Result:
    state = reader.update(change)
    audit.record(operator.by, operator.at, action, key, language)
    return 200, {"ok": True, "state": state}


def set_notice(reader: Current, body: Mapping[str, Any], operator: Operator, registry_file: Path,
               today: Callable[[], date] = date.today) -> Result:
    """``{"nl": "...", "en": "...", "date": "2026-12-07"}``: the notice (date: today when left out)."""
    texts = {language: str(body[language]).strip() for language in LANGUAGES if body.get(language)}
    problems = check.notice_problems(texts, registry_file)
    unknown = sorted(set(body) - {*LANGUAGES, "date"})
    if unknown:
        problems.append(f"unknown fields: {', '.join(unknown)}")
    try:
        day = date.fromisoformat(str(body["date"])) if body.get("date") else today()
    except ValueError:
        problems.append("date must be YYYY-MM-DD")
        day = today()
    if problems:
        return _refused(problems)
    notice = {"text": texts, "date": day.isoformat(), "by": operator.by, "at": operator.at}
    return _stored(reader, lambda state: {**state, "notice": notice}, operator, "notice_set")


def remove_notice(reader: Current, operator: Operator) -> Result:
    """Removes the notice."""
    return _stored(reader, lambda state: {k: v for k, v in state.items() if k != "notice"}, operator,
                   "notice_removed")


def _key_and_language(body: Mapping[str, Any]) -> Tuple[str, str, List[str]]:
    key, language = str(body.get("key") or "").strip(), str(body.get("language") or "").strip()
    problems = [] if key else ["key is required, e.g. utter_faq/which_data"]
    if language not in LANGUAGES:
        problems.append(f"language must be one of {', '.join(LANGUAGES)}")
    return key, language, problems


def _with_override(key: str, language: str, entry: Any) -> Callable[[State], State]:
    def change(state: State) -> State:
        overrides = {k: dict(v) for k, v in (state.get("overrides") or {}).items()}
        languages = overrides.setdefault(key, {})
        if entry is None:
            languages.pop(language, None)
        else:
            languages[language] = entry
        overrides = {k: v for k, v in overrides.items() if v}
        new = {k: v for k, v in state.items() if k != "overrides"}
        return {**new, "overrides": overrides} if overrides else new

    return change


def set_override(reader: Current, body: Mapping[str, Any], operator: Operator,
                 responses: Mapping[str, List[Mapping[str, Any]]], registry_file: Path) -> Result:
    """Replaces an answer (``{"key", "language", "text"}``) or withdraws it (``"withdraw": true``)."""
    key, language, problems = _key_and_language(body)
    withdraw = body.get("withdraw") is True
    text = str(body.get("text") or "")
    if not problems and key not in responses:
        problems.append(f"no response named '{key}' in the domain")
    if not problems and withdraw and text:
        problems.append("give either text or withdraw, not both")
    if not problems and not withdraw:
        problems = check.override_problems(key, language, text, responses, registry_file)
    if problems:
        return _refused(problems)
    entry = {"withdrawn": withdraw, "text": None if withdraw else text, "by": operator.by, "at": operator.at}
    return _stored(reader, _with_override(key, language, entry), operator,
                   "override_withdrawn" if withdraw else "override_set", key, language)


def remove_override(reader: Current, body: Mapping[str, Any], operator: Operator) -> Result:
    """``{"key", "language"}``: the answer is the domain's again."""
    key, language, problems = _key_and_language(body)
    if problems:
        return _refused(problems)
    if not ((reader.state().get("overrides") or {}).get(key) or {}).get(language):
        return 404, {"ok": False, "problems": [f"no override of '{key}' in '{language}'"]}
    return _stored(reader, _with_override(key, language, None), operator, "override_removed", key, language)


def set_safe_mode(reader: Current, on: bool, operator: Operator) -> Result:
    """Switches safe mode on or off."""
    if on:
        return _stored(reader, lambda state: {**state, "safe_mode": {"by": operator.by, "at": operator.at}},
                       operator, "safe_mode_on")
    return _stored(reader, lambda state: {k: v for k, v in state.items() if k != "safe_mode"}, operator,
                   "safe_mode_off")
