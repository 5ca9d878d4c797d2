"""What the other layers call: the message as the operators want it, the notice, safe mode.

``channels/``, ``webchat/`` and :mod:`operations.nlg` use these; each reads the
process's cached state (:func:`operations.store.current`).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, Optional

from operations import state as state_rules
from operations.settings import load_settings
from operations.store import current
from operations.texts import DEFAULT_REGISTRY, Texts, load_texts, without_links

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def texts() -> Texts:
    """The texts with the links of the configured guidance registry.

    A registry that cannot be read or lacks a link these texts name must not
    silence the assistant (every response passes :mod:`operations.nlg`): the
    links then come from the project's own registry file, and, should that fail
    too, the texts go without links. Either is logged once.
    """
    configured = load_settings().registry_file
    try:
        return load_texts(configured)
    except Exception as error:  # noqa: BLE001 - any broken registry; the answer must still go out
        logger.error("operator texts: the guidance registry %s cannot fill their links (%s); "
                     "using %s", configured, type(error).__name__, DEFAULT_REGISTRY)
    try:
        return load_texts(DEFAULT_REGISTRY)
    except Exception as error:  # noqa: BLE001
        logger.error("operator texts: no links (%s)", type(error).__name__)
        return without_links()


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
