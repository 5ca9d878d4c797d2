"""The domain responses the channels send themselves, and the assistant's button commands.

The texts live in the domain (``domain/basics.yml``) like every other answer,
so the content checks in tests/test_content.py cover them and editors find
them in one place. They are read from the domain of the loaded model; a model
trained before a response existed falls back to the project's domain files.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Optional

from rasa.shared.core.domain import Domain

from privacy.inbound import COMMAND_PREFIX

PROJECT_DOMAIN = Path(__file__).resolve().parent.parent / "domain"


@lru_cache(maxsize=1)
def project_domain() -> Domain:
    """Loads the domain files of this project once."""
    return Domain.load(str(PROJECT_DOMAIN))


def response_message(key: str, domain: Optional[Domain] = None) -> Dict[str, Any]:
    """Returns the first variation of a domain response, ready for ``OutputChannel.send_response``.

    Args:
        key: Response name, e.g. ``utter_privacy_notice``.
        domain: Domain of the loaded model; the project domain is used if it
            is None or lacks the response.

    Returns:
        A copy of the response variation (text, and buttons if any).

    Raises:
        KeyError: Neither domain has the response.
    """
    for source in (domain, None):
        responses = (source or project_domain()).responses
        if responses.get(key):
            message = copy.deepcopy(responses[key][0])
            message.pop("condition", None)
            return message
    raise KeyError(key)


def button_commands(domain: Domain) -> FrozenSet[str]:
    """Collects the button payloads that are commands ('/intent{...}') from every response.

    Args:
        domain: The assistant's domain.

    Returns:
        The payloads that start with '/', as the buttons send them: Rasa fills
        ``{placeholders}`` in responses, so the domain writes the braces of a
        payload twice (``/choose{{"flow":"checklist"}}``) and the button sends
        them once.
    """
    commands = set()
    for variations in domain.responses.values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payload = str(button.get("payload", "")).strip()
                if payload.startswith(COMMAND_PREFIX):
                    commands.add(payload.replace("{{", "{").replace("}}", "}"))
    return frozenset(commands)
