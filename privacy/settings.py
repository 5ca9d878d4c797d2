"""Limits for incoming messages and stored conversations, read from environment variables."""

from __future__ import annotations

import os
from typing import Mapping, Optional

DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_RETENTION_DAYS = 30


def _positive_int(name: str, default: int, environ: Optional[Mapping[str, str]]) -> int:
    """Reads a positive integer from the environment.

    Args:
        name: Variable name.
        default: Value when the variable is unset or empty.
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        The integer value.

    Raises:
        ValueError: The variable is set but is not a positive integer.
    """
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be a positive whole number, not {raw!r}")
    return value


def max_message_chars(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the longest message (in characters) that is passed on to NLU.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_MESSAGE_CHARS``, default 1000.
    """
    return _positive_int("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS, environ)


def retention_days(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many days a conversation is kept after its last event.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RETENTION_DAYS``, default 30.
    """
    return _positive_int("RETENTION_DAYS", DEFAULT_RETENTION_DAYS, environ)
