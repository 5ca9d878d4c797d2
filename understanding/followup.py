"""Recognises short messages that lean on the previous turn ("en mijn adres?", "waarom?").

Such a message is answered against the topic of the previous answer when it
does not clearly name a topic of its own.
"""

from __future__ import annotations

import re

from understanding.emotion import fold
from understanding.questions import FINITE_VERBS, POSSESSIVES

MAX_WORDS = 12
STARTS = re.compile(
    r"^(?:en|ook|of|maar|dus|dan|oke?|ok[eé]?|ah|aha|hm+|ja|nee|and|also|but|so|what about|how about|"
    r"hoe zit het met|hoe zit dat met|en als|en wat als|en dan|en nu|en waar|en wie|"
    r"(?:bij|naar|via|met|voor|van) (?:wie|wat|welke|waar)|in de brief|in that letter)\b"
)
ANAPHORA = re.compile(
    r"\b(?:dat|die|dit|daar|daarvan|daarover|daarmee|dan|ervan|hun|zij|ze|those|that|this|them|it|there)\b"
)
BARE_QUESTION = re.compile(
    r"^(?:waarom|waarom niet|hoezo|hoe dan|hoe|wanneer|wanneer dan|waar|wie|welke|hoeveel|sinds wanneer|"
    r"why|why not|how|when|where|who|which|how many|really|echt|serieus|wat betekent dat|"
    r"what does that mean)\W*$"
)
WORD = re.compile(r"\w+")
# Short messages that stand on their own (greetings, thanks, yes/no, a topic's key word).
STANDALONE = frozenset("""
    hallo hoi hey hi dag goedemorgen goedemiddag goedenavond doei bedankt dank thanks thank bye
    ja nee yes no ok oke prima top help stop datalek hack english engels nederlands
""".split())


def is_anaphoric(text: str) -> bool:
    """True when a follow-up points back ("hoe groot is die groep?", "wanneer dan", "waarom?")."""
    folded = fold(text)
    return bool(BARE_QUESTION.match(folded) or ANAPHORA.search(folded))


def is_followup(text: str) -> bool:
    """True when a message is short and leans on what was said before.

    Args:
        text: The message.

    Returns:
        True for "en mijn adres?", "waarom?", "hoeveel daarvan?", "is dat erg?" and the like.
    """
    folded = fold(text)
    words = WORD.findall(folded)
    if not words or len(words) > MAX_WORDS:
        return False
    if BARE_QUESTION.match(folded):
        return True
    if STARTS.match(folded):
        return True
    if len(words) <= 2 and not any(w in STANDALONE for w in words):
        return True  # "telefoonnummer?", "en nu"
    return len(words) <= 6 and bool(ANAPHORA.search(folded))


# "in de brief ook?", "bij het lab ook?": the same question about another place or moment.
ALSO = frozenset({"ook", "also", "too"})
PLACES = frozenset({"in", "bij", "op", "tijdens", "via", "at", "on", "during"})
SAME_MAX_WORDS = 9


def asks_the_same(text: str) -> bool:
    """True for a follow-up that asks the previous question again about another place or moment.

    "in de brief ook?" after "heeft bvo excuses aangeboden?" asks about the apology,
    whatever "brief" alone suggests. "ook mijn testuitslag?" names a thing of its
    own and is no such follow-up.

    Args:
        text: The message.

    Returns:
        True for a short message without a verb, with "ook" and a place word.
    """
    words = WORD.findall(fold(text))
    return (0 < len(words) <= SAME_MAX_WORDS and bool(ALSO & set(words)) and bool(PLACES & set(words))
            and not (POSSESSIVES & set(words)) and not (FINITE_VERBS & set(words)))
