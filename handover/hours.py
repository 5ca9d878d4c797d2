"""Office hours and holidays of the agents: whether people answer now, and when they answer next.

One file (``handover/hours.yml`` or ``HANDOVER_HOURS_FILE``) holds both, in
Europe/Amsterdam time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_NAMES = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
# How far ahead the next opening is looked for.
LOOKAHEAD_DAYS = 30

Span = Tuple[time, time]


def _span(text: str) -> Span:
    start, _, end = str(text).partition("-")
    opens = time.fromisoformat(start.strip())
    closes = time.max if end.strip() == "24:00" else time.fromisoformat(end.strip())
    if closes <= opens:
        raise ValueError(f"handover hours: '{text}' ends before it starts")
    return opens, closes


@dataclass(frozen=True)
class OfficeHours:
    """Opening times per weekday and the closed days.

    Attributes:
        zone: The time zone of the times.
        weekly: Weekday number (0 = Monday) -> opening spans.
        holidays: Dates on which nobody answers.
    """

    zone: ZoneInfo
    weekly: Dict[int, List[Span]]
    holidays: FrozenSet[date]

    @classmethod
    def load(cls, path: Path) -> OfficeHours:
        """Reads the hours file.

        Raises:
            ValueError: An unknown weekday or a span that is not "HH:MM-HH:MM".
        """
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        weekly: Dict[int, List[Span]] = {}
        for name, spans in (data.get("weekly") or {}).items():
            if str(name).lower() not in WEEKDAYS:
                raise ValueError(f"handover hours: unknown weekday '{name}'")
            weekly[WEEKDAYS.index(str(name).lower())] = sorted(_span(span) for span in spans or [])
        holidays = frozenset(value if isinstance(value, date) else date.fromisoformat(str(value))
                             for value in data.get("holidays") or [])
        return cls(ZoneInfo(str(data.get("timezone") or "Europe/Amsterdam")), weekly, holidays)

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone) if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def is_open(self, moment: datetime) -> bool:
        """Whether people answer at ``moment`` (a naive time counts as local time)."""
        local = self._local(moment)
        if local.date() in self.holidays:
            return False
        return any(opens <= local.time() < closes for opens, closes in self.weekly.get(local.weekday(), []))

    def next_opening(self, moment: datetime) -> Optional[datetime]:
        """The next time people answer after ``moment``, or None when none is in the next 30 days."""
        local = self._local(moment)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            if day in self.holidays:
                continue
            for opens, _ in self.weekly.get(day.weekday(), []):
                start = datetime.combine(day, opens, tzinfo=self.zone)
                if start > local:
                    return start
        return None


def describe(moment: datetime, language: str) -> str:
    """A moment as people say it: "maandag 8 december om 9.00 uur" / "Monday 8 December at 9:00"."""
    day = DAY_NAMES.get(language, DAY_NAMES["nl"])[moment.weekday()]
    month = MONTH_NAMES.get(language, MONTH_NAMES["nl"])[moment.month - 1]
    if language == "en":
        return f"{day} {moment.day} {month} at {moment.hour}:{moment.minute:02d}"
    return f"{day} {moment.day} {month} om {moment.hour}.{moment.minute:02d} uur"
