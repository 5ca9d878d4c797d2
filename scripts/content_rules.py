"""Reading the assistant's answers: bubbles, sources, dates, links, numbers, readability.

Pure text functions without Rasa imports, shared by ``scripts/content_check.py``
(``make content-check``) and the content and guidance tests (``tests/extract.py``).
Functions that depend on the language take ``language`` ("nl", the default, or
"en"): Dutch answers name their sources in ``Bron:`` lines with Dutch dates,
English ones in ``Source:`` lines with English dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Set, Tuple

LANGUAGES = ("nl", "en")

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
SOURCE_PREFIXES: Dict[str, str] = {"nl": "Bron:", "en": "Source:"}
SOURCE_PREFIX = SOURCE_PREFIXES["nl"]


def bubbles(text: str) -> List[str]:
    """Splits a response text into its chat bubbles (blank lines separate them)."""
    return [part.strip() for part in BUBBLE_SPLIT_RE.split(text) if part.strip()]


def word_count(text: str) -> int:
    """Counts words as the chat shows them: runs of non-space characters."""
    return len(text.split())


def source_lines(text: str, language: str = "nl") -> List[str]:
    """Returns the lines of a text that start with the language's source prefix (``Bron:``, ``Source:``)."""
    prefix = SOURCE_PREFIXES[language]
    return [line.strip() for line in text.splitlines() if line.strip().startswith(prefix)]


def ends_with_source(text: str, language: str = "nl") -> bool:
    """Whether the last non-empty line is a source line (``Bron:``, ``Source:``) that names a source."""
    prefix = SOURCE_PREFIXES[language]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bool(lines) and lines[-1].startswith(prefix) and len(lines[-1]) > len(prefix) + 1


# --- dates ------------------------------------------------------------------------

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTH_NAMES: Dict[str, List[str]] = {"nl": MONTHS, "en": EN_MONTHS}
_AND = {"nl": "en", "en": "and"}


def _date_patterns(language: str) -> Tuple[re.Pattern, re.Pattern]:
    months = "|".join(MONTH_NAMES[language])
    single = re.compile(r"\b(\d{1,2}) (" + months + r") (\d{4})")
    day_list = re.compile(r"\b(\d{1,2}) " + _AND[language] + r" (\d{1,2}) (" + months + r") (\d{4})")
    return single, day_list


# "5 februari 2026"; also "11 en 29 augustus 2025" (both days count). English: "5 February 2026".
DATE_RE, DAY_LIST_RE = _date_patterns("nl")
_DATE_PATTERNS = {language: _date_patterns(language) for language in LANGUAGES}


def written_date(value: date, language: str = "nl") -> str:
    """Writes a date as the answers do: ``5 februari 2026`` or ``5 February 2026``."""
    return f"{value.day} {MONTH_NAMES[language][value.month - 1]} {value.year}"


def dutch_date(value: date) -> str:
    """Writes a date as the Dutch answers do: ``5 februari 2026``."""
    return written_date(value, "nl")


def dates_in(text: str, language: str = "nl") -> List[date]:
    """Returns every date written in a text (``11 en 29 augustus 2025`` gives both)."""
    single, day_list = _DATE_PATTERNS[language]
    months = MONTH_NAMES[language]
    found = [date(int(y), months.index(m) + 1, int(d)) for d, m, y in single.findall(text)]
    found += [date(int(y), months.index(m) + 1, int(d)) for d, _, m, y in day_list.findall(text)]
    return found


def source_dates(text: str, language: str = "nl") -> List[date]:
    """Returns the dates in the source lines (``Bron:``, ``Source:``) of a text."""
    return [found for line in source_lines(text, language) for found in dates_in(line, language)]


# --- readability (B1) ----------------------------------------------------------------

