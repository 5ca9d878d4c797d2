"""Maps what a user typed to one of the options of a button question.

Every choice the assistant offers as buttons also works when typed, in Dutch or
English: a number ("2", "optie 2", "de tweede", "the second one", "2nd"), a
button title, a synonym, or one of those with a typo. Pure logic without Rasa
imports; the option titles come from the buttons in the domain and the synonyms
from ``actions/data/flows.yml``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

# Ordinal words for "the first", "the second" ... option, in Dutch and in English.
ORDINALS = ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste",
            "negende", "tiende", "elfde", "twaalfde")
EN_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
               "tenth", "eleventh", "twelfth")
# Number words people type instead of digits. Not "een" and not "one": they are also
# the article "a" and the pronoun in "the second one" / "no one".
NUMBER_WORDS = ("", "", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
                "twaalf")
EN_NUMBER_WORDS = ("", "", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                   "twelve")
_ORDINAL_INDEX: Dict[str, int] = {word: index for words in (ORDINALS, EN_ORDINALS)
                                  for index, word in enumerate(words)}
_NUMBER_WORD_INDEX: Dict[str, int] = {word: index - 1 for words in (NUMBER_WORDS, EN_NUMBER_WORDS)
                                      for index, word in enumerate(words) if word}
_NUMBER_RE = re.compile(r"^(?:optie|keuze|nummer|nr|knop|option|choice|number|button)?\s*(\d{1,2})$")
# "2e", "2de", "2ste" (Dutch) and "2nd", "1st", "3rd", "4th" (English).
_NUMBERED_ORDINAL_RE = re.compile(r"^(\d{1,2})(?:e|de|ste|st|nd|rd|th)$")
# Similarity a typed word needs with a synonym to count as a typo of it.
FUZZY_CUTOFF = 0.8
# Similarity each word of a several-word phrase needs.
WORD_CUTOFF = 0.7
# Shortest word or text compared for typos ("ja" and numbers must match exactly).
MIN_FUZZY_LENGTH = 3
# Longest text, in words, that may be read as a number or ordinal choice.
MAX_WORDS_FOR_NUMBER = 3


@dataclass(frozen=True)
class Option:
    """One option of a button question.

    Attributes:
        value: The slot value the option stands for.
        phrases: Normalised title and synonyms that mean this option.
    """

    value: str
    phrases: Tuple[str, ...] = field(default_factory=tuple)


def normalise(text: str) -> str:
    """Lowercases, removes accents and punctuation and collapses spaces.

    Args:
        text: Any user text.

    Returns:
        The normalised text, words separated by one space.
    """
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def make_options(titles: Sequence[Tuple[str, str]], synonyms: Dict[str, Sequence[str]]) -> List[Option]:
    """Builds options in button order from button titles and synonyms.

    Args:
        titles: (value, button title) pairs in the order the buttons are shown.
        synonyms: Extra words or phrases per value.

    Returns:
        The options, in button order.
    """
    options = []
    for value, title in titles:
        phrases = [normalise(title)] + [normalise(word) for word in synonyms.get(value, ())]
        options.append(Option(value=value, phrases=tuple(dict.fromkeys(p for p in phrases if p))))
    return options


def _by_number(text: str, options: Sequence[Option]) -> Optional[str]:
    words = text.split()
    if not words or len(words) > MAX_WORDS_FOR_NUMBER:
        return None
    match = _NUMBER_RE.match(text)
    index: Optional[int] = int(match.group(1)) - 1 if match else None
    if index is None:
        # An ordinal wins over a number word: "the second one" is option 2.
        ordinals = [_ORDINAL_INDEX[word] for word in words if word in _ORDINAL_INDEX]
        ordinals += [int(found.group(1)) - 1 for word in words if (found := _NUMBERED_ORDINAL_RE.match(word))]
        numbers = [_NUMBER_WORD_INDEX[word] for word in words if word in _NUMBER_WORD_INDEX]
        index = (ordinals or numbers or [None])[-1]
    if index is not None and 0 <= index < len(options):
        return options[index].value
    return None


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", text) is not None


def _similarity(candidate: str, phrase: str) -> float:
    """How close a typed text is to a phrase with as many words, or 0.

    The whole text must reach ``FUZZY_CUTOFF`` and every word pair
    ``WORD_CUTOFF``, so "gegevens zijn" is not "gegevens inzien". Phrases with
    more words score higher, as in exact matching.
    """
    words, phrase_words = candidate.split(), phrase.split()
    if len(words) != len(phrase_words):
        return 0.0
    whole = difflib.SequenceMatcher(None, candidate, phrase).ratio()
    pairs = zip(words, phrase_words, strict=True)
    weakest = min(difflib.SequenceMatcher(None, word, other).ratio() for word, other in pairs)
    if whole < FUZZY_CUTOFF or weakest < WORD_CUTOFF:
        return 0.0
    return len(words) + whole


def _best(scored: Dict[str, float], priority: Optional[Sequence[str]]) -> Optional[str]:
    if not scored:
        return None
    top = max(scored.values())
    best = [value for value, score in scored.items() if score == top]
    if len(best) == 1:
        return best[0]
    if priority:
        return min(best, key=lambda value: priority.index(value) if value in priority else len(priority))
    return None


def match_option(
    text: str, options: Sequence[Option], priority: Optional[Sequence[str]] = None
) -> Optional[str]:
    """Returns the value of the option the text means, or None when unclear.

    The checks, in order: a number or ordinal ("2", "optie 2", "de tweede",
    "the second one", "2nd");
    a title or synonym inside the text (the one with the most words wins, so
    "nee, weet ik niet" is "weet ik niet"); a typo of a title or synonym
    (``difflib``, for the whole text, each word and each word pair, against
    phrases with as many words).

    Args:
        text: What the user typed.
        options: The options in button order.
        priority: Values in order of preference: when two options match
            equally well, the one listed first wins. Without it a tie makes
            the text unclear.

    Returns:
        The option's value, or None if no option or more than one fits.
    """
    clean = normalise(text)
    if not clean:
        return None
    by_number = _by_number(clean, options)
    if by_number:
        return by_number

    exact: Dict[str, float] = {}
    for option in options:
        for phrase in option.phrases:
            if _contains(clean, phrase):
                exact[option.value] = max(exact.get(option.value, 0), len(phrase.split()))
    if exact:
        return _best(exact, priority)

    fuzzy: Dict[str, float] = {}
    words = clean.split()
    candidates = [clean] + words + [" ".join(pair) for pair in zip(words, words[1:], strict=False)]
    candidates = [c for c in dict.fromkeys(candidates) if len(c) >= MIN_FUZZY_LENGTH and not c.isdigit()]
    for option in options:
        for phrase in option.phrases:
            for candidate in candidates:
                score = _similarity(candidate, phrase)
                if score:
                    fuzzy[option.value] = max(fuzzy.get(option.value, 0), score)
    return _best(fuzzy, priority)


def is_short_phrase_match(
    text: str, phrases: Sequence[str], max_words: int = MAX_WORDS_FOR_NUMBER + 1
) -> bool:
    """Whether a short text is, or contains, one of the phrases (typos allowed for the whole text).

    Only short texts count, so "Moet ik stoppen met het bevolkingsonderzoek?"
    is not read as "stop".

    Args:
        text: What the user typed.
        phrases: Phrases, for example the words that stop a flow.
        max_words: Longest text, in words, that is checked.

    Returns:
        True if the text has at most ``max_words`` words and a phrase occurs in
        it, or the whole text is a typo of a phrase.
    """
    clean = normalise(text)
    if not clean or len(clean.split()) > max_words:
        return False
    normalised = [normalise(phrase) for phrase in phrases]
    if any(_contains(clean, phrase) for phrase in normalised):
        return True
    return bool(difflib.get_close_matches(clean, normalised, n=1, cutoff=FUZZY_CUTOFF))
