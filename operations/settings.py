"""The settings of operator control, read from the environment in one function."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

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


def _redis_url(env: Mapping[str, str]) -> Optional[str]:
    explicit = env.get("OPERATIONS_REDIS_URL", "").strip() or env.get("CHANNEL_REDIS_URL", "").strip()
    if explicit:
        return explicit
    host = env.get("REDIS_HOST", "").strip()
    if not host:
        return None
    password = env.get("REDIS_PASSWORD", "")
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{host}:{env.get('REDIS_PORT', '6379').strip() or '6379'}/{LOCK_STORE_DB}"


def load_settings(environ: Optional[Mapping[str, str]] = None) -> OperationsSettings:
    """Reads every setting of operator control (docs/settings.md).

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        The settings. An interval that is not a number, or outside (0, 30] s, is the default.
    """
    env = os.environ if environ is None else environ
    try:
        interval = float(env.get("OPERATIONS_CHECK_INTERVAL_S", DEFAULT_CHECK_INTERVAL_S))
    except ValueError:
        interval = DEFAULT_CHECK_INTERVAL_S
    if not 0 < interval <= MAX_CHECK_INTERVAL_S:
        interval = DEFAULT_CHECK_INTERVAL_S
    registry = env.get("GUIDANCE_REGISTRY", "").strip()
    return OperationsSettings(
        token=env.get("OPERATOR_TOKEN", "").strip() or None,
        state_file=Path(env.get("OPERATIONS_STATE_FILE", "").strip() or DEFAULT_STATE_FILE),
        redis_url=_redis_url(env),
        check_interval_s=interval,
        registry_file=Path(registry) if registry else ROOT / "actions" / "data" / "guidance.yml",
    )
