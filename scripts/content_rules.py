"""Reading the assistant's answers: bubbles, sources, dates, links, numbers, readability.

Pure text functions without Rasa imports, shared by ``scripts/content_check.py``
(``make content-check``) and the content and guidance tests (``tests/extract.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Set, Tuple

# --- links and phone numbers -------------------------------------------------

# Links as the answers write them: https only, ending before closing punctuation.
URL_RE = re.compile(r"https://[^\s)]+[^\s).,;]")
# Dutch phone numbers as the answers write them (groups separated by spaces), and 112.
PHONE_RE = re.compile(r"\b(?:0\d{2,3}(?: \d{2,4}){1,3}|112)\b")
# Wider nets for files: any scheme or a bare www. address, and numbers written with
# hyphens or without spaces, so a link or number in another spelling is caught too.
ANY_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s)\"'<>`]+[^\s).,;:\"'<>`]", re.IGNORECASE)
ANY_PHONE_RE = re.compile(r"(?<![\w-])(?<!\d[.,])(?:0\d{2,3}(?:[ -]?\d{2,4}){1,3}|112)(?![\w-])(?![.,]\d)")
# Addresses that are not guidance: the local services the project itself starts.
LOCAL_URL_RE = re.compile(r"^https?://(?:localhost|127\.0\.0\.1)(?:[:/]|$)")


def references(text: str) -> Tuple[Set[str], Set[str]]:
    """Returns the links (without local addresses) and phone numbers in a text.

    Args:
        text: Any text: an answer, a source file, a web page.

    Returns:
        The set of links and the set of phone numbers, as written.
    """
    urls = {url for url in ANY_URL_RE.findall(text) if not LOCAL_URL_RE.match(url)}
    return urls, set(ANY_PHONE_RE.findall(text))


# --- bubbles and source lines --------------------------------------------------

# A blank line starts a new chat bubble.
BUBBLE_SPLIT_RE = re.compile(r"\n\s*\n")
# Source lines start with "Bron:" in Dutch answers and "Source:" in English ones.
SOURCE_PREFIX = "Bron:"
SOURCE_PREFIX_EN = "Source:"
SOURCE_PREFIXES = (SOURCE_PREFIX, SOURCE_PREFIX_EN)


def bubbles(text: str) -> List[str]:
    """Splits a response text into its chat bubbles (blank lines separate them)."""
    return [part.strip() for part in BUBBLE_SPLIT_RE.split(text) if part.strip()]


def word_count(text: str) -> int:
    """Counts words as the chat shows them: runs of non-space characters."""
    return len(text.split())


def source_lines(text: str) -> List[str]:
    """Returns the lines of a text that start with ``Bron:`` (or ``Source:`` in English)."""
    return [line.strip() for line in text.splitlines() if line.strip().startswith(SOURCE_PREFIXES)]


def ends_with_source(text: str) -> bool:
    """Whether the last non-empty line is a ``Bron:`` (or ``Source:``) line that names a source."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    prefix = next((prefix for prefix in SOURCE_PREFIXES if lines[-1].startswith(prefix)), None)
    return prefix is not None and len(lines[-1]) > len(prefix) + 1


# --- dates (Dutch and English) ------------------------------------------------------

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
_MONTH_NUMBER = {name: number for names in (MONTHS, MONTHS_EN) for number, name in enumerate(names, start=1)}
_MONTH_NAMES = "|".join(MONTHS + MONTHS_EN)
# "5 februari 2026" / "5 February 2026"; also "11 en 29 augustus 2025" and
# "11 and 29 August 2025" (both days count).
DATE_RE = re.compile(r"(\d{1,2}) (" + _MONTH_NAMES + r") (\d{4})")
DAY_LIST_RE = re.compile(r"(\d{1,2}) (?:en|and) (\d{1,2}) (" + _MONTH_NAMES + r") (\d{4})")


def dutch_date(value: date) -> str:
    """Writes a date as the answers do: ``5 februari 2026``."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def dates_in(text: str) -> List[date]:
    """Returns every Dutch or English date written in a text (``11 en 29 augustus 2025`` gives both)."""
    found = [date(int(y), _MONTH_NUMBER[m], int(d)) for d, m, y in DATE_RE.findall(text)]
    found += [date(int(y), _MONTH_NUMBER[m], int(d)) for d, _, m, y in DAY_LIST_RE.findall(text)]
    return found


def source_dates(text: str) -> List[date]:
    """Returns the dates in the ``Bron:`` (or ``Source:``) lines of a text."""
    return [found for line in source_lines(text) for found in dates_in(line)]


# --- readability (B1) ----------------------------------------------------------------

# Sentences end at . ! ? : followed by a space or the end, and at every line break
# (list items and source lines are lines of their own).
SENTENCE_END_RE = re.compile(r"(?<=[.!?:])\s+|\n+")
# A word for readability: letters (with Dutch accents), apostrophes and hyphens.
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'\-]*")
# A syllable is a run of vowels ("oe", "ij" and "aa" are one vowel sound each).
VOWEL_GROUP_RE = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+", re.IGNORECASE)
LONG_WORD_SYLLABLES = 3


def syllables(word: str) -> int:
    """Estimates the syllables of a Dutch word: its vowel groups (at least one)."""
    return max(1, len(VOWEL_GROUP_RE.findall(word)))


def readable_text(text: str) -> str:
    """The text a reader reads: without ``Bron:`` or ``Source:`` lines, links and phone numbers."""
    kept = [line for line in text.splitlines() if not line.strip().startswith(SOURCE_PREFIXES)]
    plain = "\n".join(kept)
    urls, phones = references(plain)
    for item in sorted(urls | phones, key=len, reverse=True):
        plain = plain.replace(item, " ")
    return plain


@dataclass(frozen=True)
class Readability:
    """Readability figures of one response.

    Attributes:
        sentences: Number of sentences with at least one word.
        words: Number of words.
        long_words: Words of more than ``LONG_WORD_SYLLABLES`` syllables.
    """

    sentences: int
    words: int
    long_words: int

    @property
    def average_sentence_length(self) -> float:
        """Words per sentence (0 for an empty text)."""
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def long_word_share(self) -> float:
        """Share of long words, 0 to 1 (0 for an empty text)."""
        return self.long_words / self.words if self.words else 0.0


def readability(text: str) -> Readability:
    """Measures a response text (source lines, links and numbers left out).

    Args:
        text: The response text as in the domain.

    Returns:
        Sentence, word and long-word counts.
    """
    sentences = [WORD_RE.findall(part) for part in SENTENCE_END_RE.split(readable_text(text))]
    sentences = [words for words in sentences if words]
    words = [word for sentence in sentences for word in sentence]
    long_words = sum(1 for word in words if syllables(word) > LONG_WORD_SYLLABLES)
    return Readability(sentences=len(sentences), words=len(words), long_words=long_words)
