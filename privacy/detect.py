"""Finds personal data in a message: BSN, IBAN, phone, e-mail, postcode, birth date, ID number, name, address.

Checksums and number formats come from python-stdnum and phonenumbers; the
regular expressions here only find candidates. Names (``privacy.names``),
street addresses (``privacy.addresses``) and e-mail addresses written out in
words (``privacy.written_email``) have their own modules. Each detector
returns spans; ``find_personal_data`` merges them so that no two spans overlap.

Kept quiet on purpose: the official numbers the assistant itself gives
(``OFFICIAL_PHONE_NUMBERS``), counts such as "485.000", years such as "2025",
and dates of the incident such as "3 tot 6 juli 2025" (dates only count as a
birth date when the year lies at least ``MIN_AGE_YEARS`` in the past).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Tuple

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import identiteitskaartnummer as stdnum_id
from stdnum.nl import postcode as stdnum_postcode

from privacy.addresses import find_addresses
from privacy.names import find_names
from privacy.written_email import find_written_emails

BSN = "bsn"
IBAN = "iban"
PHONE = "phone"
EMAIL = "email"
POSTCODE = "postcode"
BIRTH_DATE = "birth_date"
ID_NUMBER = "id_number"
NAME = "name"
ADDRESS = "address"
KINDS: Tuple[str, ...] = (BSN, IBAN, PHONE, EMAIL, POSTCODE, BIRTH_DATE, ID_NUMBER, NAME, ADDRESS)

# When spans overlap, the longer one wins; on equal length the kind listed first.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    (IBAN, EMAIL, BSN, BIRTH_DATE, ID_NUMBER, ADDRESS, POSTCODE, PHONE, NAME))}
# Every detector of numbers needs a digit, the plain e-mail detector an '@'.
_DIGIT_OR_AT_RE = re.compile(r"[\d@]")

# The numbers the assistant itself gives (content brief, section 3), in E.164 form.
OFFICIAL_PHONE_NUMBERS = frozenset({
    "+31889001000",  # Centraal Meldpunt Identiteitsfraude, 088 900 10 00
    "+31887867372",  # Fraudehelpdesk, 088 786 73 72
    "+319008844",  # Politie, 0900 8844
    "+31112",  # emergency number 112
})
DEFAULT_REGION = "NL"

# A date only looks like a date of birth when its year is this many years back or more.
MIN_AGE_YEARS = 12
MIN_BIRTH_YEAR = 1900

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                        "sept": 9, "okt": 10, "nov": 11, "dec": 12}

_SEP = r"[ .\-]"
# Nine digits with at most one space, dot or dash between any two, not part of a longer number.
_BSN_RE = re.compile(rf"(?<!\d)(?<!\d{_SEP})\d(?:{_SEP}?\d){{8}}(?!{_SEP}?\d)")
# Country code, check digits, then up to 30 letters or digits in groups.
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){8,30}")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[A-Za-z]{2,24}(?![\w-])")
# 1234 AB (capitals, or lower case written without a space), optionally followed by a house number.
_POSTCODE_RE = re.compile(
    r"(?<![\w])(?P<code>[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2}))(?![\w])"
    r"(?P<house>,? ?\d{1,5}(?: ?[A-Za-z](?![\w]))?(?![\w]))?"
)
_NUMERIC_DATE_RE = re.compile(
    r"(?<![\d.\-/])(?P<day>\d{1,2})(?P<sep>[\-/.])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d\-/]|\.\d)"
)
_ISO_DATE_RE = re.compile(r"(?<![\d\-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
_TEXT_DATE_RE = re.compile(
    r"(?<!\d)(?P<day>\d{1,2}) ?(?P<month>" + "|".join(MONTHS) + r"|(?:"
    + "|".join(_MONTH_ABBREVIATIONS) + r")\.?) ?(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
# Dutch passport and ID card: 2 letters, 6 letters or digits, 1 digit; no letter O.
_ID_NUMBER_RE = re.compile(r"(?<![A-Za-z0-9])[A-NP-Z]{2}[A-NP-Z0-9]{6}\d(?![A-Za-z0-9])")


@dataclass(frozen=True, order=True)
class Span:
    """One piece of personal data in a text.

    Attributes:
        start: Index of the first character.
        end: Index after the last character.
        kind: One of ``KINDS``.
    """

    start: int
    end: int
    kind: str


def find_bsn(text: str) -> List[Span]:
    """Finds citizen service numbers (BSN) that pass the 11-check.

    Args:
        text: The message.

    Returns:
        Spans of kind ``bsn``.
    """
    return [Span(m.start(), m.end(), BSN) for m in _BSN_RE.finditer(text)
            if stdnum_bsn.is_valid(re.sub(r"\D", "", m.group()))]


def find_iban(text: str) -> List[Span]:
    """Finds IBANs with a valid mod-97 check and a valid country format.

    A candidate may run into the words after it ("NL91 ABNA 0417 1643 00 is
    mijn rekening"), so it is shortened from the right until it is valid.

    Args:
        text: The message.

    Returns:
        Spans of kind ``iban``.
    """
    spans: List[Span] = []
    for match in _IBAN_RE.finditer(text):
        candidate = match.group()
        for end in range(len(candidate), 11, -1):
            piece = candidate[:end]
            if piece.endswith(" "):
                continue
            if stdnum_iban.is_valid(piece):
                spans.append(Span(match.start(), match.start() + end, IBAN))
                break
    return spans


# Numbers of organisations, not of people: 0800/0900, shared cost, and "universal
# access" numbers such as 088 company numbers and the 14 0xx municipal numbers
# (so "140.250" in a question is not a phone number).
SERVICE_NUMBER_TYPES = frozenset({
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.VOICEMAIL,
})


def find_phone(text: str, region: str = DEFAULT_REGION) -> List[Span]:
    """Finds valid Dutch and international phone numbers, except the official ones.

    Args:
        text: The message.
        region: Region for numbers written without a country code.

    Returns:
        Spans of kind ``phone``.
    """
    spans: List[Span] = []
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if number in OFFICIAL_PHONE_NUMBERS:
            continue
        if phonenumbers.number_type(match.number) in SERVICE_NUMBER_TYPES:
            continue
        spans.append(Span(match.start, match.end, PHONE))
    return spans


def find_email(text: str) -> List[Span]:
    """Finds e-mail addresses.

    Args:
        text: The message.

    Returns:
        Spans of kind ``email``.
    """
    return [Span(m.start(), m.end(), EMAIL) for m in _EMAIL_RE.finditer(text)]


def find_written_email(text: str) -> List[Span]:
    """Finds e-mail addresses written out in words ("jan(at)example.nl", "jan at example dot nl").

    Args:
        text: The message.

    Returns:
        Spans of kind ``email``.
    """
    return [Span(start, end, EMAIL) for start, end in find_written_emails(text)]


def find_name(text: str) -> List[Span]:
    """Finds names of people after a cue, under a letter, or with initials ("J. Jansen").

    Args:
        text: The message.

    Returns:
        Spans of kind ``name``.
    """
    return [Span(start, end, NAME) for start, end in find_names(text)]


def find_address(text: str) -> List[Span]:
    """Finds street addresses with a house number ("Kerkstraat 5", "Van Goghlaan 3 A").

    Args:
        text: The message.

    Returns:
        Spans of kind ``address``.
    """
    return [Span(start, end, ADDRESS) for start, end in find_addresses(text)]


def find_postcode(text: str) -> List[Span]:
    """Finds Dutch postcodes ("2288 ER", "2288er"), with the house number after them.

    Args:
        text: The message.

    Returns:
        Spans of kind ``postcode``.
    """
    spans: List[Span] = []
    for match in _POSTCODE_RE.finditer(text):
        if stdnum_postcode.is_valid(match.group("code").upper()):
            spans.append(Span(match.start(), match.end(), POSTCODE))
    return spans


def _birth_year(year_text: str, today: datetime.date) -> Optional[int]:
    """Returns the full year if it fits a date of birth, else None."""
    year = int(year_text)
    if len(year_text) == 2:
        year += 1900 if year > today.year % 100 else 2000
    if MIN_BIRTH_YEAR <= year <= today.year - MIN_AGE_YEARS:
        return year
    return None


def _month_number(month_text: str) -> int:
    """Returns 1-12 for a month number or Dutch month name (full or abbreviated), 0 if unknown."""
    if month_text.isdigit():
        return int(month_text)
    name = month_text.lower().rstrip(".")
    if name in MONTHS:
        return MONTHS.index(name) + 1
    return _MONTH_ABBREVIATIONS.get(name, 0)


def find_birth_date(text: str, today: Optional[datetime.date] = None) -> List[Span]:
    """Finds full dates (day, month, year) whose year fits a date of birth.

    Args:
        text: The message.
        today: Reference date; the real date when None.

    Returns:
        Spans of kind ``birth_date``.
    """
    today = today or datetime.date.today()
    spans: List[Span] = []
    for pattern in (_NUMERIC_DATE_RE, _ISO_DATE_RE, _TEXT_DATE_RE):
        for match in pattern.finditer(text):
            year = _birth_year(match.group("year"), today)
            month = _month_number(match.group("month"))
            day = int(match.group("day"))
            if year and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
                spans.append(Span(match.start(), match.end(), BIRTH_DATE))
    return spans


def find_id_number(text: str) -> List[Span]:
    """Finds Dutch passport and ID card numbers.

    Args:
        text: The message.

    Returns:
        Spans of kind ``id_number``.
    """
    return [Span(m.start(), m.end(), ID_NUMBER) for m in _ID_NUMBER_RE.finditer(text)
            if stdnum_id.is_valid(m.group())]


NUMBER_DETECTORS: Tuple[Callable[[str], List[Span]], ...] = (
    find_bsn, find_iban, find_phone, find_email, find_postcode, find_birth_date, find_id_number,
)
TEXT_DETECTORS: Tuple[Callable[[str], List[Span]], ...] = (find_written_email, find_name, find_address)
DETECTORS = NUMBER_DETECTORS + TEXT_DETECTORS


def resolve_overlaps(spans: Iterable[Span]) -> List[Span]:
    """Keeps, among overlapping spans, the longest (then the highest-priority kind).

    A shorter span that sticks out of the one kept is not dropped: the kept span
    grows to cover both, so no part of either is left in the text.

    Args:
        spans: Spans from any detectors, in any order.

    Returns:
        Non-overlapping spans, sorted by position.
    """
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), _PRIORITY[s.kind], s.start))
    kept: List[Span] = []
    for span in ranked:
        overlapping = [other for other in kept if span.start < other.end and other.start < span.end]
        if not overlapping:
            kept.append(span)
            continue
        start = min([span.start] + [other.start for other in overlapping])
        end = max([span.end] + [other.end for other in overlapping])
        kept = [other for other in kept if other not in overlapping]
        kept.append(Span(start, end, overlapping[0].kind))
    return sorted(kept)


def find_personal_data(text: str) -> List[Span]:
    """Runs every detector and resolves overlaps.

    The detectors of numbers only run when the text has a digit or an '@'.

    Args:
        text: The message (the caller limits its length).

    Returns:
        Non-overlapping spans, sorted by position.
    """
    detectors = DETECTORS if _DIGIT_OR_AT_RE.search(text) else TEXT_DETECTORS
    found: List[Span] = []
    for detector in detectors:
        found.extend(detector(text))
    return resolve_overlaps(found)