# Sentences end at . ! ? : followed by a space or the end, and at every line break
# (list items and source lines are lines of their own).
SENTENCE_END_RE = re.compile(r"(?<=[.!?:])\s+|\n+")
# A word for readability: letters (with Dutch accents), apostrophes and hyphens.
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'\-]*")
# A syllable is a run of vowels ("oe", "ij" and "aa" are one vowel sound each).
VOWEL_GROUP_RE = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+", re.IGNORECASE)
# Dutch: a long word has more than this many syllables (so 4 or more; Dutch glues
# words together: "persoonsgegevens").
LONG_WORD_SYLLABLES = 3
# English: a long word has at least this many syllables (the "hard words" of
# readability formulas such as Gunning fog), or at least this many letters.
EN_LONG_WORD_MIN_SYLLABLES = 3
EN_LONG_WORD_MIN_LETTERS = 10
# English spelling: a final silent "e" ("phone"), "-es" after most consonants
# ("phones", but not "messages") and "-ed" after most consonants ("leaked", but not
# "started") add no syllable; "le" after a consonant ("people") does.
_EN_SILENT_END_RE = re.compile(r"(?<=[^aeiouy])(?:e|es|ed)$")
_EN_SOUNDED_END_RE = re.compile(r"(?:[^aeiouy]le|[cgsxz]es|[td]ed)$")
_EN_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")


def syllables(word: str, language: str = "nl") -> int:
    """Estimates the syllables of a word (at least one).

    Dutch: its vowel groups. English: its vowel groups (``y`` counts as a vowel
    except at the start), less a silent final ``e``, ``-es`` or ``-ed``. Both
    are estimates, right for most common words.

    Args:
        word: One word.
        language: "nl" or "en".

    Returns:
        The estimated number of syllables.
    """
    if language != "en":
        return max(1, len(VOWEL_GROUP_RE.findall(word)))
    letters = re.sub(r"[^a-z]", "", word.lower())
    if len(letters) <= 3:
        return 1
    if not _EN_SOUNDED_END_RE.search(letters):
        letters = _EN_SILENT_END_RE.sub("", letters)
    return max(1, len(_EN_VOWEL_GROUP_RE.findall(letters.removeprefix("y"))))


def is_long_word(word: str, language: str = "nl") -> bool:
    """Whether a word counts as long (hard) for the B1 check.

    Dutch: more than ``LONG_WORD_SYLLABLES`` syllables. English: at least
    ``EN_LONG_WORD_MIN_SYLLABLES`` syllables or ``EN_LONG_WORD_MIN_LETTERS`` letters.

    Args:
        word: One word.
        language: "nl" or "en".
    """
    if language == "en":
        letters = sum(1 for char in word if char.isalpha())
        return syllables(word, "en") >= EN_LONG_WORD_MIN_SYLLABLES or letters >= EN_LONG_WORD_MIN_LETTERS
    return syllables(word) > LONG_WORD_SYLLABLES


def readable_text(text: str) -> str:
    """The text a reader reads: without source lines (``Bron:``, ``Source:``), links and phone numbers."""
    prefixes = tuple(SOURCE_PREFIXES.values())
    kept = [line for line in text.splitlines() if not line.strip().startswith(prefixes)]
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
        long_words: Words that count as long (see ``is_long_word``).
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


def readability(text: str, language: str = "nl") -> Readability:
    """Measures a response text (source lines, links and numbers left out).

    Args:
        text: The response text as in the domain.
        language: "nl" or "en": which long-word rule applies.

    Returns:
        Sentence, word and long-word counts.
    """
    sentences = [WORD_RE.findall(part) for part in SENTENCE_END_RE.split(readable_text(text))]
    sentences = [words for words in sentences if words]
    words = [word for sentence in sentences for word in sentence]
    long_words = sum(1 for sentence in sentences for index, word in enumerate(sentence)
                     if is_long_word(word, language) and not _is_proper_name(word, index, language))
    return Readability(sentences=len(sentences), words=len(words), long_words=long_words)


def _is_proper_name(word: str, index: int, language: str) -> bool:
    """English only: a capitalised word inside a sentence is a name ("Clinical Diagnostics").

    The names of Dutch organisations stay in Dutch in the English answers and cannot
    be made simpler, so they do not count as hard words. Dutch capitalises names the
    same way, but its rule counts syllables, which names rarely push over the limit.
    """
    return language == "en" and index > 0 and word[:1].isupper()
