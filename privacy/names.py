"""Finds names of people: after a cue, under a letter, and initials or a known first name with a surname.

A name is one to four name words with surname particles between them ("Jan de
Vries", "Hanneke van 't Zand", "Gerda Veenstra-Bos"), optionally after initials
("A.M. de Vries"). How much evidence a name needs depends on what comes before it:

* a strong cue, "ik heet", "mijn naam is", "naam:", "my name is": any word that
  is not in ``lexicon.NOT_NAMES``, also in lower case ("ik heet jan de vries");
* "ik ben", "I am", "I'm": a capitalised word that is not in ``NOT_NAMES``
  ("Ik ben Sandra"), or in lower case a listed first name ("ik ben jan"); so
  "ik ben bang", "ik ben 45", "I am worried" stay;
* a title, "mevrouw", "mevr.", "dhr.", "meneer", "de heer", "familie": a
  capitalised word, initials, a particle with a surname ("meneer de jong"), or
  a listed surname or first name in lower case ("mevrouw jansen");
* a family word, "mijn dochter", "mijn vrouw", "oma": a capitalised word, or
  in lower case a listed first name ("mijn dochter emma");
* a closing, "met vriendelijke groet", "groetjes", "mvg", "kind regards": a
  capitalised word or initials; in lower case only when the name ends the line
  ("groetjes fatima"); after "bedankt" or "thanks" only a capitalised or listed
  first name that ends the line;
* "hallo, met ...", "this is", "hier is": a listed first name;
* no cue: initials with a surname ("J. Jansen"), or a listed first name with a
  capitalised surname ("Piet Jansen"). Two capitalised words alone ("Fenna
  Hoekstra") are not enough: they are too often the name of a place or thing.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import AbstractSet, List, Optional, Tuple

from privacy.lexicon import FIRST_NAMES, NOT_NAME_STARTS, NOT_NAMES, PARTICLES, SURNAMES

UPPER = "A-ZÀ-ÖØ-ÞĆČĐŁŃŒŠŚŞŻŹŽİĞ"
LOWER = "a-zß-öø-ÿćčđłńœšśşżźžığ"


class Evidence(Enum):
    """How strong the cue before a name is; decides which words count as a name."""

    STRONG = "strong"  # any word not in NOT_NAMES
    SELF = "self"  # "ik ben": capitalised, or a listed first name
    TITLE = "title"  # "mevrouw": capitalised, initials, particle + surname, or a listed surname
    CAPITAL = "capital"  # capitalised words or initials only
    KNOWN = "known"  # the first word must be a listed first name
    RELATION = "relation"  # "mijn dochter": capitalised, or a listed first name ("mijn dochter emma")


_SPACES_RE = re.compile(r"[ \t]+")
# Initials: "J.", "A.M.", "J.P.", and the old abbreviations "Th.", "Chr.", "Joh." of a first name.
_INITIAL = rf"(?:[{UPPER}]|Th|Chr|Joh|Ph|Wm|Jac|Ch|Fr)\."
_INITIALS_RE = re.compile(rf"(?:{_INITIAL}[ \t]?){{1,4}}|(?:[{LOWER}]\.[ \t]?){{1,3}}")
# A name word has two letters or more; a single letter is only a name as an initial ("J.").
_WORD_RE = re.compile(r"['’]t(?![^\W\d_])|(?:[^\W\d_]['’])?[^\W\d_]{2,}(?:[-'’][^\W\d_]+)*")
# Abbreviations that look like initials but are not ("B.V. Nederland", "P.S. Mijn ...").
_NOT_INITIALS = frozenset({"b.v.", "n.v.", "n.b.", "p.s.", "a.u.b.", "s.v.p.", "v.o.f.", "e.d.", "o.a.",
                           "t.a.v.", "i.p.v.", "m.b.t.", "i.v.m.", "d.w.z.", "z.s.m."})
# Titles and family words that may stand between a cue and the name ("ik ben mevrouw Vos").
_NAME_PREFIX_RE = re.compile(
    r"(?:drs|dr|ir|ing|mr|mrs|ms|prof|bc|ds|mevr|mw|dhr)\.?[ \t]+|(?:mevrouw|meneer|miss|de[ \t]+heer)[ \t]+"
    r"|(?:de[ \t]+)?(?:familie|fam\.)[ \t]+|(?:oma|opa|tante|oom)[ \t]+",
    re.IGNORECASE)
MAX_NAME_WORDS = 4
_NICKNAME_RE = re.compile(r"\([^\W\d_]{2,}\)[ \t]*")
_SURNAME_INITIAL_RE = re.compile(rf"[{UPPER}]\.(?![\w])")

# Each group of cues is only looked for when one of its words is in the message (a fast first test).
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_STRONG_CUE_WORDS = frozenset({"heet", "naam", "voornaam", "achternaam", "roepnaam", "meisjesnaam", "name",
                               "surname", "genaamd", "called"})
_SELF_CUE_WORDS = frozenset({"ben", "am", "m"})
_TITLE_WORDS = frozenset({"mevrouw", "mevr", "mw", "meneer", "mijnheer", "mnr", "dhr", "heer", "mr", "mrs",
                          "ms", "miss", "mister", "juffrouw", "familie", "fam", "dokter"})
_RELATION_WORDS = frozenset({
    "moeder", "vader", "dochter", "zoon", "man", "vrouw", "echtgenoot", "echtgenote", "partner", "vriend",
    "vriendin", "zus", "zuster", "broer", "oma", "opa", "tante", "oom", "nicht", "neef", "buurvrouw",
    "buurman", "schoonmoeder", "schoonvader", "schoonzus", "kleindochter", "kleinzoon", "wife", "husband",
    "mother", "father", "daughter", "son", "sister", "brother", "neighbour", "neighbor", "friend",
    "grandmother", "grandma"})
_CLOSING_WORDS = frozenset({"groet", "groeten", "groetjes", "gegroet", "mvg", "g", "gr", "hoogachtend",
                            "liefs", "doei", "regards", "best", "wishes", "greetings", "cheers", "sincerely",
                            "faithfully", "truly"})
_THANKS_WORDS = frozenset({"bedankt", "dank", "dankjewel", "dankuwel", "thanks", "thank"})
_STRONG_CUE_RE = re.compile(
    r"\b(?:(?:ik|hij|zij|ze|she|he|vrouw|man|moeder|vader|dochter|zoon|zus|broer|partner|oma|opa)[ \t]+heet"
    r"|heet[ \t]+ik|(?:mijn|m'n|mn|me)[ \t]+(?:voor|achter|roep|meisjes)?naam[ \t]+is"
    r"|(?:mijn[ \t]+)?(?:voor|achter|roep|meisjes)?naam[ \t]*:|(?:first|last|sur)[ \t]*name[ \t]*:"
    r"|ik[ \t]+ben[ \t]+genaamd|my[ \t]+name[ \t]+is|my[ \t]+name's|name[ \t]*:|i[ \t]+am[ \t]+called"
    r"|i['’]m[ \t]+called)[ \t]*[:,]?[ \t]*",
    re.IGNORECASE)
# "op mijn naam is een lening afgesloten": the name is the user's, not said.
_NOT_BEFORE_MY_NAME = frozenset({"op", "onder", "met", "in", "aan", "over", "via", "uit", "van", "bij",
                                 "voor"})
_SELF_CUE_RE = re.compile(r"\b(?:ik[ \t]+ben|i[ \t]+am|i['’]m)[ \t]+", re.IGNORECASE)
_KNOWN_CUE_RE = re.compile(
    r"(?:^|[.!?\n])[ \t]*(?:(?:hallo|hoi|hey|hi|hello|goedemorgen|goedemiddag|goedenavond|goedendag|dag"
    r"|beste|good[ \t]+(?:morning|afternoon|evening))"
    r"[ \t]*[,!.]?[ \t]*)?(?:met|u[ \t]+spreekt[ \t]+met|hier[ \t]+is|this[ \t]+is)[ \t]+",
    re.IGNORECASE)
_TITLE_CUE_RE = re.compile(
    r"\b(?:mevrouw|mevr\.?|mw\.?|meneer|mijnheer|mnr\.?|dhr\.?|heer|mr\.?|mrs\.?|ms\.?|miss|mister"
    r"|juffrouw|familie|fam\.|dokter)(?![\w])[ \t]*",
    re.IGNORECASE)
_RELATION_CUE_RE = re.compile(
    rf"\b(?:{'|'.join(sorted(_RELATION_WORDS, key=len, reverse=True))})[ \t]*,?[ \t]*", re.IGNORECASE)
_CLOSING = (r"(?:met[ \t]+)?(?:vriendelijke|hartelijke|lieve|warme|beste)[ \t]+groet(?:en|jes)?"
            r"|groet(?:en|jes)?(?:[ \t]+van)?|hartelijk[ \t]+gegroet|m\.?v\.?g\.?|m\.vr\.gr\.?"
            r"|vr\.?[ \t]*gr\.?"
            r"|gr(?:\.|(?=[ \t]*,))|hoogachtend|liefs|doei|(?:kind|best|warm|warmest)[ \t]+regards|regards"
            r"|best[ \t]+wishes"
            r"|best(?=[ \t]*,)|greetings|cheers|(?:yours[ \t]+)?(?:sincerely|faithfully|truly)")
# "Groeten uit Zwolle, Ellie": the place after the closing is skipped.
_CLOSING_RE = re.compile(
    rf"(?<![\w])(?:{_CLOSING})(?![\w])[ \t]*[,:;!.\-]*\s*"
    rf"(?:(?:uit|from)[ \t]+[{UPPER}][{LOWER}]+(?:[ \t]+[{UPPER}][{LOWER}]+)?[ \t]*,\s*)?",
    re.IGNORECASE)
_THANKS_RE = re.compile(
    r"(?<![\w])(?:alvast[ \t]+(?:bedankt|dank)|bedankt|dank[ \t]+(?:u|je)[ \t]+wel|dankjewel|dankuwel"
    r"|thanks|thank[ \t]+you|many[ \t]+thanks)(?![\w])[ \t]*[,:;!.\-]*\s*",
    re.IGNORECASE)
_AND_RE = re.compile(r"[ \t]+(?:en|&|and)[ \t]+", re.IGNORECASE)
# Ends a line or the message: only punctuation, emoji or white space up to the line end.
_LINE_END_RE = re.compile(r"[ \t]*[^\w\n]{0,3}[ \t]*(?:\n|$)")
_PARTICIPLE_RE = re.compile(
    r"(?:ge|be|ver|ont|mis|her|er|aan|af|op|uit|in|door|over|weg|vast|terug|mee|toe)[^\W\d_]*[dtn]")
# Particles as they may be written inside a name: "van", "Van", "de", "De", "ter", "'t", "el".
_CAPITAL_PARTICLE = r"(?:[Vv]an|[Dd]e[nr]?|[Tt]e[rn]?|'t|[Ee]l|[Aa]l)"
_INITIALS_SURNAME_RE = re.compile(
    rf"(?<![\w.])(?:{_INITIAL}[ \t]?){{1,4}}(?=(?:{_CAPITAL_PARTICLE}[ \t]+)*[{UPPER}][{LOWER}])")
_FIRST_SURNAME_RE = re.compile(
    rf"(?<![\w'’-])[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?(?=[ \t]+(?:{_CAPITAL_PARTICLE}[ \t]+)*"
    rf"[{UPPER}][{LOWER}])")
_PARTICLE_AHEAD_RE = re.compile(r"[ \t]+(?:van|de|den|der|ter|ten|'t)[ \t]", re.IGNORECASE)
# Listed first names that are also common words at the start of a sentence ("Wil je ...").
_AMBIGUOUS_FIRST_NAMES = frozenset({"wil", "ben", "will", "may", "mei", "hoop", "lies", "an", "co", "max",
                                    "jet", "floor", "roos", "lot"})


def _is_capitalised(word: str) -> bool:
    """True for "Jansen", "Groot-Smit", "Özdemir", "O'Connor"; false for "jansen", "HPV", "A"."""
    if len(word) < 2 or not word[0].isupper():
        return False
    return word[1].islower() or (word[1] in "'’" and word[2:3].isalpha())  # "O'Connor"


def _key(word: str) -> str:
    """The word as the lexicon lists it: lower case, typographic apostrophe folded."""
    return word.lower().replace("’", "'")


def _looks_like_participle(key: str) -> bool:
    """True for "misbruikt", "gestolen", "aangevraagd": "mijn naam is misbruikt" says no name."""
    return key not in FIRST_NAMES and bool(_PARTICIPLE_RE.fullmatch(key))


def _first_word_ok(word: str, evidence: Evidence) -> bool:
    """Decides whether ``word`` may be the first word of a name after this kind of cue."""
    key = _key(word)
    if key in NOT_NAMES or key in PARTICLES or key in NOT_NAME_STARTS:
        return False
    head = key.split("-")[0]
    if head != key and head not in PARTICLES and (head in NOT_NAMES or head in NOT_NAME_STARTS):
        return False  # "Nederlands-Marokkaans", "Eurofins-klant"
    if evidence is Evidence.STRONG:
        return not (word.islower() and _looks_like_participle(key))
    if evidence is Evidence.KNOWN:
        return key in FIRST_NAMES
    if _is_capitalised(word):
        return True
    if evidence is Evidence.SELF:
        return key in FIRST_NAMES
    if evidence is Evidence.RELATION:
        return key in FIRST_NAMES and key not in _AMBIGUOUS_FIRST_NAMES
    if evidence is Evidence.TITLE:
        return key in SURNAMES or key in FIRST_NAMES
    return False


def _next_word_ok(word: str, evidence: Evidence, after_particle: bool, lower_case: bool) -> bool:
    """Decides whether ``word`` continues a name that has begun."""
    key = _key(word)
    if _is_capitalised(word):
        return after_particle or key not in NOT_NAMES
    if not lower_case or evidence in (Evidence.CAPITAL, Evidence.KNOWN):
        return False
    if evidence is Evidence.RELATION and not after_particle:
        return key in SURNAMES  # "mijn dochter emma heeft ...": the verb is no surname
    return key not in NOT_NAMES


def read_name(text: str, position: int, evidence: Evidence, allow_initials_only: bool = False,
              first_word_checked: bool = False) -> Optional[Tuple[int, int]]:
    """Reads a name that starts at ``position`` (spaces skipped), if the words fit the evidence.

    Args:
        text: The message.
        position: Where the name may start (just after the cue).
        evidence: The kind of cue before it.
        allow_initials_only: Accept initials without a surname ("mevrouw K.").
        first_word_checked: The caller has already accepted the first word.

    Returns:
        ``(start, end)`` of the name, or None.
    """
    space = _SPACES_RE.match(text, position)
    position = space.end() if space else position
    prefix = _NAME_PREFIX_RE.match(text, position)
    position = prefix.end() if prefix else position
    start, end = position, None
    initials = _INITIALS_RE.match(text, position)
    if initials and (initials.group().strip().lower() in _NOT_INITIALS
                     or not (initials.group()[0].isupper() or evidence is Evidence.STRONG)):
        initials = None
    lower_case = False
    if initials:
        position, lower_case = initials.end(), initials.group()[0].islower()
        nickname = _NICKNAME_RE.match(text, position)  # "J.H. (Hans) de Boer"
        position = nickname.end() if nickname else position
        if allow_initials_only and not lower_case:
            end = start + len(initials.group().rstrip())
    words, after_particle = 0, False
    while words < MAX_NAME_WORDS:
        space = _SPACES_RE.match(text, position)
        at = space.end() if space and (words or after_particle) else position
        initial = _SURNAME_INITIAL_RE.match(text, at) if after_particle and (words or initials) else None
        if initial:  # "J. van D."
            words, after_particle, position, end = words + 1, False, initial.end(), initial.end()
            continue
        match = _WORD_RE.match(text, at)
        if not match:
            break
        word, key = match.group(), _key(match.group())
        if key in PARTICLES and (words or initials or evidence in (Evidence.TITLE, Evidence.STRONG)):
            after_particle, position = True, match.end()
            continue
        if words == 0 and not initials and after_particle:  # "meneer de jong", "mijn naam is van dijk"
            accepted = _is_capitalised(word) or key in SURNAMES or (
                evidence is Evidence.STRONG and key not in NOT_NAMES)
            lower_case = not _is_capitalised(word)
        elif words == 0 and not initials:
            accepted = first_word_checked or _first_word_ok(word, evidence)
            lower_case = not _is_capitalised(word)
        else:
            accepted = _next_word_ok(word, evidence, after_particle, lower_case)
        if not accepted:
            break
        words, after_particle, position, end = words + 1, False, match.end(), match.end()
    if words == 0 and not allow_initials_only:
        return None
    return (start, end) if end else None


def _word_before(text: str, position: int) -> str:
    """Returns the word that ends just before ``position`` (lower case), or ''."""
    match = re.search(r"([^\W\d_]+)[ \t]*$", text[max(0, position - 30):position])
    return match.group(1).lower() if match else ""


def _ends_line(text: str, position: int) -> bool:
    """True when only punctuation or white space follows ``position`` on its line."""
    return bool(_LINE_END_RE.match(text, position))


def _after_cues(text: str, words: AbstractSet[str]) -> List[Tuple[int, int]]:
    """Names after "ik heet", "ik ben", a title, a family word, or "hallo, met"."""
    found: List[Tuple[int, int]] = []
    if words & _STRONG_CUE_WORDS:
        for match in _STRONG_CUE_RE.finditer(text):
            if "naam" in match.group().lower() and _word_before(text, match.start()) in _NOT_BEFORE_MY_NAME:
                continue
            span = read_name(text, match.end(), Evidence.STRONG)
            found += [span] if span else []
    for pattern, evidence, cue_words in ((_SELF_CUE_RE, Evidence.SELF, _SELF_CUE_WORDS),
                                         (_KNOWN_CUE_RE, Evidence.KNOWN, FIRST_NAMES),
                                         (_RELATION_CUE_RE, Evidence.RELATION, _RELATION_WORDS),
                                         (_TITLE_CUE_RE, Evidence.TITLE, _TITLE_WORDS)):
        if not words & cue_words:
            continue
        for match in pattern.finditer(text):
            span = read_name(text, match.end(), evidence, allow_initials_only=evidence is Evidence.TITLE)
            found += [span] if span else []
    return found


def _names_under(text: str, position: int, evidence: Evidence,
                 lower_case_ends_line: bool) -> List[Tuple[int, int]]:
    """Reads the name (or "Henk en Ria") after a closing.

    Args:
        text: The message.
        position: Just after the closing.
        evidence: ``STRONG`` after a closing, ``KNOWN`` after thanks.
        lower_case_ends_line: Accept a name in lower case only when it ends the line;
            when False, every name must end the line.

    Returns:
        ``(start, end)`` of each name.
    """
    found: List[Tuple[int, int]] = []
    while True:
        span = read_name(text, position, evidence)
        if not span:
            return found
        ends_line = _ends_line(text, span[1])
        if not ends_line and (not lower_case_ends_line or not text[span[0]].isupper()):
            return found
        found.append(span)
        more = _AND_RE.match(text, span[1])
        if not more:
            return found
        position = more.end()


def _signatures(text: str, words: AbstractSet[str]) -> List[Tuple[int, int]]:
    """Names under a letter: after a closing ("Met vriendelijke groet,") or thanks ("Thanks, Sarah")."""
    found: List[Tuple[int, int]] = []
    if words & _CLOSING_WORDS:
        for match in _CLOSING_RE.finditer(text):
            found += _names_under(text, match.end(), Evidence.STRONG, lower_case_ends_line=True)
    if words & _THANKS_WORDS and words & FIRST_NAMES:
        for match in _THANKS_RE.finditer(text):
            found += _names_under(text, match.end(), Evidence.KNOWN, lower_case_ends_line=False)
    return found


def _without_cue(text: str, words: AbstractSet[str]) -> List[Tuple[int, int]]:
    """Initials with a surname ("J.P. van der Berg") and listed first names with a surname ("Piet Jansen")."""
    found: List[Tuple[int, int]] = []
    for match in _INITIALS_SURNAME_RE.finditer(text) if "." in text else ():
        if match.group().strip().lower() in _NOT_INITIALS:
            continue
        span = read_name(text, match.start(), Evidence.CAPITAL)
        if span and span[1] > match.end():
            found.append(span)
    for match in _FIRST_SURNAME_RE.finditer(text) if words & FIRST_NAMES else ():
        first = _key(match.group())
        if first not in FIRST_NAMES or first in NOT_NAME_STARTS:
            continue
        if first in _AMBIGUOUS_FIRST_NAMES and not _PARTICLE_AHEAD_RE.match(text, match.end()):
            continue  # "Wil je ..." no, "Wil van Dongen" yes
        span = read_name(text, match.start(), Evidence.CAPITAL, first_word_checked=True)
        if span and span[1] > match.end():
            found.append(span)
    return found


def find_names(text: str) -> List[Tuple[int, int]]:
    """Finds names of people (see the module docstring).

    Args:
        text: The message.

    Returns:
        ``(start, end)`` of each name found; they may overlap.
    """
    words = set(_LETTERS_RE.findall(text.lower()))
    return _after_cues(text, words) + _signatures(text, words) + _without_cue(text, words)
