"""The settings of operator control, read from the environment in one function."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATE_FILE = ROOT / "operations" / "state.json"
DEFAULT_CHECK_INTERVAL_S = 5.0
MAX_CHECK_INTERVAL_S = 30.0
# The lock store's Redis in the cluster (deploy/endpoints.cluster.yml uses db 1).
LOCK_STORE_DB = 1


@dataclass(frozen=True)
class OperationsSettings:
    """What operator control needs to know.

    Attributes:
        token: ``OPERATOR_TOKEN``; None switches the operator endpoints off.
        state_file: Where the state is kept without Redis.
        redis_url: Redis shared by every instance, or None (the file).
        check_interval_s: At most this often the state is read again.
        registry_file: The guidance registry (official links).
    """

    token: Optional[str]
    state_file: Path
    redis_url: Optional[str]
    check_interval_s: float
    registry_file: Path


def _redis_url(environ: Optional[Mapping[str, str]]) -> Optional[str]:
    explicit = (settings.get("OPERATIONS_REDIS_URL", environ) or "").strip() or (
        settings.get("CHANNEL_REDIS_URL", environ) or "").strip()
    if explicit:
        return explicit
    host = (settings.get("REDIS_HOST", environ) or "").strip()
    if not host:
        return None
    password = settings.get("REDIS_PASSWORD", environ) or ""
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{host}:{settings.get('REDIS_PORT', environ)}/{LOCK_STORE_DB}"


def load_settings(environ: Optional[Mapping[str, str]] = None) -> OperationsSettings:
    """Reads every setting of operator control (docs/settings.md, ``settings/catalogue.py``).

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        The settings. An interval that is not a number, or outside (0, 30] s, is the default.
    """
    registry = (settings.get("GUIDANCE_REGISTRY", environ) or "").strip()
    return OperationsSettings(
        token=(settings.get("OPERATOR_TOKEN", environ) or "").strip() or None,
        state_file=Path((settings.get("OPERATIONS_STATE_FILE", environ) or "").strip() or DEFAULT_STATE_FILE),
        redis_url=_redis_url(environ),
        check_interval_s=float(settings.get("OPERATIONS_CHECK_INTERVAL_S", environ)),
        registry_file=Path(registry) if registry else ROOT / "actions" / "data" / "guidance.yml",
    )
