"""What the other layers call: the message as the operators want it, the notice, safe mode.

``channels/``, ``webchat/`` and :mod:`operations.nlg` use these; each reads the
process's cached state (:func:`operations.store.current`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional

from operations import state as state_rules
from operations.settings import load_settings
from operations.store import current
from operations.texts import Texts, load_texts


@lru_cache(maxsize=1)
def texts() -> Texts:
    """The texts with the links of the configured guidance registry."""
    return load_texts(load_settings().registry_file)


def operator_message(key: str, message: Dict[str, Any], language: Optional[str]) -> Dict[str, Any]:
    """A response after the operators' overrides and notice (safe mode is the caller's decision).

    Args:
        key: The response name.
        message: The response as the domain has it.
        language: ``en`` or anything else for Dutch.
    """
    return state_rules.apply(key, message, "en" if language == "en" else "nl", current().state(), texts())


def public_notice() -> Optional[Dict[str, str]]:
    """The notice for the page: its date and its line per language, or None."""
    state = current().state()
    notice = state.get("notice")
    if not notice:
        return None
    lines = {language: state_rules.notice_line(state, language, texts()) or "" for language in ("nl", "en")}
    return {"date": str(notice["date"]), **lines}


def safe_mode() -> bool:
    """Whether safe mode is on."""
    return state_rules.safe_mode_on(current().state())
