"""Finds the separate questions in one message.

A message is cut into sentences (question marks, full stops, exclamation marks,
line breaks, numbered or bulleted list items). A sentence that is no question
("Ik heb een brief gekregen.") is context: it is joined to the question after it,
or, at the end, to the question before it. A question is cut once more where a
coordinator ("en", "of", "and", "or", a comma) joins two clauses that each have a
verb and the second starts like a question of its own ("... en moet ik iets doen
met mijn bsn?"). A single question that merely contains "en" ("zijn mijn naam en
adres gelekt?") stays whole, because "adres gelekt" does not start like a question.

The cut works on plain tokens and word lists (question words, finite verbs): the
splitter runs before spaCy in the pipeline, so that each question gets its own parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from understanding.letters import is_announcement, strip_letter, strip_ordinal

QUESTION_WORDS = frozenset(
    """
    wat wie wiens waar waarom wanneer hoe hoeveel hoelang welke welk waarmee waarover waardoor
    waarvoor waarheen vanwaar
    what who whom whose where why when how which
    """.split()
)
# Finite verbs that start a yes/no question ("moet ik ...", "zijn mijn ...", "can I ...").
FINITE_VERBS = frozenset(
    """
    is zijn ben bent was waren heb hebt heeft hebben had hadden kan kun kunt kunnen kon konden
    moet moeten mag mogen wil wilt willen wordt worden werd werden zal zult zullen zou zouden
    krijg krijgt krijgen kreeg gaat gaan ga doe doet doen weet weten staat staan zit zitten
    komt komen klopt kloppen hoef hoeft hoeven blijf blijft blijven loop loopt lopen
    are am were do does did can could should will would have has may must shall
    """.split()
)
# A sentence with one of these asks something without a question mark ("ik wil weten ...").
ASKING_PHRASES = (
    "ik wil weten", "wil graag weten", "ik vraag me af", "vraag mij af", "ik vroeg me af",
    "kunt u mij vertellen", "kun je mij vertellen", "kunt u uitleggen", "leg uit", "graag uitleg",
    "i want to know", "i would like to know", "i wonder", "can you tell me", "please explain",
)
ASKING_RE = re.compile(
    r"\b(?:wil|wilde|wou|zou|graag)\b(?:\s+\w+){0,3}\s+(?:weten|vernemen|horen|zien|inzien|lezen)\b|\bbenieuwd\b|"
    r"\bvraag (?:ik )?(?:me|mij)\b(?:\s+\w+){0,2}\s+af\b|"
    r"\bvra(?:agt|gen) (?:zich|ze zich)\b(?:\s+\w+){0,2}\s+af\b|"
    r"\bi(?:'d| would)? like to know\b|\bwondering\b|"
    # a request is a question too: "ik wil een klacht indienen", "I want to complain"
    r"\bik (?:wil|zou graag|wou)\b(?!\s+niet)(?:\s+\w+){0,6}\s+(?:indienen|melden|weten|zien|inzien|spreken|"
    r"praten|bellen|klagen|aanvragen|opvragen|krijgen|afmelden)\b|"
    r"\bi (?:want|would like) to (?:know|see|complain|report|speak|talk|file)\b|\bhelp me\b|\bhelp mij\b"
)
COORDINATORS = frozenset({"en", "of", "and", "or", "&", "+", "maar", "but"})
# "X of Y": a second question only when Y starts with a question word.
ALTERNATIVES = frozenset({"of", "or"})
# Short rhetorical questions ("hoe kan dat nou?", "how could you let this happen?!") ask nothing.
RHETORICAL = re.compile(
    r"^(?:hoe (?:kan|kon|is|durven|durft|haal)\b.{0,30}\b(?:dit|dat|het|jullie|je|mogelijk)\b|"
    r"waar slaat dit op|"
    r"how (?:could|can|dare) (?:you|they|this|it)\b|how is (?:this|that) possible|what the hell)"
)
RHETORICAL_MAX_WORDS = 8
# "... en of ik aangifte moet doen": an indirect question starts with "of" (whether).
INDIRECT = frozenset({"of", "whether", "if"})
# "..., en mijn mail?": a short noun phrase after a coordinator asks the same about something else.
DETERMINERS = frozenset({"mijn", "mn", "m'n", "uw", "je", "jouw", "de", "het", "die", "dat", "ons", "onze",
                         "hun", "haar", "zijn", "my", "your", "the", "our", "her", "his"})
ELLIPTIC_MAX_WORDS = 3
# Words that may stand between the coordinator and the question's first word ("en ook", "and also").
FILLERS = frozenset({"ook", "verder", "dan", "daarnaast", "nog", "also", "then", "ok", "oke"})
LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.):]?|[a-c][.)]|[-*•·])\s+")
# Marks a list item so that it counts as a question of its own ("2) mijn uitslag").
ITEM = "\u2063"
SENTENCE_END = re.compile(r"(?<=[?!])(?![?!])\s*|(?<=[^\d\s][.])\s+|\n+")
TOKEN = re.compile(r"[\w'’-]+|[^\w\s]", re.UNICODE)
MIN_PART_WORDS = 2
# A single question after at least this many words of context also gets parsed on its own.
FOCUS_CONTEXT_WORDS = 6
# A short part that only points back ("kan dat?", "zit dat er ook in?") belongs to the question before it.
ANAPHORS = frozenset({"dat", "dit", "die", "het", "er", "daar", "daarvan", "ervan",
                      "that", "it", "this", "those"})
DEPENDENT_MAX_WORDS = 5
# ... and has no word this long: "of ik die moet wijzigen" asks something of its own.
CONTENT_WORD_LETTERS = 6



@dataclass(frozen=True)
class Split:
    """The questions found in a message.

    Attributes:
        questions: The question texts in order, each with its context sentences.
        focus: For one question asked after sentences of context (a long message, a
            letter), the question sentence alone; else None.
        part_focus: For several questions, per question the question sentence alone
            when the question has context sentences ("Ik ben 58. Welke gegevens ...?"),
            else None; as long as ``questions``.
        is_split: True when more than one question was found.
    """

    questions: List[str]
    focus: Optional[str] = None
    part_focus: List[Optional[str]] = field(default_factory=list)

    @property
    def is_split(self) -> bool:
        """True when the message holds more than one question."""
        return len(self.questions) > 1


def words_of(text: str) -> List[str]:
    """Lower-case word tokens of ``text`` (punctuation left out)."""
    return [t.lower() for t in TOKEN.findall(text) if re.match(r"\w", t)]


INLINE_ITEM = re.compile(r"(?:^|(?<=\s))([1-9])[.)]?\s+(?=\D)")


def _inline_items(line: str) -> List[str]:
    """Cuts "1) ... 2) ... 3) ..." or "1 waarom ... 2 wie ..." written on one line into its items."""
    marks = [(m.start(), int(m.group(1))) for m in INLINE_ITEM.finditer(line)]
    numbers = [n for _, n in marks]
    expected = list(range(1, len(numbers) + 1))
    if len(marks) < 2 or numbers != expected:
        return [line]
    head = line[:marks[0][0]].strip()
    ends = [*marks[1:], (len(line), 0)]
    items = [line[start:end].strip() for (start, _), (end, _) in zip(marks, ends, strict=True)]
    if head:  # "ik wil weten 1 ... 2 ...": the lead-in belongs to the first item
        items[0] = f"{head} {INLINE_ITEM.sub('', items[0], count=1)}"
    return items


def sentences_of(text: str) -> List[str]:
    """Cuts ``text`` into sentences and list items, keeping their end marks."""
    pieces: List[str] = []
    lines = [item for line in re.split(r"\n+", text) if line.strip() for item in _inline_items(line)]
    listed = sum(bool(LIST_MARKER.match(line)) for line in lines) >= 2
    for line in lines:
        item = listed and bool(LIST_MARKER.match(line))
        line = LIST_MARKER.sub("", line) if item or not listed else line
        for number, piece in enumerate(p for p in SENTENCE_END.split(line) if p and p.strip()):
            pieces.append((ITEM if item and number == 0 else "") + piece.strip())
    return pieces


def is_question(sentence: str) -> bool:
    """True when a sentence asks something.

    A list item, a question mark, a question word or verb first, or an asking phrase.
    """
    if sentence.startswith(ITEM):
        return True
    if ":" in sentence and is_question(sentence.rsplit(":", 1)[1]):
        return True  # "paar vragen: wat is er gebeurd"
    words = words_of(sentence)
    if 0 < len(words) <= RHETORICAL_MAX_WORDS and RHETORICAL.match(" ".join(words)):
        return False
    if sentence.rstrip().endswith("?"):
        return True
    while len(words) > 1 and words[0] in (COORDINATORS | FILLERS) - INDIRECT:
        words = words[1:]
    if not words:
        return False
    if re.search(r",\s*(?:" + "|".join(sorted(FINITE_VERBS)) + r")\s+\w+", sentence.lower()):
        return True  # "mijn zelftest uitslag, klopt die nog"
    lowered = " ".join(words)
    if words[:2] == ["wat", "een"] or words[:2] == ["what", "a"]:
        return False  # "wat een zooi": an exclamation
    if any(phrase in lowered for phrase in ASKING_PHRASES) or ASKING_RE.search(lowered):
        return True
    first = words[0]
    return first in QUESTION_WORDS or first in INDIRECT or (first in FINITE_VERBS and len(words) >= 3)


def asks_something(text: str) -> bool:
    """True when any sentence of the message asks something (a question or a request)."""
    return any(is_question(sentence) for sentence in sentences_of(text))


def _starts_question(words: Sequence[str]) -> bool:
    rest = list(words)
    while len(rest) > 1 and rest[0] in FILLERS:
        rest = rest[1:]
    return bool(rest) and (rest[0] in QUESTION_WORDS or rest[0] in FINITE_VERBS or rest[0] in INDIRECT)


def _first_content_word(words: Sequence[str]) -> str:
    rest = [w for w in words if w not in FILLERS]
    return rest[0] if rest else ""


def _is_elliptic(words: Sequence[str]) -> bool:
    """A short noun phrase without a verb ("mijn mail", "de verwijzing"): asks the same about it."""
    rest = [w for w in words if w not in FILLERS]
    return (0 < len(rest) <= ELLIPTIC_MAX_WORDS and rest[0] in DETERMINERS
            and not any(w in FINITE_VERBS for w in rest))


def is_dependent(words: Sequence[str]) -> bool:
    """True for a short part that only points back to what came before ("kan dat?")."""
    words = [w for w in words if re.match(r"\w", w)]
    return (len(words) <= DEPENDENT_MAX_WORDS and any(w in ANAPHORS for w in words)
            and not any(w in QUESTION_WORDS for w in words)
            and not any(len(w) >= CONTENT_WORD_LETTERS for w in words))


def _has_verb(words: Sequence[str]) -> bool:
    return any(w in FINITE_VERBS or w in QUESTION_WORDS for w in words)


def split_clauses(sentence: str) -> List[str]:
    """Cuts one question sentence where a coordinator joins two questions.

    Args:
        sentence: One sentence.

    Returns:
        One or more parts; the coordinator itself is dropped.
    """
    tokens = TOKEN.findall(sentence)
    words = [t.lower() for t in tokens]
    cuts: List[int] = []
    prefixes: Dict[int, str] = {}
    start = 0
    for i, word in enumerate(words):
        if word not in COORDINATORS and word != ",":
            continue
        left = [w for w in words[start:i] if re.match(r"\w", w)]
        right = [w for w in words[i + 1:] if re.match(r"\w", w)]
        if word == "," and right and right[0] in COORDINATORS:
            continue  # the coordinator right after decides
        if len(left) < MIN_PART_WORDS or len(right) < MIN_PART_WORDS:
            continue
        if word in ALTERNATIVES and not _is_elliptic(right):
            if _two_actions(left, right):
                prefixes[i] = " ".join(tokens[start:start + 2])  # "moet ik X of Y": "moet ik Y"
            elif _first_content_word(right) not in QUESTION_WORDS:
                continue  # "zijn ze veilig of zitten de hackers erin?": one question, two ways
        elif _is_elliptic(right) and word != ",":
            pass  # "..., en mijn mail?"
        elif not _starts_question(right) or is_dependent(right):
            continue
        if not _has_verb(left) or not is_question(" ".join(tokens[start:i])):
            continue  # "ik heb een zelftest gedaan, is die uitslag goed?": the left part is context
        cuts.append(i)
        start = i + 1
    if not cuts:
        return [sentence.strip()]
    parts: List[str] = []
    previous = 0
    prefix = ""
    for cut in cuts:
        parts.append(" ".join([prefix, *tokens[previous:cut]]))
        prefix = prefixes.get(cut, "")
        previous = cut + 1
    parts.append(" ".join([prefix, *tokens[previous:]]))
    return [_tidy(p) for p in parts if p.strip(" ,")]


# "moet ik aangifte doen of mijn bsn laten veranderen": a modal and its subject, then two
# things to do, each ending in an infinitive; the second asks "moet ik ... veranderen" too.
MODALS = frozenset({"moet", "moeten", "kan", "kun", "kunt", "kunnen", "mag", "mogen", "hoef", "hoeft",
                    "hoeven", "zal", "zou", "ga", "gaan"})
SUBJECTS = frozenset({"ik", "we", "wij", "u", "je", "jij", "ze", "zij"})


def _two_actions(left: Sequence[str], right: Sequence[str]) -> bool:
    return (len(left) >= 3 and left[0] in MODALS and left[1] in SUBJECTS and left[-1].endswith("en")
            and len(right) >= 2 and right[-1].endswith("en") and len(right[-1]) > 3
            and not any(w in FINITE_VERBS for w in right))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([?.!,])", r"\1", text).strip(" ,")
    return text


LEADING_COORDINATOR = re.compile(r"^(?:en|of|and|or|maar|but)\s+", re.IGNORECASE)


def split_questions(text: str) -> Split:
    """Finds the separate questions in a message.

    The letter form (salutation, closing and signature, "Ik heb enkele vragen.",
    "Ten eerste") is left out first (understanding/letters.py).

    Args:
        text: The whole message.

    Returns:
        The questions, each with the context sentences that belong to it. A
        message without any question is one "question": the whole text.
    """
    sentences = [_without_condition(strip_ordinal(_without_announcement(s)))
                 for s in sentences_of(strip_letter(text)) if not is_announcement(s)]
    groups: List[List[str]] = []
    alone: List[Optional[str]] = []  # per group: its question without the context sentences
    context: List[str] = []
    focus_sentence: Optional[str] = None
    for sentence in sentences:
        if (groups and not context and not sentence.startswith(ITEM) and is_question(sentence)
                and is_dependent(words_of(sentence))):
            groups[-1].append(sentence)
            alone[-1] = None
            continue
        if is_question(sentence):
            focus_sentence = sentence
            clauses = split_clauses(sentence.replace(ITEM, ""))
            first = " ".join([*context, clauses[0]]).strip()
            groups.append([first])
            alone.append(clauses[0] if context else None)
            groups.extend([clause] for clause in clauses[1:])
            alone.extend(None for _ in clauses[1:])
            context = []
        else:
            context.append(sentence)
    if not groups:
        return Split(questions=[text.strip()] if text.strip() else [])
    if context:
        alone[-1] = alone[-1] or groups[-1][-1]
        groups[-1].append(" ".join(context))
    questions = [" ".join(g).replace(ITEM, "").strip() for g in groups]
    if len(questions) > 1:
        questions = _complete_elliptic([LEADING_COORDINATOR.sub("", q) for q in questions])
    focus = None
    context_words = len(words_of(text)) - len(words_of(focus_sentence or ""))
    if len(groups) == 1 and focus_sentence and context_words >= FOCUS_CONTEXT_WORDS:
        focus = focus_sentence.replace(ITEM, "").strip()
    merged, merged_alone = _merge_duplicates(questions, alone)
    part_focus = [a.replace(ITEM, "").strip() if a and len(merged) > 1 else None for a in merged_alone]
    return Split(questions=merged, focus=focus, part_focus=part_focus)


def _without_announcement(sentence: str) -> str:
    """The sentence without an announcement before its colon ("... de volgende vragen: welke?")."""
    head, colon, tail = sentence.partition(":")
    return tail.strip() if colon and tail.strip() and is_announcement(head) else sentence


POSSESSIVES = frozenset({"mijn", "mn", "m'n", "uw", "my", "your"})
# Pronouns that stand for the thing of the question before ("die", "deze", "hem", "it" would be
# too often something else): only these are replaced by its noun phrase.
OBJECT_POINTERS = frozenset({"die", "deze", "hem"})


def _complete_elliptic(questions: List[str]) -> List[str]:
    """Completes a noun phrase alone ("mijn uitslag?") with the question before it.

    A short noun phrase without a verb, after a question with a possessive noun
    phrase ("is mijn adres gelekt?"), asks that question about it: the noun phrase
    is put in its place ("is mijn uitslag gelekt"). A part that points back with
    "die", "deze" or "hem" gets that noun phrase instead ("moet ik die wijzigen"
    -> "moet ik mijn bsn wijzigen").
    """
    completed: List[str] = []
    base: Optional[List[str]] = None
    for question in questions:
        words = [w for w in words_of(question) if w not in FILLERS | COORDINATORS]
        if base is not None and _is_elliptic(words) and words[0] in POSSESSIVES:
            at = next(i for i, w in enumerate(base) if w.lower() in POSSESSIVES)
            completed.append(" ".join([*base[:at], *words, *base[at + 2:]]))
            continue
        tokens = TOKEN.findall(question)
        pointer = next((i for i, t in enumerate(tokens) if t.lower() in OBJECT_POINTERS
                        and _stands_alone(tokens[i + 1:i + 2])), None)
        if base is not None and pointer is not None and not any(t.lower() in POSSESSIVES for t in tokens):
            # "of mn bsn gelekt is en of ik die moet wijzigen": "die" is "mn bsn"
            at = next(i for i, w in enumerate(base) if w.lower() in POSSESSIVES)
            completed.append(_tidy(" ".join([*tokens[:pointer], *base[at:at + 2], *tokens[pointer + 1:]])))
            continue
        completed.append(question)
        tokens = [t for t in TOKEN.findall(question) if re.match(r"\w", t)]
        has_possessive = any(t.lower() in POSSESSIVES for t in tokens[:-1])
        base = tokens if has_possessive and not _is_elliptic([t.lower() for t in tokens]) else None
    return completed


def _stands_alone(following: Sequence[str]) -> bool:
    """True when a pointer word is a pronoun, not a determiner ("die test") or relative ("die hij")."""
    if not following:
        return True
    return following[0].lower() in FINITE_VERBS | FILLERS or not re.match(r"\w", following[0])


# "zo ja, moet ik ...", "if so, do I ...": the condition refers back; the question follows it.
CONDITION = re.compile(r"^(?:zo ja|zo nee|zo niet|als dat zo is|indien ja|if so|if not)\b\s*,?\s*",
                       re.IGNORECASE)


def _without_condition(sentence: str) -> str:
    stripped = CONDITION.sub("", sentence, count=1)
    return stripped if re.search(r"\w", stripped) else sentence


def _merge_duplicates(questions: List[str],
                      alone: List[Optional[str]]) -> Tuple[List[str], List[Optional[str]]]:
    seen: List[str] = []
    kept: List[Optional[str]] = []
    for question, question_alone in zip(questions, alone, strict=True):
        if question.lower() not in (q.lower() for q in seen):
            seen.append(question)
            kept.append(question_alone)
    return seen, kept
