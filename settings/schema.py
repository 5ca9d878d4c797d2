"""What a setting is, and how its value is read from the environment (one parser for all).

A ``Setting`` names one environment variable with its type, default, limits and
meaning. ``Setting.read`` turns the raw text into a value of that type; what
happens to a value that is not valid is part of the entry (``invalid``):

- ``"error"``: ``ValueError`` with the name, what is expected and the value
  (the server refuses to start, e.g. a channel secret or a size limit);
- ``"default"``: one logged warning, then the default (e.g. a time limit);
- ``"clamp"``: a number outside the limits is moved to the nearest limit; text
  that is no number gives the default with a warning.

This module imports nothing of the project.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
KINDS = ("str", "int", "float", "bool", "list")
INVALID = ("error", "default", "clamp")


@dataclass(frozen=True)
class Setting:
    """One environment variable.

    Attributes:
        name: The variable, e.g. ``ACTION_TIMEOUT_S``.
        kind: ``str``, ``int``, ``float``, ``bool`` or ``list`` (comma-separated text).
        default: The value when the variable is unset or empty (None: no value).
        meaning: What it does (one line for the table in docs/settings.md).
        used_by: Who reads it (for the table).
        low: Smallest valid number (None: no lower limit).
        high: Largest valid number (None: no upper limit).
        low_open: Whether ``low`` itself is not valid (``(0, 15]``: low 0, open).
        invalid: ``error``, ``default`` or ``clamp`` (see the module docstring).
        default_text: The default as the table shows it, when not the value itself.
        python: False for a variable that only shell scripts, the Makefile or
            another program read (listed for the table; ``read`` refuses it).
    """

    name: str
    kind: str
    default: Any
    meaning: str
    used_by: str
    low: Optional[float] = None
    high: Optional[float] = None
    low_open: bool = False
    invalid: str = "default"
    default_text: Optional[str] = None
    python: bool = True

    def __post_init__(self) -> None:
        """Checks the entry itself (a wrong entry fails at import, in every test)."""
        if self.kind not in KINDS or self.invalid not in INVALID:
            raise ValueError(f"setting {self.name}: kind {self.kind!r} / invalid {self.invalid!r} unknown")
        if self.invalid == "clamp" and self.kind not in ("int", "float"):
            raise ValueError(f"setting {self.name}: only numbers can be clamped")

    def expected(self) -> str:
        """What a valid value looks like, in words (for errors, warnings and the table)."""
        if self.kind == "bool":
            return "1 or 0"
        if self.kind not in ("int", "float"):
            return "text"
        noun = "whole number" if self.kind == "int" else "number"
        low, high = self.low, self.high
        positive = low is not None and ((low == 0 and self.low_open) or (low == 1 and self.kind == "int"))
        if high is None and positive:
            return f"a positive {noun}"
        if low is not None and high is not None:
            if self.low_open:
                return f"a {noun} above {_number(low)} and at most {_number(high)}"
            return f"a {noun} from {_number(low)} to {_number(high)}"
        if low is not None:
            return f"a {noun} of at least {_number(low)}"
        return f"a {noun}"

    def limits(self) -> str:
        """The valid values as an interval, e.g. ``(0, 15]``, or empty when there are none."""
        if self.low is None and self.high is None:
            return ""
        left = "(" if self.low_open or self.low is None else "["
        right = "]" if self.high is not None else ")"
        low = "-inf" if self.low is None else _number(self.low)
        high = "inf" if self.high is None else _number(self.high)
        return f"{left}{low}, {high}{right}"

    def read(self, environ: Optional[Mapping[str, str]] = None) -> Any:
        """The value of the variable in ``environ``, checked.

        Args:
            environ: The environment; ``os.environ`` when None.

        Returns:
            The typed value; the default when unset or empty (or invalid, with ``invalid="default"``).

        Raises:
            ValueError: The value is not valid and ``invalid`` is ``error``.
            LookupError: The setting is not read by Python (``python=False``).
        """
        if not self.python:
            raise LookupError(f"{self.name} is read outside Python ({self.used_by})")
        raw = (os.environ if environ is None else environ).get(self.name, "").strip()
        if not raw:
            return self.default
        if self.kind == "str":
            return raw
        if self.kind == "list":
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if self.kind == "bool":
            return self._boolean(raw)
        return self._number(raw)

    def _boolean(self, raw: str) -> Any:
        lowered = raw.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        return self._refuse(raw)

    def _number(self, raw: str) -> Any:
        try:
            value: float = int(raw) if self.kind == "int" else float(raw)
        except ValueError:
            if self.invalid == "clamp":
                logger.warning("%s=%r is not %s; using %s", self.name, raw,
                               "a whole number" if self.kind == "int" else "a number", self.default)
                return self.default
            return self._refuse(raw)
        if self._within(value):
            return value
        if self.invalid == "clamp":
            low, high = _bounds(self.low, self.high)
            return type(value)(max(low, min(value, high)))
        return self._refuse(raw)

    def _within(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or value <= self.high

    def _refuse(self, raw: str) -> Any:
        if self.invalid == "error":
            raise ValueError(f"{self.name} must be {self.expected()}, not {raw!r}")
        logger.warning("%s=%r is not %s; using %s", self.name, raw, self.expected(), self.default)
        return self.default


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _bounds(low: Optional[float], high: Optional[float]) -> Tuple[float, float]:
    return (float("-inf") if low is None else low, float("inf") if high is None else high)
