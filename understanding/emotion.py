"""Recognises the feeling in a message, and the messages that need urgent help.

Two results, both from word patterns (no model can be allowed to miss these):

* ``urgent``: ``suicide`` (does not want to live any more), ``threat`` (someone's
  safety is threatened, e.g. an ex-partner who must not find an address, or
  someone at the door) or ``blackmail`` ("pay or we publish"). These always get
  their own answer first.
* ``emotion``: ``grief`` (a letter for someone who died), ``fear`` (worry,
  sleeplessness, panic) or ``anger``; the answer then starts with one short,
  fitting sentence.

Patterns are matched on the lower-cased text with accents folded. Negated
phrases are not special-cased: "ik ben niet boos" is rare in this setting and a
kind word does no harm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Pattern, Sequence, Tuple


def _compile(patterns: Sequence[str]) -> Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


SUICIDE = _compile([
    r"\bniet meer (?:verder )?(?:willen |wil )?leven\b", r"\bwil (?:ik )?niet meer (?:leven|verder)\b",
    r"\bhoeft (?:het|t) (?:voor mij )?niet meer\b", r"\bzelfmoord\b", r"\bsuicid", r"\bzelfdoding\b",
    r"\bmaak (?:er )?een eind(?:e)? aan\b", r"\been eind(?:e)? aan (?:mijn|m'n|mn) leven\b",
    r"\bmijn leven (?:beeindigen|beëindigen)\b", r"\bdood willen\b", r"\bwil dood\b", r"\bliever dood\b",
    r"\bkill myself\b", r"\bend (?:my|it) (?:life|all)\b", r"\bdon'?t want to live\b", r"\bsuicide\b",
    r"\bwant to die\b", r"\bno reason to live\b", r"\bleven heeft geen zin\b", r"\bniet meer zien zitten\b",
    r"\bzie het (?:echt |allemaal )?niet meer zitten\b", r"\ber niet meer (?:wil |willen )?zijn\b",
    r"\bniet meer (?:wil |willen )?(?:zijn|bestaan)\b", r"\bbeter (?:af )?(?:is )?(?:als|zonder) (?:ik|mij)\b",
    r"\bbeter af zonder mij\b", r"\bniet meer wakker (?:worden|te worden)\b", r"\bik kan niet meer\b",
    r"\been eind(?:e)? (?:aan )?maken\b", r"\bbetter off without me\b", r"\bnot want to be here\b",
    r"\bcan'?t go on\b",
])
THREAT = _compile([
    r"\bex(?:-| )?(?:partner|man|vriend|vriendin)?\b.*\b(?:adres|vinden|weten|weet|zoek|bedreig|gevaar)",
    r"\b(?:adres|vinden|weet|zoek|bedreig|gevaar)\b.*\bex(?:-| )?(?:partner|man|vriend|vriendin)?\b",
    r"\bstalk", r"\bbedreig", r"\bin gevaar\b", r"\bniet veilig\b", r"\bonveilig\b", r"\bgeheim adres\b",
    r"\bblijf[- ]van[- ]mijn[- ]lijfhuis\b", r"\bopvanghuis\b", r"\bvrouwenopvang\b",
    r"\baan (?:de|mijn) deur\b.*\b(?:pas|pinpas|bankpas|bankpassen|geld|ophalen)\b",
    r"\b(?:ex|abusive)\b.*\b(?:find|address|danger)\b", r"\bthreat", r"\bnot safe\b", r"\bin danger\b",
    r"\bat (?:my|the) door\b", r"\b(?:staat|staan|stond|stonden) .{0,40}\b(?:voor|aan) (?:mijn|de|m'n|mn) deur\b",
    r"\b(?:voor|aan) (?:mijn|de|m'n|mn) deur\b.{0,60}\b(?:pas|pinpas|bankpas|bankpassen|pincode|geld|ophalen|binnen)\b",
])
BLACKMAIL = _compile([
    r"\bafpers", r"\bchantage\b", r"\bchanteer", r"\bbetaal\w*\b.*\b(?:publice\w+|openbaar|online|verspreid\w*|lekken|delen|bekend ?maken)\b",
    r"\b(?:publice\w+|openbaar|online zetten|verspreid\w*|bekend ?maken)\b.*\b(?:tenzij|als ik niet|betaal\w*|bitcoin)\b",
    r"\bblackmail", r"\bextort",
    r"\bpay\b.*\b(?:publish|release|leak|online)\b",
    r"\bdreig\w*\b.{0,80}\b(?:uitslag|gegevens|publice\w*|delen|sturen|openbaar|verspreid\w*)\b",
    r"\b(?:heeft|heb|hebben) (?:mijn|je|uw) uitslag\b.{0,80}\b(?:stuur\w*|sturen|delen|verspreid\w*|publice\w*|tenzij|betaal\w*)\b",
    r"\bthreaten\w*\b.{0,80}\b(?:result|data|publish|send|share)\b", r"\bals ik niet (?:betaal|betalen|betaald)\b",
    r"\btenzij ik (?:betaal|betalen)\b", r"\bunless i pay\b", r"\bif i don'?t pay\b",
])
GRIEF = _compile([
    r"\boverleden\b", r"\bgestorven\b", r"\bis dood\b", r"\bdood is\b", r"\bis heengegaan\b", r"\bverloren\b.*\b(?:moeder|vrouw|dochter|zus)\b",
    r"\boverlijden\b", r"\bwijlen\b", r"\bpassed away\b", r"\bdied\b", r"\bdeceased\b", r"\blate (?:wife|mother|mum|mom|daughter|sister)\b",
    r"\brouw\b", r"\bgrief\b",
])
FEAR = _compile([
    r"\bbang\b", r"\bangst", r"\bongerust", r"\b(?:maak|maken) (?:ik )?(?:me|mij) (?:\w+ )?zorgen\b", r"\bbezorgd\b", r"\bzorgen over\b", r"\bpaniek", r"\bslaap\b.*\bniet\b",
    r"\bniet (?:meer )?(?:kunnen )?slapen\b", r"\bwakker van\b", r"\bwakker door\b", r"\bslapeloos", r"\bnerveus\b",
    r"\bgespannen\b", r"\bhelemaal van slag\b", r"\bvan slag\b", r"\bin paniek\b", r"\bik schrik\b", r"\bgeschrokken\b",
    r"\bschrik(?:ken)?\b", r"\bschrok\b", r"\bdoodsbang\b", r"\bkapot van\b", r"\bverdrietig\b", r"\bhuil", r"\bin tranen\b",
    r"\bsteeds aan denken\b", r"\bzit er (?:echt |erg )?mee\b", r"\bonrustig\b", r"\beng\b", r"\bvreselijk\b",
    r"\bscared\b", r"\bafraid\b", r"\bworried\b", r"\bworry\b", r"\banxious\b", r"\bpanic", r"\bcan'?t sleep\b",
    r"\bniet (?:meer )?van (?:kunnen )?slapen\b", r"\bslaap\w* (?:er )?(?:slecht|niet)\b", r"\btril\w*\b",
    r"\bdurf\w*\b.{0,30}\bniet\b", r"\bniet (?:meer )?durven\b", r"\bjanken\b", r"\bhuilen\b", r"\bzenuw\w*\b",
    r"\bonzeker\b", r"\bhelp\b.{0,10}\bbang\b", r"\bfrightened\b", r"\bnervous\b", r"\bshaking\b", r"\bcrying\b", r"\bterrified\b", r"\bupset\b", r"\bstressed\b", r"\bstress\b",
])
ANGER = _compile([
    r"\bbelachelijk", r"\bschandalig", r"\bschande\b", r"\bbespottelijk", r"\bwoedend\b", r"\bwoest\b", r"\bboos\b",
    r"\bkwaad\b", r"\bdiep triest\b", r"\bonacceptabel\b", r"\bonbegrijpelijk\b", r"\bamateurs?\b", r"\bprutsers?\b",
    r"\bklungel", r"\bknettergek\b", r"\bbelazerd\b", r"\bschandaal\b", r"\bgenoeg van\b",
    r"\bwat een (?:puinhoop|zooi|bende|schande)\b", r"\bte gek voor woorden\b", r"\bnatuurlijk weer\b",
    r"\bpisnijdig\b", r"\bfurious\b", r"\boutrage", r"\bridiculous\b", r"\bdisgrace", r"\bunacceptable\b", r"\bangry\b",
    r"\bshameful\b", r"\bdisgusting\b", r"\bincompetent\b", r"!{2,}", r"\?{3,}", r"\bwtf\b", r"\bkut\b", r"\bgodverdomme\b",
    r"\bverdomme\b", r"\bschaamteloos\b", r"\bschamen\b", r"\bongelofelijk\b", r"\bongelooflijk\b",
    r"\bklaar mee\b", r"\bvoor geen meter\b", r"\bvertrouw\w* .{0,30}\bniet meer\b", r"\bniet meer vertrouwen\b",
    r"\bnooit meer vertrouwen\b", r"\bprutslab\b", r"\bnooit meer (?:doe ik|mee|meedoen)\b", r"\ben dan krijg je dit\b", r"\bprutswerk\b", r"\bsorrytje\b", r"\bbeschamend\b",
    r"\bfuck\w*\b", r"\bshame on\b", r"\bfed up\b", r"\bsick of\b",
])

URGENT_ORDER: Tuple[Tuple[str, Pattern], ...] = (("suicide", SUICIDE), ("blackmail", BLACKMAIL), ("threat", THREAT))
EMOTION_ORDER: Tuple[Tuple[str, Pattern], ...] = (("grief", GRIEF), ("fear", FEAR), ("anger", ANGER))


def fold(text: str) -> str:
    """Lower-cases ``text``, folds accents and typographic apostrophes, collapses white space."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Feeling:
    """What a message shows.

    Attributes:
        urgent: "suicide", "threat", "blackmail" or None.
        emotion: "grief", "fear", "anger" or None.
    """

    urgent: Optional[str] = None
    emotion: Optional[str] = None


def read_feeling(text: str) -> Feeling:
    """Recognises urgent situations and the strongest feeling in a message.

    Args:
        text: The message.

    Returns:
        The feeling; both fields None for a neutral message.
    """
    folded = fold(text)
    urgent = next((name for name, pattern in URGENT_ORDER if pattern.search(folded)), None)
    emotion = next((name for name, pattern in EMOTION_ORDER if pattern.search(folded)), None)
    if urgent == "suicide" and emotion is None:
        emotion = "fear"
    return Feeling(urgent=urgent, emotion=emotion)
