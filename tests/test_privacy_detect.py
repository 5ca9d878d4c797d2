"""Detectors of personal data: examples, quiet cases, and generated BSNs and IBANs (hypothesis)."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from privacy.detect import (
    BIRTH_DATE,
    BSN,
    EMAIL,
    IBAN,
    ID_NUMBER,
    PHONE,
    POSTCODE,
    Span,
    find_birth_date,
    find_personal_data,
    resolve_overlaps,
)
from tests.test_content import BRIEF, PHONE_RE


def kinds(text):
    return [span.kind for span in find_personal_data(text)]


@pytest.mark.parametrize("text, kind", [
    ("Mijn BSN is 123456782, moet ik die veranderen?", BSN),
    ("bsn 123 456 782", BSN),
    ("bsn 123.456.782", BSN),
    ("bsn 123-456-782", BSN),
    ("rekening NL91 ABNA 0417 1643 00 graag", IBAN),
    ("rekening nl91abna0417164300", IBAN),
    ("IBAN DE89 3704 0044 0532 0130 00", IBAN),
    ("bel mij op 06-12345678", PHONE),
    ("bel mij op 0612345678", PHONE),
    ("mijn vaste nummer is 020-1234567", PHONE),
    ("call +44 20 7946 0958", PHONE),
    ("mail naar jan.jansen+bvo@example.nl", EMAIL),
    ("ik woon in 2288 ER 12", POSTCODE),
    ("postcode 1234ab 5a", POSTCODE),
    ("geboren op 12-03-1985", BIRTH_DATE),
    ("geboren op 12/3/1985", BIRTH_DATE),
    ("geboren op 12 maart 1985", BIRTH_DATE),
    ("geboren op 1985-03-12", BIRTH_DATE),
    ("geboren 12 mrt. 1985", BIRTH_DATE),
    ("mijn paspoort XR1001R58", ID_NUMBER),
])
def test_each_kind_is_found(text, kind):
    assert kinds(text) == [kind]


@pytest.mark.parametrize("text", [
    "Zijn er echt 485.000 mensen getroffen?",
    "Gaat het om 941.000 of 715.000 mensen?",
    "Wat gebeurde er in 2025?",
    "De hack was van 3 tot 6 juli.",
    "De hack was tussen 3 en 6 juli 2025.",
    "Op 11 augustus 2025 kwam het nieuws.",
    "Brief van 12-09-2025 gekregen",
    "Ik ben in 1985 geboren, moet ik iets doen?",
    "Is 088 900 10 00 het goede nummer?",
    "Fraudehelpdesk 088 786 73 72 gebeld",
    "politie 0900 8844 of 112",
    "Ik heb 2 brieven gekregen, 1 in juli",
    "Sinds 2017 en dan 80.000 dossiers",
    "Wat is er gebeurd?",
    "het is 31-02-1985",  # not a real date
    "code 1234 SA",  # postcodes with SA, SD, SS do not exist
    "Zijn het er 140.250 in 1990?",  # 14 0250 is a municipal service number, not a person's
    "bel gratis 0800 1234",
])
def test_ordinary_numbers_and_official_contacts_are_not_flagged(text):
    assert kinds(text) == []


def test_every_phone_number_the_assistant_gives_is_not_flagged(domain):
    numbers = {match for _, variations in domain.responses.items() for v in variations
               for match in PHONE_RE.findall(v.get("text") or "")}
    assert "088 900 10 00" in numbers
    for number in numbers:
        assert kinds(f"Klopt {number}?") == [], number


def test_every_phone_number_in_the_brief_is_not_flagged():
    numbers = PHONE_RE.findall(BRIEF.read_text(encoding="utf-8"))
    assert len(set(numbers)) >= 4
    for number in numbers:
        assert kinds(number) == [], number


def test_birth_dates_need_a_year_long_enough_ago():
    today = datetime.date(2026, 1, 1)
    assert find_birth_date("12-03-2020", today) == []
    assert find_birth_date("12-03-2010", today) == [Span(0, 10, BIRTH_DATE)]


def test_overlapping_spans_keep_the_longest():
    spans = [Span(0, 9, PHONE), Span(0, 18, IBAN), Span(20, 29, BSN)]
    assert resolve_overlaps(spans) == [Span(0, 18, IBAN), Span(20, 29, BSN)]


def test_partly_overlapping_spans_are_merged_into_the_longest():
    spans = [Span(0, 20, "name"), Span(15, 30, "address")]
    assert resolve_overlaps(spans) == [Span(0, 30, "name")]


def test_several_items_in_one_message():
    text = "BSN 123456782, mail a@b.nl en bel 06-12345678"
    assert kinds(text) == [BSN, EMAIL, PHONE]


# ---- generated data (hypothesis) ----

def bsn_check_ok(digits):
    return sum(int(d) * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=True)) % 11 == 0


@st.composite
def valid_bsns(draw):
    first = [draw(st.integers(1, 9))] + draw(st.lists(st.integers(0, 9), min_size=7, max_size=7))
    check = sum(d * w for d, w in zip(first, [9, 8, 7, 6, 5, 4, 3, 2], strict=True)) % 11
    assume(check != 10)  # no check digit fits: not a valid BSN
    return "".join(map(str, first)) + str(check)


SEPARATORS = st.sampled_from(["", " ", ".", "-"])
FILLER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ?", max_size=30)


def formatted(digits, sep, grouping):
    parts, pos = [], 0
    for size in grouping:
        parts.append(digits[pos:pos + size])
        pos += size
    return sep.join(parts)


@settings(max_examples=300, deadline=None)
@given(valid_bsns(), SEPARATORS, st.sampled_from([(3, 3, 3), (4, 2, 3), (9,)]), FILLER, FILLER)
def test_generated_valid_bsns_are_found(digits, sep, grouping, before, after):
    assert bsn_check_ok(digits)
    number = formatted(digits, sep, grouping)
    text = f"{before} {number} {after}"
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == [BSN]
    assert text[spans[0].start:spans[0].end] == number


@settings(max_examples=300, deadline=None)
@given(valid_bsns(), st.integers(1, 9), SEPARATORS)
def test_bsns_with_a_wrong_check_digit_are_not_bsns(digits, shift, sep):
    wrong = digits[:8] + str((int(digits[8]) + shift) % 10)
    assert not bsn_check_ok(wrong)
    assert BSN not in kinds(f"nummer {formatted(wrong, sep, (3, 3, 3))} klopt dat")


def iban_check_digits(country, bban):
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


@st.composite
def dutch_ibans(draw):
    bank = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4))
    account = draw(st.text(alphabet="0123456789", min_size=10, max_size=10))
    bban = bank + account
    return "NL" + iban_check_digits("NL", bban) + bban


def grouped(iban):
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


@settings(max_examples=300, deadline=None)
@given(dutch_ibans(), st.booleans(), st.booleans(), FILLER)
def test_generated_valid_ibans_are_found(iban, spaced, lower, after):
    written = grouped(iban) if spaced else iban
    written = written.lower() if lower else written
    text = f"mijn rekening is {written} {after}"
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == [IBAN]
    assert re.sub(r"\s", "", text[spans[0].start:spans[0].end]).upper() == iban


@settings(max_examples=300, deadline=None)
@given(dutch_ibans(), st.integers(1, 96))
def test_ibans_with_wrong_check_digits_are_not_ibans(iban, shift):
    wrong = iban[:2] + f"{(int(iban[2:4]) + shift) % 97:02d}" + iban[4:]
    assert IBAN not in kinds(f"rekening {grouped(wrong)}")


OFFICIAL = ["088 900 10 00", "088 786 73 72", "0900 8844", "112", "0889001000", "088-900 10 00"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OFFICIAL), FILLER, FILLER)
def test_official_numbers_are_never_flagged(number, before, after):
    assert kinds(f"{before} {number} {after}") == []


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 999), st.sampled_from(["000", "500", "250"]), st.integers(1990, 2030))
def test_counts_and_years_are_never_flagged(thousands, rest, year):
    assert kinds(f"Zijn het er {thousands}.{rest} in {year}?") == []
