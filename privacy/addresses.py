"""Finds Dutch street addresses: a street name with a house number, optionally a postcode and place.

A street name is found in two ways:

* by its last part: a word ending in "straat", "laan", "weg", "plein",
  "gracht", "kade", "singel", "dijk", "dreef", "steeg" (any case), or a
  capitalised word ending in "hof", "pad", "markt", "park", "erf", "ring",
  "baan", "wal" ("Rozenhof"); also the abbreviation "str." ("Kerkstr. 5"). The
  words before it that belong to the name are included: capitalised words and
  particles ("Burgemeester de Withstraat", "Jan van Galenstraat"), and known
  first words such as "nieuwe", "oude", "graaf" ("nieuwe binnenweg"). A street
  word may also come first ("Laan van Meerdervoort 52", "Ringbaan Oost 200");
* after "ik woon op/aan/in (de)", "mijn adres is", "adres:": any one to four
  words before a house number ("ik woon aan de oude rijn 12").

The house number may have an addition: "12a", "12-3", "12 bis", "12 hs",
"12 A", "123-II". A number followed by a unit ("onderweg 3 weken") is not a
house number, nor is a postcode ("in Rijswijk 2288 ER").
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from privacy.lexicon import NOT_NAME_STARTS, NOT_NAMES, PARTICLES, STREET_PREFIXES

_STRONG_SUFFIXES = ("straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk", "dreef", "steeg",
                    "burgwal", "plantsoen", "boulevard", "schans")
_WEAK_SUFFIXES = ("hof", "pad", "markt", "park", "erf", "ring", "baan", "wal")
# Common words that end like a street but are not one.
_NOT_STREETS = frozenset("""
    onderweg snelweg halfweg zijweg omweg uitweg rijweg doorweg kerkhof gerechtshof supermarkt
    jaarmarkt arbeidsmarkt woningmarkt verzekering regering vergadering ervaring bestelling
    aflevering loopbaan ijsbaan
""".split())
# Words after a number that make it a count or a time, not a house number.
_UNITS = frozenset("""
    jaar jaren jr maand maanden week weken dag dagen uur uren minuut minuten seconden keer keren
    x mensen vrouwen mannen personen deelnemers brieven procent euro eur km kilometer meter m cm
    kg kilo stuks dossiers labs kinderen straten huizen deuren nummers
    years year months month weeks week days day hours hour minutes times people women letters
    percent
""".split())
_STOP_WORDS = frozenset("""
    en of maar want ik je u jij we wij zij hij ze al nog nu sinds dan daar hier er is was ben bent zijn
    heb heeft hebben met voor na om tot bij naar uit nummer nr the and since been have has for
