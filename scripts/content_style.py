"""Wording rules for the answers: no promise about results, short Dutch sentences, explained abbreviations.

Pure text functions without Rasa imports, used by ``scripts/content_check.py``
(``make content-check``). Each returns the offending pieces of a text, so the
check can name them; an empty list means the text passes.
"""

from __future__ import annotations

import re
from typing import Dict, List

from scripts.content_rules import SENTENCE_END_RE, WORD_RE, readable_text

# --- results: say only what the source says ---------------------------------------

# The announcement says only that the breach "heeft geen invloed op de uitslag". A
# sentence that calls a result right, correct or reliable promises more than that.
_RESULT_WORD = {"nl": re.compile(r"uitslag", re.IGNORECASE),
                "en": re.compile(r"\bresults?\b", re.IGNORECASE)}
_PROMISE_WORD = {"nl": re.compile(r"\b(?:klopt|kloppen|klopte|juist|correct|betrouwbaar)\b", re.IGNORECASE),
                 "en": re.compile(r"\b(?:correct|right|accurate|reliable|valid)\b", re.IGNORECASE)}


def sentences(text: str) -> List[str]:
    """The sentences a reader reads: source lines, links and phone numbers left out.

    A sentence ends at ``.``, ``!``, ``?`` or ``:`` followed by a space, or at a
    line break (see ``SENTENCE_END_RE``).
    """
    return [part.strip() for part in SENTENCE_END_RE.split(readable_text(text)) if part.strip()]


def result_promises(text: str, language: str = "nl") -> List[str]:
    """Sentences that call a test result right or correct (``klopt`` near ``uitslag``).

    Args:
        text: A response text or a button title.
        language: "nl" or "en".

    Returns:
        The offending sentences.
    """
    return [sentence for sentence in sentences(text)
            if _RESULT_WORD[language].search(sentence) and _PROMISE_WORD[language].search(sentence)]


# --- sentence length ------------------------------------------------------------------

# Dutch sentences have fewer words than this (B1: one idea per sentence). Words are
# counted as in the B1 check (WORD_RE: runs of letters); numbers, links, phone numbers
# and the source lines (Bron:) are not read, and a list item is a sentence of its own.
MAX_SENTENCE_WORDS: Dict[str, int] = {"nl": 18}


def long_sentences(text: str, language: str = "nl") -> List[str]:
    """Sentences of ``MAX_SENTENCE_WORDS[language]`` words or more (no limit for other languages).

    Args:
        text: A response text.
        language: "nl" or "en".

    Returns:
        The offending sentences.
    """
    limit = MAX_SENTENCE_WORDS.get(language)
    if limit is None:
        return []
    return [sentence for sentence in sentences(text) if len(WORD_RE.findall(sentence)) >= limit]


# --- abbreviations ----------------------------------------------------------------------

# A word of two to six letters with at least two capitals: VWS, OM, RvIG, BSN, NMDL.
ABBREVIATION_RE = re.compile(r"\b(?=(?:[a-z]*[A-Z]){2})[A-Z][A-Za-z]{1,5}\b")

# What explains each abbreviation, per language: the full name (or a short
# explanation) written before its first use, or in brackets right after it:
# "ministerie van Volksgezondheid, Welzijn en Sport (VWS)", "VWS (Health, Welfare and Sport)".
ABBREVIATIONS: Dict[str, Dict[str, str]] = {
    "nl": {
        "AP": "Autoriteit Persoonsgegevens",
        "IGJ": "Inspectie Gezondheidszorg en Jeugd",
        "VWS": "Volksgezondheid, Welzijn en Sport",
        "OM": "Openbaar Ministerie",
        "CMI": "Centraal Meldpunt Identiteitsfraude",
        "RvIG": "Rijksdienst voor Identiteitsgegevens",
    },
    "en": {
        "AP": "Data Protection Authority",
        "IGJ": "Inspectorate",
        "VWS": "Health, Welfare and Sport",
        "OM": "Public Prosecution Service",
        "CMI": "Identity Fraud Desk",
        "RvIG": "Identity Data",
        "BSN": "citizen service number",
        "RIVM": "public health institute",
    },
}

# Abbreviations every reader of the language knows, or that are part of a name, each
# with its reason. Any other abbreviation fails until it is added to one of the lists.
WELL_KNOWN: Dict[str, Dict[str, str]] = {
    "nl": {
        "BSN": "on every Dutch passport and ID card; the announcement writes it unexplained",
        "RIVM": "the institute's own name, a household name in the Netherlands",
        "NMDL": "part of the lab's name, Clinical Diagnostics NMDL",
    },
    "en": {
        "NMDL": "part of the lab's name, Clinical Diagnostics NMDL",
        "PIN": "a common English word",
        "PINs": "a common English word",
        "GPs": "a common English word",
        "ID": "a common English word",
        "GP": "a common English word (the Dutch huisarts is named next to it where it helps)",
    },
}


def unexplained_abbreviations(text: str, language: str = "nl") -> List[str]:
    """Abbreviations whose first use in a text is not explained.

    An abbreviation is explained when its explanation (``ABBREVIATIONS``) comes
    before its first use, or in the brackets right after it. Well-known ones
    (``WELL_KNOWN``) need none; an abbreviation in neither list always fails.

    Args:
        text: A response text (source lines, links and numbers are not read).
        language: "nl" or "en".

    Returns:
        One line per abbreviation: the abbreviation and what it lacks.
    """
    plain = readable_text(text)
    problems: List[str] = []
    seen = set()
    for match in ABBREVIATION_RE.finditer(plain):
        abbreviation = match.group()
        if abbreviation in seen or abbreviation in WELL_KNOWN.get(language, {}):
            continue
        seen.add(abbreviation)
        explanation = ABBREVIATIONS.get(language, {}).get(abbreviation)
        if explanation is None:
            problems.append(f"{abbreviation} (unknown: explain it and add it to ABBREVIATIONS)")
            continue
        before = plain[:match.start()].lower()
        after = re.match(r"\s*\(([^)]*)\)", plain[match.end():])
        in_brackets = bool(after) and explanation.lower() in after.group(1).lower()
        if explanation.lower() not in before and not in_brackets:
            problems.append(f"{abbreviation} (explain it at first use: {explanation})")
    return problems
