"""Settings of the channels and of the HTTP servers they run on (read through ``settings``).

A messaging channel is off when none of its required variables is set, and
refuses to start (``ValueError``) when only some of them are set: a channel
without the secret for its authenticity check must never run.

The conversation tokens of the web channels read ``SESSION_SECRET`` and
``SESSION_TOKEN_TTL_S`` (``channels.sessions``).

The transport settings (``HTTP_HEADER_TIMEOUT_S``, ``ALLOWED_ORIGINS``,
``EXPOSE_VERSIONS``) apply to Rasa's server (``channels.transport``) and to the
web page's server (``webchat.server``) alike.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence

import settings
from channels.web_security import origin_of

MIN_SESSION_SECRET_CHARS = 32
# Longest organisation name or contact text the pages show; longer is an operator's mistake.
MAX_ORGANISATION_TEXT = 200


def required_settings(channel: str, names: Sequence[str],
                      environ: Optional[Mapping[str, str]] = None) -> Optional[Dict[str, str]]:
    """Reads a channel's required variables: all of them, or none.

    Args:
        channel: Channel name, for the error message.
        names: Variables the channel needs.
        environ: Environment to read; ``os.environ`` when None.

    Returns:
        The values by name, or None when none is set (the channel is off).

    Raises:
        ValueError: Some but not all variables are set.
    """
    values = {name: settings.get(name, environ) or "" for name in names}
    missing = [name for name, value in values.items() if not value]
    if len(missing) == len(names):
        return None
    if missing:
        raise ValueError(f"channel {channel}: {', '.join(missing)} must be set too "
                         f"(or unset {', '.join(n for n in names if n not in missing)} to turn it off)")
    return values


def optional_setting(name: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """Returns a variable's value (or its default) without trailing slashes; empty when it has neither."""
    return (settings.get(name, environ) or "").rstrip("/")


def http_timeout_s(environ: Optional[Mapping[str, str]] = None) -> float:
    """Total time allowed for one call to a platform API (``CHANNEL_HTTP_TIMEOUT_S``, default 10)."""
    return float(settings.get("CHANNEL_HTTP_TIMEOUT_S", environ))


def dedupe_ttl_s(environ: Optional[Mapping[str, str]] = None) -> int:
    """How long a platform message id is remembered (``CHANNEL_DEDUPE_TTL_S``, default one day)."""
    return int(settings.get("CHANNEL_DEDUPE_TTL_S", environ))


def options_ttl_s(environ: Optional[Mapping[str, str]] = None) -> int:
    """How long the last offered buttons are remembered (``CHANNEL_OPTIONS_TTL_S``, default one day)."""
    return int(settings.get("CHANNEL_OPTIONS_TTL_S", environ))


def redis_url(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """Redis for message ids and offered buttons shared by all instances (``CHANNEL_REDIS_URL``)."""
    return settings.get("CHANNEL_REDIS_URL", environ)


def header_timeout_s(environ: Optional[Mapping[str, str]] = None) -> float:
    """Time a client has for a request's headers, from its first byte (``HTTP_HEADER_TIMEOUT_S``, default 10).

    A body has until the server's response deadline (Sanic's 60 s), counted
    from the same first byte: a client that trickles bytes cannot hold a
    connection longer.
    """
    return float(settings.get("HTTP_HEADER_TIMEOUT_S", environ))


def allowed_origins(environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """Web origins that may use the socket.io channel and the page's relay (``ALLOWED_ORIGINS``).

    A comma-separated list such as ``https://chat.example.nl``. Unset: the page
    that ``make run`` serves (``http://localhost:$WEB_PORT`` and
    ``http://127.0.0.1:$WEB_PORT``). Set it to the real site's origin in production.

    Raises:
        ValueError: An entry is not an http(s) origin.
    """
    entries = settings.get("ALLOWED_ORIGINS", environ)
    if not entries:
        port = settings.get("WEB_PORT", environ)
        return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    origins = []
    for entry in entries:
        origin = origin_of(entry)
        if origin is None:
            raise ValueError(f"ALLOWED_ORIGINS: {entry!r} is not an origin such as https://chat.example.nl")
        origins.append(origin)
    return origins


def expose_versions(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether Rasa's ``/`` and the page's ``/health`` show versions (``EXPOSE_VERSIONS``, default off).

    For operators on a closed network; the public never needs them.
    """
    return bool(settings.get("EXPOSE_VERSIONS", environ))


def _page_text(name: str, environ: Optional[Mapping[str, str]]) -> Optional[str]:
    """Reads a short text the web pages show, with runs of white space made one space.

    Raises:
        ValueError: The text is longer than ``MAX_ORGANISATION_TEXT`` characters.
    """
    value = " ".join((settings.get(name, environ) or "").split())
    if len(value) > MAX_ORGANISATION_TEXT:
        raise ValueError(f"{name} must be at most {MAX_ORGANISATION_TEXT} characters")
    return value or None


def organisation_name(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The organisation that runs the assistant (``ORGANISATION_NAME``), or None when unset.

    The page, its greeting and the privacy and accessibility statements name it; without
    it they call the assistant an information service about the breach and mark the
    privacy statement's controller as still to be filled in.
    """
    return _page_text("ORGANISATION_NAME", environ)


def organisation_contact(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """How to reach that organisation about privacy or accessibility (``ORGANISATION_CONTACT``), or None.

    Plain text (an address, an e-mail address or a telephone number); shown as text, never as a link.
    """
    return _page_text("ORGANISATION_CONTACT", environ)


def session_secret(environ: Optional[Mapping[str, str]] = None) -> Optional[bytes]:
    """Key that signs the conversation tokens (``SESSION_SECRET``); None when unset.

    Unset, each server process makes a random one at start (enough for one
    instance, ``make run``); several instances behind one address must share it.

    Raises:
        ValueError: It is set but shorter than 32 characters.
    """
    raw = (settings.get("SESSION_SECRET", environ) or "").strip()
    if not raw:
        return None
    if len(raw) < MIN_SESSION_SECRET_CHARS:
        raise ValueError(f"SESSION_SECRET must be at least {MIN_SESSION_SECRET_CHARS} characters "
                         "(e.g. `openssl rand -hex 32`)")
    return raw.encode("utf-8")


def session_ttl_s(environ: Optional[Mapping[str, str]] = None) -> float:
    """Seconds a conversation token is valid after the last answer (``SESSION_TOKEN_TTL_S``, default 24 h)."""
    return float(settings.get("SESSION_TOKEN_TTL_S", environ))