""".split())
_WORD = r"[^\W\d_][\w'’.\-]*"
# A word directly before a house number ("Kerkstraat 5", "Kerkstr. 5", "Plein 1944 nummer 3").
_CANDIDATE_RE = re.compile(
    rf"(?<![\w'’.\-])(?P<word>{_WORD})[ \t]+(?:(?:nummer|nr\.?|no\.?)[ \t]*)?(?P<number>\d{{1,4}})(?![\d])")
_NUMBER_FIRST_RE = re.compile(
    rf"(?<![\w.,\-])(?P<number>\d{{1,4}}[a-zA-Z]?)[ \t]+"
    rf"(?P<word>[A-Z]\w*(?:{'|'.join(_STRONG_SUFFIXES)}))(?![\w])")
_CUE_RE = re.compile(
    r"\b(?:(?:ik[ \t]+)?(?:woon|woont|wonen|woonde|woonachtig|wonend|verhuisd[ \t]+naar|live|lives|living)"
    r"(?:[ \t]+(?:nu|al))?[ \t]+(?:op|aan|in|at|on|naar)|(?:mijn[ \t]+|het[ \t]+|my[ \t]+)?(?:adres|address)"
    r"(?:[ \t]+(?:is|was))?[ \t]*:?|straat[ \t]*:)[ \t]+(?:(?:de|het|'t|the)[ \t]+)?",
    re.IGNORECASE)
_CUE_WORDS_RE = re.compile(rf"(?:{_WORD}[ \t]+){{1,4}}?(?=\d{{1,4}}(?![\d]))")
_ADDITION_RE = re.compile(
    r"(?:[ \t]?[-/][ \t]?(?:\d{1,4}|[A-Za-z]{1,4})(?![\w])|[a-zA-Z](?![\w])"
    r"|[ \t](?:bis|hs|h|huis|bg|bel|boven|beneden|bov|zw|rd|I{1,3}|IV|[A-Z]"
    r"|[a-z](?=[ \t]*(?:$|[,.;!?)\n])))(?![\w])"
    r"|[ \t]+(?:nummer|nr\.?|no\.?)[ \t]*\d{1,4}[a-zA-Z]?(?![\w]))*")
_POSTCODE_RE = re.compile(
    r"[ \t]*,?[ \t]*[1-9]\d{3}[ \t]?[A-Za-z]{2}(?![\w])"
    r"(?:[ \t]+[A-Z][a-z]+(?:[ \t-](?:[a-z]{1,4}[ \t-])?[A-Z][a-z]+)?)?")
_PLACE_RE = re.compile(r"(?:,[ \t]*|[ \t]+te[ \t]+)(?P<place>[A-Z][a-z]+(?:[ \t-][A-Z][a-z]+)?)(?![\w])")
_POSTCODE_AHEAD_RE = re.compile(r"[ \t]?[A-Za-z]{2}(?![\w])")
_COMPASS = frozenset({"oost", "west", "noord", "zuid", "oostzijde", "westzijde", "noordzijde", "zuidzijde"})
MAX_PREFIX_WORDS = 4


def is_street_word(word: str) -> bool:
    """True for a word that ends like a Dutch street name ("Kerkstraat", "kerkstr.", "Rozenhof").

    Args:
        word: One word, possibly with a trailing dot.

    Returns:
        Whether it can be (the last part of) a street name.
    """
    bare = word.rstrip(".")
    key = bare.lower()
    if key in _NOT_STREETS:
        return False
    capitalised = bare[:1].isupper()
    if key.endswith("str") and len(key) > 4:
        return True
    for suffix in _STRONG_SUFFIXES:
        if key.endswith(suffix):
            return len(key) > len(suffix) + 1 or capitalised
    if capitalised:
        for suffix in _WEAK_SUFFIXES:
            if key.endswith(suffix) and not (suffix == "ring" and key.endswith("ering")):
                return True
    return False


def _prefix_word_ok(word: str) -> bool:
    """True for a word that can stand before the street word in its name."""
    if not re.fullmatch(r"[^\W\d_][\w'’\-]*\.?|\d{1,2}e|['’]t", word):
        return False
    key = word.lower().rstrip(".").replace("’", "'")
    if key in PARTICLES or key in STREET_PREFIXES or re.fullmatch(r"\d{1,2}e", key):
        return True
    return word[:1].isupper() and key not in NOT_NAMES and key not in NOT_NAME_STARTS


def _extend_left(text: str, start: int) -> int:
    """Moves ``start`` left over the words that belong to the street name; drops leading particles."""
    tokens = list(re.finditer(r"[^\s]+", text[max(0, start - 80):start]))
    offset = max(0, start - 80)
    kept: List[Tuple[int, str]] = []
    boundary = start
    for token in reversed(tokens):
        gap = text[offset + token.end():boundary]
        if gap.strip(" \t") or not _prefix_word_ok(token.group()) or len(kept) >= MAX_PREFIX_WORDS:
            break
        kept.append((offset + token.start(), token.group()))
        boundary = offset + token.start()
    while kept and kept[-1][1].lower().replace("’", "'") in PARTICLES | {"het"} and kept[-1][1][:1].islower():
        kept.pop()
    return kept[-1][0] if kept else start


def _house_number_end(text: str, number_end: int) -> Optional[int]:
    """Returns where the house number and its addition end, or None if the number is no house number."""
    if _POSTCODE_AHEAD_RE.match(text, number_end) and re.match(r"\d{4}", text[number_end - 4:number_end]):
        return None  # "2288 ER": a postcode
    following = re.match(r"[ \t]*([^\W\d_]+|%)", text[number_end:])
    if following and following.group(1).lower() in _UNITS:
        return None
    if re.match(r"[.,:]\d", text[number_end:number_end + 2]):
        return None  # 5.000, 3,5, 10:30
    return _ADDITION_RE.match(text, number_end).end()


def _with_postcode_and_place(text: str, end: int) -> int:
    """Extends an address over a following postcode and place ("2288 ER Rijswijk", ", Rijswijk")."""
    postcode = _POSTCODE_RE.match(text, end)
    if postcode:
        return postcode.end()
    place = _PLACE_RE.match(text, end)
    if place and place.group("place").split()[0].lower() not in NOT_NAMES | NOT_NAME_STARTS:
        return place.end()
    return end


def _street_start(text: str, word_start: int, word: str) -> Optional[int]:
    """Where the street name ends in ``word`` starts, or None when it is no street name.

    ``word`` is a street word ("Kerkstraat"), or the last word of a name that has a
    street word before it ("Laan van Meerdervoort", "Ringbaan Oost").
    """
    if is_street_word(word):
        return _extend_left(text, word_start)
    if not (word[:1].isupper() or word.lower() in _COMPASS):
        return None
    position = word_start
    for _ in range(3):
        before = re.search(r"([^\s]+)[ \t]+$", text[max(0, position - 40):position])
        if not before:
            return None
        token = before.group(1)
        position = position - len(before.group())
        if is_street_word(token):
            return _extend_left(text, position)
        if token.lower() not in PARTICLES and token.lower() not in _COMPASS and not token[:1].isupper():
            return None
    return None


def _by_street_word(text: str) -> List[Tuple[int, int]]:
    """Addresses found by the street word before (or after) the house number."""
    found: List[Tuple[int, int]] = []
    for match in _CANDIDATE_RE.finditer(text):
        start = _street_start(text, match.start("word"), match.group("word"))
        end = _house_number_end(text, match.end()) if start is not None else None
        if start is not None and end is not None:
            found.append((start, _with_postcode_and_place(text, end)))
    for match in _NUMBER_FIRST_RE.finditer(text):
        following = re.match(r"[ \t]*([^\W\d_]+)", text[match.end("number"):])
        if is_street_word(match.group("word")) and not (following and following.group(1).lower() in _UNITS):
            found.append((match.start(), match.end()))
    return found


def _after_cue(text: str) -> List[Tuple[int, int]]:
    """Addresses after "ik woon op", "mijn adres is": words and a house number."""
    found: List[Tuple[int, int]] = []
    for cue in _CUE_RE.finditer(text):
        words = _CUE_WORDS_RE.match(text, cue.end())
        if not words or any(w.lower() in _STOP_WORDS for w in words.group().split()):
            continue
        number = re.match(r"\d{1,4}", text[words.end():])
        end = _house_number_end(text, words.end() + number.end())
        if end is not None:
            found.append((cue.end(), _with_postcode_and_place(text, end)))
    return found


def find_addresses(text: str) -> List[Tuple[int, int]]:
    """Finds street addresses (see the module docstring).

    Args:
        text: The message.

    Returns:
        ``(start, end)`` of each address; they may overlap.
    """
    if not any(char.isdigit() for char in text):
        return []
    return _by_street_word(text) + _after_cue(text)
