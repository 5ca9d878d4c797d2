"""Limits for messages, message rates, sessions and stored conversations, read from environment variables."""

from __future__ import annotations

import os
from typing import Mapping, Optional

DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_RETENTION_DAYS = 30
# A request to a webhook, socket.io or /api/chat. A pasted letter of 100,000 characters still
# gets the polite "too long" answer (the length check costs the same for any length); megabytes
# are refused before they are read. nginx in front of the cluster caps bodies at 64 KiB.
DEFAULT_MAX_BODY_BYTES = 256 * 1024
# Client metadata (JSON) passed on with a message; the web page sends none.
DEFAULT_MAX_METADATA_BYTES = 4 * 1024
# Nesting of a JSON body or of metadata; the platforms' webhooks nest about 6 levels.
DEFAULT_MAX_JSON_DEPTH = 20


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


def max_body_bytes(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the largest request body (in bytes) a webhook, socket.io or ``/api/chat`` accepts.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_BODY_BYTES``, default 262144 (256 KiB).
    """
    return _positive_int("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, environ)


def max_metadata_bytes(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the largest client metadata (as compact JSON, in bytes) passed on with a message.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_METADATA_BYTES``, default 4096.
    """
    return _positive_int("MAX_METADATA_BYTES", DEFAULT_MAX_METADATA_BYTES, environ)


def max_json_depth(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the deepest nesting of lists and objects accepted in a JSON body or in metadata.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_JSON_DEPTH``, default 20.
    """
    return _positive_int("MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH, environ)


# Messages one sender may send per minute (all channels; the web page's relay uses the REST channel).
# A person types a few a minute; the benchmark sends 10 per conversation.
DEFAULT_RATE_LIMIT_PER_MINUTE = 30
# Messages a sender may send at once before the per-minute rate applies.
DEFAULT_RATE_LIMIT_BURST = 30
# Senders whose message rate is remembered per process; the least recently seen is forgotten first.
DEFAULT_RATE_LIMIT_SENDERS = 100_000
# Conversations the in-memory tracker store keeps; the least recently saved is forgotten first.
DEFAULT_MAX_CONVERSATIONS = 10_000
# User messages in one session; the next one starts a new session (with a short notice).
DEFAULT_MAX_TURNS = 200


def rate_limit_per_minute(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many messages one sender may send per minute, on average.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RATE_LIMIT_PER_MINUTE``, default 30.
    """
    return _positive_int("RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE, environ)


def rate_limit_burst(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many messages one sender may send in a quick burst.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RATE_LIMIT_BURST``, default 30.
    """
    return _positive_int("RATE_LIMIT_BURST", DEFAULT_RATE_LIMIT_BURST, environ)


def rate_limit_senders(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many senders' message rates one server process remembers.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RATE_LIMIT_SENDERS``, default 100000.
    """
    return _positive_int("RATE_LIMIT_SENDERS", DEFAULT_RATE_LIMIT_SENDERS, environ)


def max_conversations(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many conversations the in-memory tracker store keeps.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_CONVERSATIONS``, default 10000.
    """
    return _positive_int("MAX_CONVERSATIONS", DEFAULT_MAX_CONVERSATIONS, environ)


def max_turns(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many user messages one session holds before a new one starts.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_TURNS``, default 200.
    """
    return _positive_int("MAX_TURNS", DEFAULT_MAX_TURNS, environ)
