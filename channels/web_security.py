"""What both HTTP servers (Rasa's and the web page's) share: security headers and the origin checks.

No Sanic or aiohttp here, so that ``webchat`` and ``channels.transport`` can
both use it.
"""

from __future__ import annotations

import urllib.parse
from typing import Collection, Mapping, Optional

# Sent on every answer of both servers, errors included.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    # The page needs none of these browser features; no embedded frame may ask for them either.
    # Only features every current browser knows: an unknown one is a console error in Chromium.
    "Permissions-Policy": (
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(), geolocation=(), "
        "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    ),
}
# An answer of Rasa's server is JSON or text, never a document that may load anything.
API_HEADERS = {**COMMON_HEADERS, "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
# Sec-Fetch-Site values of a request the page itself made (or one typed in the address bar).
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})


def origin_of(url: str) -> Optional[str]:
    """The origin (``scheme://host[:port]``, lower case) of a URL or Origin header, or None.

    Args:
        url: ``https://example.nl/page`` or an Origin header value.

    Returns:
        ``https://example.nl``; None for ``null`` or anything without scheme and host.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


def origin_allowed(origin: Optional[str], allowed: Collection[str]) -> bool:
    """Whether a request with this Origin header may use the assistant.

    The Host header is deliberately not trusted as "the page's own origin": a
    site whose name resolves to this server (DNS rebinding) would pass.

    Args:
        origin: The Origin header; None when the request has none (not a
            browser's cross-origin request: curl, the relay, a same-origin GET).
        allowed: Allowed origins (``ALLOWED_ORIGINS``), as ``origin_of`` returns them.

    Returns:
        True for no Origin or an allowed one.
    """
    if origin is None:
        return True
    normalised = origin_of(origin)
    return normalised is not None and normalised in allowed


def cross_site(headers: Mapping[str, str]) -> bool:
    """Whether the browser says the request came from another site (``Sec-Fetch-Site``).

    Args:
        headers: Request headers (case-insensitive mapping).

    Returns:
        True for ``cross-site`` and ``same-site`` (another host under the same
        site); False for same-origin, a typed address, or no header (older
        browsers and non-browser clients, which the Origin check covers).
    """
    site = headers.get("Sec-Fetch-Site")
    return site is not None and site.strip().lower() not in SAME_ORIGIN_FETCH
