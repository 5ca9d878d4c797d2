"""The settings of the handover to a person, read from the environment in one function."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import settings

DEFAULT_HOURS_FILE = Path(__file__).resolve().parent / "hours.yml"
REQUIRED = ("CHATWOOT_URL", "CHATWOOT_API_TOKEN", "CHATWOOT_INBOX_ID", "CHATWOOT_WEBHOOK_SECRET")


@dataclass(frozen=True)
class HandoverSettings:
    """What the handover needs to know.

    Attributes:
        url: Chatwoot's base address, without a trailing slash.
        api_token: Sent as ``api_access_token``.
        inbox_id: The API-channel inbox.
        webhook_secret: The inbox's webhook secret (signature check).
        account_id: The account of the inbox.
        timeout_s: Time limit of one call to Chatwoot.
        ttl_s: Lifetime of a handover the agent does not resolve.
        hours_file: Office hours and holidays.
    """

    url: str
    api_token: str
    inbox_id: int
    webhook_secret: str
    account_id: int
    timeout_s: float
    ttl_s: float
    hours_file: Path


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Optional[HandoverSettings]:
    """Reads the handover's settings; None when it is off (none of the four required ones set).

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        The settings, or None when the handover is off.

    Raises:
        ValueError: Only some of the four required settings are set.
    """
    present = [name for name in REQUIRED if settings.is_set(name, environ)]
    if not present:
        return None
    if len(present) != len(REQUIRED):
        missing = [name for name in REQUIRED if name not in present]
        raise ValueError(f"handover: {', '.join(missing)} must be set too (all four or none)")
    hours = (settings.get("HANDOVER_HOURS_FILE", environ) or "").strip()
    return HandoverSettings(
        url=str(settings.get("CHATWOOT_URL", environ)).strip().rstrip("/"),
        api_token=str(settings.get("CHATWOOT_API_TOKEN", environ)).strip(),
        inbox_id=int(settings.get("CHATWOOT_INBOX_ID", environ)),
        webhook_secret=str(settings.get("CHATWOOT_WEBHOOK_SECRET", environ)).strip(),
        account_id=int(settings.get("CHATWOOT_ACCOUNT_ID", environ)),
        timeout_s=float(settings.get("CHATWOOT_TIMEOUT_S", environ)),
        ttl_s=float(settings.get("HANDOVER_TTL_S", environ)),
        hours_file=Path(hours) if hours else DEFAULT_HOURS_FILE,
    )


def enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether the handover is on (all four required settings are set)."""
    return load_settings(environ) is not None
