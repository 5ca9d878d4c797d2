"""Bounds on what a client may send: body size, JSON depth, metadata size and depth.

Every channel (REST, socket.io, the messaging webhooks) and the web page's
``/api/chat`` parse their input here, so that a hostile body is refused with a
client error (4xx and a short reason) before anything walks it: no recursion
without bound, no megabytes redacted on the event loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from privacy import settings

# What a client is told; short, never a part of its input.
REASON_TOO_LARGE = "The request body is too large."
REASON_NOT_JSON = "The body must be JSON."
REASON_NOT_OBJECT = "The body must be a JSON object."
REASON_TOO_DEEP = "The JSON is nested too deeply."
REASON_METADATA_TOO_LARGE = "The metadata is too large."
REASON_METADATA_INVALID = "The metadata must be a JSON object."


@dataclass(frozen=True)
class Limits:
    """The bounds in force, read once from the settings (``privacy.settings``).

    Attributes:
        body_bytes: Largest request body.
        metadata_bytes: Largest metadata, as compact JSON.
        json_depth: Deepest nesting of lists and objects.
    """

    body_bytes: int
    metadata_bytes: int
    json_depth: int

    @classmethod
    def from_settings(cls, environ: Optional[Mapping[str, str]] = None) -> Limits:
        """Reads ``MAX_BODY_BYTES``, ``MAX_METADATA_BYTES`` and ``MAX_JSON_DEPTH``.

        Args:
            environ: Environment to read; ``os.environ`` when None.
        """
        return cls(settings.max_body_bytes(environ), settings.max_metadata_bytes(environ),
                   settings.max_json_depth(environ))


class InputRejected(ValueError):
    """The input breaks a bound; ``status`` and ``reason`` are what the client gets.

    Args:
        status: HTTP status (400 or 413).
        reason: Short English reason, without any part of the input.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and dicts in ``value`` nest more than ``limit`` levels (walked without recursion).

    Args:
        value: A decoded JSON value.
        limit: Largest allowed depth (a flat object has depth 1).

    Returns:
        True when some container lies deeper than ``limit``.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse_json(body: bytes, limits: Limits) -> Any:
    """Decodes a request body within the bounds; invalid UTF-8 inside strings is kept as surrogates.

    The message check later answers such a message as unreadable, instead of
    the whole request failing.

    Args:
        body: Raw request body.
        limits: The bounds.

    Returns:
        The decoded value.

    Raises:
        InputRejected: Too large (413), not JSON or nested too deeply (400).
    """
    if len(body) > limits.body_bytes:
        raise InputRejected(413, REASON_TOO_LARGE)
    try:
        value = json.loads(body.decode("utf-8", errors="surrogateescape"))
    except RecursionError:
        raise InputRejected(400, REASON_TOO_DEEP) from None
    except ValueError:
        raise InputRejected(400, REASON_NOT_JSON) from None
    if deeper_than(value, limits.json_depth):
        raise InputRejected(400, REASON_TOO_DEEP)
    return value


def parse_json_object(body: bytes, limits: Limits) -> Dict[str, Any]:
    """Like ``parse_json``, for a body that must be a JSON object.

    Raises:
        InputRejected: See ``parse_json``; also 400 for a value that is not an object.
    """
    value = parse_json(body, limits)
    if not isinstance(value, dict):
        raise InputRejected(400, REASON_NOT_OBJECT)
    return value


def checked_metadata(metadata: Any, limits: Limits) -> Optional[Dict[str, Any]]:
    """Returns client metadata that keeps within the bounds, or None when there is none.

    A JSON string holding an object is decoded first (Rasa's socket.io channel accepts that).

    Args:
        metadata: The ``metadata`` field as received.
        limits: The bounds.

    Returns:
        The metadata object, or None for a missing or empty one.

    Raises:
        InputRejected: Not an object (400), nested too deeply (400) or too large (413).
    """
    if metadata is None or metadata == {} or metadata == "":
        return None
    if isinstance(metadata, str):
        if len(metadata) > limits.metadata_bytes:
            raise InputRejected(413, REASON_METADATA_TOO_LARGE)
        try:
            metadata = parse_json(metadata.encode("utf-8", "surrogatepass"), limits)
        except InputRejected as rejected:
            raise InputRejected(400, rejected.reason if rejected.reason == REASON_TOO_DEEP
                                else REASON_METADATA_INVALID) from None
    if not isinstance(metadata, dict):
        raise InputRejected(400, REASON_METADATA_INVALID)
    if deeper_than(metadata, limits.json_depth):
        raise InputRejected(400, REASON_TOO_DEEP)
    compact = json.dumps(metadata, ensure_ascii=False, separators=(",", ":"))
    size = len(compact.encode("utf-8", "surrogatepass"))
    if size > limits.metadata_bytes:
        raise InputRejected(413, REASON_METADATA_TOO_LARGE)
    return metadata
