"""Limits for messages, message rates, sessions and stored conversations (read through ``settings``)."""

from __future__ import annotations

from typing import Mapping, Optional

import settings


def _positive_int(name: str, environ: Optional[Mapping[str, str]]) -> int:
    """Reads a positive whole number (``settings/catalogue.py`` has its default and limits).

    Raises:
        ValueError: The variable is set but is not a positive whole number.
    """
    return int(settings.get(name, environ))


def max_message_chars(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the longest message (in characters) that is passed on to NLU.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_MESSAGE_CHARS``, default 1000.
    """
    return _positive_int("MAX_MESSAGE_CHARS", environ)


def retention_days(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many days a conversation is kept after its last event.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RETENTION_DAYS``, default 30.
    """
    return _positive_int("RETENTION_DAYS", environ)


def max_body_bytes(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the largest request body (in bytes) a webhook, socket.io or ``/api/chat`` accepts.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_BODY_BYTES``, default 262144 (256 KiB).
    """
    return _positive_int("MAX_BODY_BYTES", environ)


def max_metadata_bytes(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the largest client metadata (as compact JSON, in bytes) passed on with a message.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_METADATA_BYTES``, default 4096.
    """
    return _positive_int("MAX_METADATA_BYTES", environ)


def max_json_depth(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns the deepest nesting of lists and objects accepted in a JSON body or in metadata.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_JSON_DEPTH``, default 20.
    """
    return _positive_int("MAX_JSON_DEPTH", environ)


def rate_limit_per_minute(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many messages one sender may send per minute, on average.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RATE_LIMIT_PER_MINUTE``, default 30.
    """
    return _positive_int("RATE_LIMIT_PER_MINUTE", environ)


def rate_limit_burst(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many messages one sender may send in a quick burst.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RATE_LIMIT_BURST``, default 30.
    """
    return _positive_int("RATE_LIMIT_BURST", environ)


def rate_limit_senders(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many senders' message rates one server process remembers.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``RATE_LIMIT_SENDERS``, default 100000.
    """
    return _positive_int("RATE_LIMIT_SENDERS", environ)


def max_conversations(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many conversations the in-memory tracker store keeps.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_CONVERSATIONS``, default 10000.
    """
    return _positive_int("MAX_CONVERSATIONS", environ)


def max_turns(environ: Optional[Mapping[str, str]] = None) -> int:
    """Returns how many user messages one session holds before a new one starts.

    Args:
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        ``MAX_TURNS``, default 200.
    """
    return _positive_int("MAX_TURNS", environ)
