"""Takes the letter form off a message: salutation, closing, signature, announcements.

People write to the assistant as they write a letter: "Geachte heer/mevrouw,",
"Naar aanleiding van uw brief heb ik enkele vragen.", "Ten eerste ...", "Met
vriendelijke groet, A. de Vries". None of that says what the question is about,
and in a part of a message it can drown the question ("Tot slot: wie onderzoekt
deze zaak? Met vriendelijke groet" reads as a goodbye). The question splitter
(understanding/questions.py) reads the message without it.
"""

from __future__ import annotations

import re

# "Geachte heer/mevrouw," "Beste," "Hallo BVO," "Dear Sir or Madam," at the very start.
SALUTATION = re.compile(
    r"^\s*(?:geachte|beste|hallo|hoi|hey|goedemorgen|goedemiddag|goedenavond|l\.?\s?s\.?|dear|hello|hi)\b"
    r"[^\n,:;.!?]{0,40}[,:;!]?\s*\n+|"
    r"^\s*(?:geachte|beste|dear)\b(?:[^\n,:;.!?]|[,/]\s*(?=(?:mevrouw|heer|meneer|madam|sir)\b)){0,40}[,:;]\s*",
    re.IGNORECASE,
)
# "ja hallo ik wil weten ...", "hoi, ...": greeting words before the message proper.
GREETING_WORDS = re.compile(
    r"^(?:(?:ja|nee|ok|oke|oké|hallo|hoi|hey|hi|hello|goedemorgen|goedemiddag|goedenavond|dag)\b[\s,!.]*){1,3}",
    re.IGNORECASE,
)
GREETING_REST_WORDS = 3
# A closing and all that follows it (the signature), when it comes after the message proper.
CLOSING = re.compile(
    r"(?:^|[\s.!?,])(?:met\s+)?(?:vriendelijke|hartelijke|beleefde)\s+groet(?:en)?\b.*$|"
    r"(?:^|[\s.!?,])(?:hoogachtend|groetjes|mvg|m\.v\.g\.?)(?!\w).*$|"
    r"(?:^|[\s.!?,])(?:groeten|gr\.)(?:\s*[,.]|\s*\n|\s*$).*$|"
    r"(?:^|[\s.!?,])(?:kind|best|warm)\s+regards\b.*$|(?:^|[\s.!?,])(?:yours\s+)?(?:sincerely|faithfully)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
# The closing only counts after the message proper: at least this many words before it.
CLOSING_AFTER_WORDS = 2
# "Naar aanleiding van uw brief heb ik enkele vragen." "Graag ontvang ik antwoord op de volgende
# vragen:" "I have a few questions:" announce questions without asking one.
ANNOUNCEMENT = re.compile(
    r"^(?:[^.?!]{0,60}\b)?(?:ik heb|heb ik|hebben wij|wij hebben|we hebben|ik zou graag antwoord|"
    r"graag ontvang ik antwoord op|ik ontvang graag antwoord op)\b[^.?!]{0,30}\bvra(?:ag|gen)"
    r"(?:\s+(?:aan|voor)\s+(?:u|jullie))?\s*[.:]?$|"
    r"^(?:[^.?!]{0,60}\b)?(?:i have|we have|i've got)\b[^.?!]{0,30}\bquestions?"
    r"(?:\s+(?:for)\s+(?:you))?\s*[.:]?$",
    re.IGNORECASE,
)
ANNOUNCEMENT_MAX_WORDS = 16
# "Ten eerste", "Tot slot:", "Firstly,", "Naar aanleiding van uw brief" at the start of a
# sentence: order and reference, not content.
ORDINAL = re.compile(
    r"^(?:ten eerste|ten tweede|ten derde|ten slotte|tot slot|als laatste|allereerst|"
    r"(?:naar aanleiding van|n\.a\.v\.?) (?:uw|jullie|de|het) (?:brief|bericht|schrijven|nieuwsbericht)|"
    r"with reference to your letter|further to your letter|"
    r"first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|lastly)\b\s*[:,]?\s*",
    re.IGNORECASE,
)


def strip_letter(text: str) -> str:
    """The message without its salutation, greeting words, and its closing with signature.

    Args:
        text: The whole message.

    Returns:
        The text between salutation and closing; the text itself when taking
        them off would leave nothing.
    """
    body = SALUTATION.sub("", text, count=1)
    greeted = GREETING_WORDS.sub("", body, count=1)
    if greeted != body and len(greeted.split()) >= GREETING_REST_WORDS:
        body = greeted
    match = CLOSING.search(body)
    if match and len(re.findall(r"\w+", body[:match.start()])) >= CLOSING_AFTER_WORDS:
        body = body[:match.start()]
    body = body.strip()
    return body if re.search(r"\w", body) else text.strip()


def is_announcement(sentence: str) -> bool:
    """True for a sentence that only announces questions ("Ik heb een paar vragen.")."""
    return (len(sentence.split()) <= ANNOUNCEMENT_MAX_WORDS and "?" not in sentence
            and bool(ANNOUNCEMENT.match(sentence.strip())))


def strip_ordinal(sentence: str) -> str:
    """The sentence without an ordering word at its start ("Tot slot: wie ..." -> "wie ...")."""
    stripped = ORDINAL.sub("", sentence, count=1)
    return stripped if re.search(r"\w", stripped) else sentence
