"""The domain responses the channels send themselves, and the assistant's button commands.

The texts live in the domain (``domain.yml``) like every other answer,
so the content checks in tests/test_content.py cover them and editors find
them in one place. They are read from the domain of the loaded model; a model
trained before a response existed falls back to the project's domain files.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Set, Tuple

from rasa.shared.core.domain import Domain

from operations.control import operator_message
from privacy.inbound import COMMAND_PREFIX

_ROOT = Path(__file__).resolve().parent.parent
# domain.yml and the long answers in data/responses/ (what Rasa reads without flags).
PROJECT_DOMAIN = (_ROOT / "domain.yml", _ROOT / "data" / "responses")
# A slot or keyword placeholder in a payload, after the doubled braces are undone.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# What Rasa writes for a placeholder whose slot has no value.
UNSET = "None"
FAQ_PREFIX = "utter_faq/"
LANGUAGE_SLOT = "language"


@lru_cache(maxsize=1)
def project_domain() -> Domain:
    """Loads the domain files of this project once."""
    return Domain.load([str(path) for path in PROJECT_DOMAIN if path.exists()])


def _variation(variations: list, language: Optional[str]) -> Dict[str, Any]:
    """The variation for a language: its conditional one, else the first without condition."""
    for variation in variations:
        for condition in variation.get("condition") or []:
            if condition.get("name") == LANGUAGE_SLOT and language and condition.get("value") == language:
                return variation
    plain = [variation for variation in variations if not variation.get("condition")]
    return (plain or variations)[0]


def response_message(key: str, domain: Optional[Domain] = None,
                     language: Optional[str] = None) -> Dict[str, Any]:
    """Returns a variation of a domain response, ready for ``OutputChannel.send_response``.

    Args:
        key: Response name, e.g. ``utter_privacy_notice``.
        domain: Domain of the loaded model; the project domain is used if it
            is None or lacks the response.
        language: "en" for the English variation; otherwise (or without one)
            the default, Dutch.

    Returns:
        A copy of the response variation (text, and buttons if any), with the
        operators' override of it if any (``operations/``: as every other answer).

    Raises:
        KeyError: Neither domain has the response.
    """
    for source in (domain, None):
        responses = (source or project_domain()).responses
        if responses.get(key):
            message = copy.deepcopy(_variation(responses[key], language))
            message.pop("condition", None)
            return operator_message(key, message, language)
    raise KeyError(key)


_commands_of: List[Tuple[Domain, FrozenSet[str]]] = []


def button_commands(domain: Domain) -> FrozenSet[str]:
    """The command payloads of ``domain``'s buttons (see :func:`collect_button_commands`), kept per domain.

    Every message's check asks for them; the loaded domain changes only with a new
    model, so the last domain's set is kept (compared by identity).

    Args:
        domain: The assistant's domain.
    """
    kept = _commands_of[-1] if _commands_of else None
    if kept is not None and kept[0] is domain:
        return kept[1]
    commands = collect_button_commands(domain)
    _commands_of[:] = [(domain, commands)]
    return commands


def collect_button_commands(domain: Domain) -> FrozenSet[str]:
    """Collects the button payloads that are commands ('/intent{...}') from every response.

    Args:
        domain: The assistant's domain.

    Returns:
        The payloads that start with '/', as the buttons send them: Rasa fills
        ``{placeholders}`` in responses, so the domain writes the braces of a
        payload twice (``/choose{{"flow":"checklist"}}``) and the button sends
        them once. A payload with a placeholder (``{feedback_topic}``) stands
        for one command per value the placeholder can take (see
        :func:`placeholder_values`); other placeholders are not allowed.
    """
    values = placeholder_values(domain)
    commands: Set[str] = set()
    for variations in domain.responses.values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payload = str(button.get("payload", "")).strip()
                if payload.startswith(COMMAND_PREFIX):
                    commands |= expand_placeholders(payload.replace("{{", "{").replace("}}", "}"), values)
    return frozenset(commands)


def placeholder_values(domain: Domain) -> Dict[str, FrozenSet[str]]:
    """The values each placeholder in a command payload can take.

    Args:
        domain: The assistant's domain.

    Returns:
        ``feedback_topic``: every FAQ topic (``utter_faq/<topic>``), or "None".
    """
    topics = {name[len(FAQ_PREFIX):] for name in domain.responses if name.startswith(FAQ_PREFIX)}
    return {"feedback_topic": frozenset(topics | {UNSET})}


def expand_placeholders(command: str, values: Mapping[str, FrozenSet[str]]) -> Set[str]:
    """Every command a payload with placeholders can become.

    Args:
        command: Payload with single braces, e.g. ``/x{"topic":"{feedback_topic}"}``.
        values: Allowed values per placeholder name.

    Returns:
        The commands; empty when a placeholder has no known values.
    """
    names = set(PLACEHOLDER.findall(command))
    if not names <= set(values):
        return set()
    results = {command}
    for name in names:
        results = {result.replace("{" + name + "}", value) for result in results for value in values[name]}
    return results
