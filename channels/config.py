"""Settings of the channels and of the HTTP servers they run on (read through ``settings``).

A messaging channel is off when none of its required variables is set, and
refuses to start (``ValueError``) when only some of them are set: a channel
without the secret for its authenticity check must never run.

The transport settings (``HTTP_HEADER_TIMEOUT_S``, ``ALLOWED_ORIGINS``,
``EXPOSE_VERSIONS``) apply to Rasa's server (``channels.transport``) and to the
web page's server (``webchat.server``) alike.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence

import settings
from channels.web_security import origin_of


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
