"""The days a report covers, in a time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Amsterdam"
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """The days from ``first`` to ``last`` (both included) in time zone ``zone``.

    Attributes:
        first: First day of the period.
        last: Last day of the period.
        zone: IANA time zone name; days start at midnight there.
    """

    first: dt.date
    last: dt.date
    zone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        """Checks that the period is not empty and that the time zone is known."""
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.zone!r}") from error

    @property
    def tz(self) -> ZoneInfo:
        """The time zone."""
        return ZoneInfo(self.zone)

    @property
    def start(self) -> float:
        """Seconds since the epoch at the first midnight of the period."""
        return dt.datetime.combine(self.first, dt.time(), self.tz).timestamp()

    @property
    def end(self) -> float:
        """Seconds since the epoch at the midnight after the last day (not included)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), self.tz).timestamp()

    def contains(self, timestamp: float) -> bool:
        """Whether a moment (seconds since the epoch) falls within the period."""
        return self.start <= timestamp < self.end

    def day_of(self, timestamp: float) -> dt.date:
        """The local day of a moment (seconds since the epoch)."""
        return dt.datetime.fromtimestamp(timestamp, self.tz).date()

    def days(self) -> List[dt.date]:
        """Every day of the period, in order."""
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=offset) for offset in range(count)]


def make_period(first: str = "", last: str = "", zone: str = DEFAULT_TIMEZONE,
                today: Optional[dt.date] = None) -> Period:
    """Builds a period from ISO dates; empty dates default to the last 30 days.

    Args:
        first: First day (YYYY-MM-DD); empty: 29 days before ``last``.
        last: Last day (YYYY-MM-DD); empty: today in ``zone``.
        zone: IANA time zone name.
        today: Today's date (for tests); the real date in ``zone`` when None.

    Returns:
        The period.

    Raises:
        ValueError: On a malformed date, an unknown zone or a reversed period.
    """
    if today is None:
        try:
            today = dt.datetime.now(ZoneInfo(zone)).date()
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {zone!r}") from error
    last_day = dt.date.fromisoformat(last) if last else today
    first_day = dt.date.fromisoformat(first) if first else last_day - dt.timedelta(days=DEFAULT_DAYS - 1)
    return Period(first_day, last_day, zone)
