"""The platforms' own authenticity checks for webhooks, all compared in constant time.

* Twilio: ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, URL + each
  POST parameter name and value, sorted by name)).
* Facebook: ``X-Hub-Signature-256`` = "sha256=" + hex(HMAC-SHA256(app secret, raw body)).
* Telegram: ``X-Telegram-Bot-Api-Secret-Token`` equals the secret given to ``setWebhook``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Mapping, Optional, Sequence

FACEBOOK_PREFIX = "sha256="


def twilio_signature(url: str, params: Mapping[str, Sequence[str]], auth_token: str) -> str:
    """Computes the signature Twilio sends for a POST webhook.

    Args:
        url: The full URL Twilio called, with query string.
        params: The form parameters (every value of a repeated name).
        auth_token: The account's auth token.

    Returns:
        The base64 signature.
    """
    data = url + "".join(name + value for name in sorted(params) for value in sorted(params[name]))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_valid(signature: Optional[str], url: str, params: Mapping[str, Sequence[str]],
                 auth_token: str) -> bool:
    """Whether ``X-Twilio-Signature`` matches the request."""
    if not signature:
        return False
    return hmac.compare_digest(signature.encode(), twilio_signature(url, params, auth_token).encode())


def facebook_signature(body: bytes, app_secret: str) -> str:
    """Computes ``X-Hub-Signature-256`` for a raw body."""
    return FACEBOOK_PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def facebook_valid(signature: Optional[str], body: bytes, app_secret: str) -> bool:
    """Whether ``X-Hub-Signature-256`` matches the raw body."""
    if not signature:
        return False
    return hmac.compare_digest(signature.strip().encode(), facebook_signature(body, app_secret).encode())


def telegram_valid(header: Optional[str], secret_token: str) -> bool:
    """Whether ``X-Telegram-Bot-Api-Secret-Token`` is the configured secret."""
    if not header:
        return False
    return hmac.compare_digest(header.encode(), secret_token.encode())


def secret_equal(given: Optional[str], expected: str) -> bool:
    """Constant-time comparison of a given secret (e.g. Facebook's verify token) with the expected one."""
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def pseudonym(secret: str, channel: str, platform_id: str) -> str:
    """Turns a phone number or platform user id into a stable conversation id that does not reveal it.

    Args:
        secret: The channel's secret (so ids cannot be guessed from numbers).
        channel: Channel name, the prefix of the id.
        platform_id: Phone number, chat id or page-scoped id.

    Returns:
        ``<channel>-<32 hex digits>``.
    """
    digest = hmac.new(secret.encode(), f"{channel}:{platform_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:32]}"
