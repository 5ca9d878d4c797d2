"""Finds e-mail addresses written out in words: "jan(at)example.nl", "jan apenstaartje gmail punt com".

The '@' may be written as "(at)", "[at]", "{at}", "<at>", "(a)", "-at-",
"apenstaartje", "at-teken", a spaced "@", or the bare word "at"; each dot as
"punt", "dot", "(punt)", "[dot]" or a spaced ".". The bare word "at" is also
plain English ("look at rivm.nl"), so it only counts with more evidence: a
written-out dot, a known mail provider ("gmail", "ziggo"), a local part that
looks like an address ("p.jansen", "lisa_78"), or the word "mail" earlier in
the message. A written-out dot needs a known top-level domain ("nl", "com");
with a strong '@' a known mail provider may stand alone ("marloes (at) gmail").
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT_WORDS = r"at|a|@|apenstaartje|apestaartje|apenstaart|at-teken"
_STRONG_AT = (rf"[ \t]*{_OPEN}[ \t]*(?:{_AT_WORDS})[ \t]*{_CLOSE}[ \t]*|[ \t]*@[ \t]*|-at-|_at_"
              r"|[ \t]+(?:apenstaartje|apestaartje|apenstaart|at-teken|at-sign)[ \t]+")
_WEAK_AT = r"[ \t]+at[ \t]+"
_SPELLED_DOT = rf"[ \t]*{_OPEN}[ \t]*(?:dot|punt|\.)[ \t]*{_CLOSE}[ \t]*|[ \t]+(?:dot|punt)[ \t]+"
_DOT = rf"(?:{_SPELLED_DOT}|[ \t]?\.[ \t]?)"
_PART = r"[a-z0-9](?:[a-z0-9_+\-]*[a-z0-9])?"
_LOCAL = rf"{_PART}(?:(?:\.|{_SPELLED_DOT}){_PART})*"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_ADDRESS_RE = re.compile(
    rf"(?<![\w.+\-])(?P<local>{_LOCAL})(?P<at>{_STRONG_AT}|{_WEAK_AT})(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{0,4}})"
    r"(?![\w\-])",
    re.IGNORECASE)
# Cheap first test: without one of these, the message holds no written-out address.
_MAY_HOLD_RE = re.compile(r"@|\bat\b|\(a\)|apen?staart|\bat-", re.IGNORECASE)
_MAIL_WORD_RE = re.compile(r"mail|mailadres|e-?mail", re.IGNORECASE)
_SPELLED_DOT_RE = re.compile(_SPELLED_DOT, re.IGNORECASE)
_ANY_DOT_RE = re.compile(_DOT, re.IGNORECASE)

TOP_LEVEL_DOMAINS = frozenset("""
    nl com net org be de eu info nu uk co fr es it at ch dk se no pl tr ma sr cw aw
    io me biz online email mail live frl amsterdam
""".split())
MAIL_PROVIDERS = frozenset("""
    gmail googlemail hotmail outlook live msn yahoo icloud me mac ziggo kpnmail kpnplanet planet
    xs4all home hetnet chello casema upcmail quicknet zeelandnet solcon caiway telfort tele2
    online freeler wxs zonnet proton protonmail gmx aol
""".split())
# Words before a bare "at" in plain English: "look at", "available at".
_NOT_LOCAL = frozenset("""
    look looked looking read it this that me us them site website page check checked posted published
    found see seen available online news here there is was are be been arrive arrived
""".split())


def _domain_ok(domain: str, spelled: bool, strong: bool) -> bool:
    """Checks the domain: a known top-level domain when dots are written out; a provider alone if strong."""
    labels = [label.lower() for label in _ANY_DOT_RE.split(domain) if label]
    if len(labels) == 1:
        return strong and labels[0] in MAIL_PROVIDERS
    if spelled:
        return labels[-1] in TOP_LEVEL_DOMAINS
    return labels[-1].isalpha() and 2 <= len(labels[-1]) <= 24


def _trim_domain(domain: str) -> str:
    """Drops trailing labels that are not part of the address ("ziggo.nl. Ik" keeps "ziggo.nl").

    A label after a plain dot ("example.nl") may be any word; after a written-out or
    spaced dot it must be a known top-level domain.
    """
    pieces = _ANY_DOT_RE.split(domain)
    separators = _ANY_DOT_RE.findall(domain)
    size = len(pieces)
    while size > 1 and not (pieces[size - 1].lower() in TOP_LEVEL_DOMAINS
                            or (separators[size - 2] == "." and pieces[size - 1].isalpha())):
        size -= 1
    return "".join(piece + separator for piece, separator in zip(pieces[:size], separators[:size - 1] + [""],
                                                                 strict=True))


def find_written_emails(text: str) -> List[Tuple[int, int]]:
    """Finds e-mail addresses written with words or spaces instead of '@' and '.'.

    Args:
        text: The message.

    Returns:
        ``(start, end)`` of each address.
    """
    if not _MAY_HOLD_RE.search(text):
        return []
    found: List[Tuple[int, int]] = []
    position = 0
    while match := _ADDRESS_RE.search(text, position):
        span = _accepted(text, match)
        if span:
            found.append(span)
            position = span[1]
        else:  # "reach me at jane dot doe at gmail dot com": the address may start in the domain
            position = match.start("domain")
    return found


def _accepted(text: str, match: re.Match) -> Optional[Tuple[int, int]]:
    """Returns the span of a candidate address when it passes the checks in the module docstring."""
    domain = _trim_domain(match.group("domain"))
    strong = match.group("at").strip().lower() != "at"
    spelled = bool(_SPELLED_DOT_RE.search(domain)) or " " in domain
    if not _domain_ok(domain, spelled, strong):
        return None
    local = match.group("local")
    if not strong:
        first_label = _ANY_DOT_RE.split(domain)[0].lower()
        evidence = (_SPELLED_DOT_RE.search(domain) or first_label in MAIL_PROVIDERS
                    or re.search(r"[\d._]", local) or _MAIL_WORD_RE.search(text[:match.start()]))
        if not evidence or local.lower() in _NOT_LOCAL:
            return None
    return match.start(), match.start("domain") + len(domain)
