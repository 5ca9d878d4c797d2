"""The audit log of operator changes: who, when, what; no message text, no personal data.

Every change is one line on the logger ``operations.audit`` (INFO), e.g.::

    operator change: by=crisis-team at=2026-12-07T05:40:00+00:00 action=override_set
        key=utter_faq/which_data language=nl   (one line)

``by`` is the name the operator gives in the ``X-Operator-Name`` header (letters,
digits, ``.``, ``_``, ``-``; at most 40), else ``token-<first 8 hex of the
token's SHA-256>``. The new text itself is not logged: it is in the state.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timezone
from typing import Callable, Optional

logger = logging.getLogger("operations.audit")

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
VALUE_RE = re.compile(r"[^A-Za-z0-9._/-]")


def now_iso(clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> str:
    """The time now in UTC, to the second."""
    return clock().replace(microsecond=0).isoformat()


def who(name_header: Optional[str], token: str) -> str:
    """The operator's name from the header when it is a plain short name, else the token's id."""
    if name_header and NAME_RE.match(name_header.strip()):
        return name_header.strip()
    return "token-" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:8]


def record(by: str, at: str, action: str, key: str = "", language: str = "") -> str:
    """Logs one change and returns the line.

    Args:
        by: Who (see :func:`who`).
        at: When (ISO 8601, UTC).
        action: ``notice_set``, ``notice_removed``, ``override_set``, ``override_withdrawn``,
            ``override_removed``, ``safe_mode_on`` or ``safe_mode_off``.
        key: The response name, for an override.
        language: The language, for an override.
    """
    parts = [f"by={by}", f"at={at}", f"action={action}"]
    if key:
        parts.append(f"key={VALUE_RE.sub('?', key)[:80]}")
    if language:
        parts.append(f"language={VALUE_RE.sub('?', language)[:5]}")
    line = "operator change: " + " ".join(parts)
    logger.info(line)
    return line
