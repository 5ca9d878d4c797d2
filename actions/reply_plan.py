"""Decides what the answer to one message consists of: pure logic, no Rasa objects.

The parse of a message (``tracker.latest_message``) may carry, besides intent and
FAQ topic ranking:

* ``questions``: the separate questions of the message and their parses
  (nlu_components/questions.py);
* ``feeling``: ``urgent`` and ``emotion`` (nlu_components/feelings.py).

:func:`plan_reply` turns that, and the topics of the previous answer, into a
list of responses of the domain, in order:

1. urgent help (113 and 112, the police, blackmail) always first and alone (answering
   the rest as well made replies worse in the realistic set: 4 cases lost, 0 won);
2. one short sentence that fits a feeling (anger, fear, grief);
3. a near miss (another breach, an opinion, Eurofins as a company) gets what the
   assistant cannot answer and the nearest topic as buttons, nothing else;
4. the answers to up to three questions, each a response with its own source
   line; a note when there were more than three;
5. a follow-up ("en mijn adres?", "waarom?") that does not clearly name a topic
   of its own is answered against the topic of the previous answer;
6. a plain question between two or three close topics gets a short clarifying
   question with those topics as buttons;
7. a feeling without a question gets what the person can do, unless the message read
   without its clauses of feeling clearly names a topic (the worry is the question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Sequence

from understanding.questions import asks_something

FAQ_INTENT = "faq"
FAQ_PREFIX = "utter_faq/"
MAX_ANSWERS = 3
# A follow-up keeps its own topic only when the ResponseSelector is this sure of it;
# one that points back ("die groep", "wanneer dan") only when it is nearly certain.
FOLLOWUP_OWN_TOPIC = 0.4
ANAPHORIC_OWN_TOPIC = 0.95
# Intents a follow-up often gets by mistake ("en mijn telefoonnummer?" sounds like
# asking for a person): below this confidence the context decides.
FOLLOWUP_INTENT_TRUSTED = 0.95
# A question part counts as understood from this intent confidence on, and its FAQ
# topic from this topic confidence on; a part the intent classifier did not
# understand (a bare "wanneer?") or took for small talk still counts when the topic is this sure.
PART_MIN_CONFIDENCE = 0.45
PART_MIN_TOPIC = 0.5
PART_FALLBACK_TOPIC = 0.6
# A part taken for a request for a person (not surely) is a FAQ question when its topic is this sure.
PART_HUMAN_TOPIC = 0.9
FALLBACK_INTENT = "nlu_fallback"
# A message that shows a feeling gets a FAQ answer only from this topic confidence on;
# below it, the advice for the feeling (a worried person is not quizzed or misanswered).
EMOTIONAL_MIN_TOPIC = 0.4
EMOTION_INTENT = "express_emotion"
# The brief says nothing about letters for people who died: grief with a letter
# question, or with "what do I do with it", gets the grief advice (I do not know;
# the organisation's website).
GRIEF_TOPICS = frozenset({"letter_will_i_get", "letter_when", "letter_not_received", "letter_meaning",
                          "am_i_affected", "two_letters"})
# A message with a feeling, read without its clauses of feeling (``calm_focus``), is
# answered on that reading when its topic is this sure: the worry itself names the
# topic ("ik ben in paniek, straks weet iedereen mijn uitslag"), question mark or not.
CALM_MIN_TOPIC = 0.7
# ... but only when the whole message agrees or is unsure (below this), and, for a message that asks
# nothing, when the calm reading is a real statement ("bijna een miljoen vrouwen." is not).
CALM_WHOLE_BELOW = 0.5
CALM_STATEMENT_WORDS = 6
# The question sentence of a long message replaces the whole when the whole's topic
# is below this and the sentence's topic is at least FOCUS_MIN_TOPIC (and higher).
FOCUS_WHOLE_BELOW = 0.5
FOCUS_MIN_TOPIC = 0.6
# "Wat moet ik doen?" after a specific situation (a loan in my name, a fake text) asks for
# that situation's steps: the generic answer gives way to these topics when they are likely.
GENERIC_TOPICS = frozenset({"what_to_do"})
ACTION_TOPICS = frozenset({"identity_fraud", "phishing", "report_fraud", "police", "access_data", "complain",
                           "change_bsn", "fraud_alert"})
SITUATION_MIN_TOPIC = 0.2
SHORT_WORDS = 8
# "en welk nummer moet ik bellen?", "telefoonnummer?" right after an answer that gives phone
# numbers asks for those: that answer again, not the contact details of BVO NL.
PHONE_TOPICS = frozenset({"identity_fraud", "phishing", "police", "report_fraud"})
ASKS_FOR_NUMBER = re.compile(
    r"\b(?:telefoon)?nummers?\b|\bbellen\b|\bbel ik\b|\bphone\b|\bnumbers?\b|\bcall\b", re.IGNORECASE)
# Answers that already answer another topic's question: a follow-up asking that question
# ("en moet ik ook naar de politie?" after the steps for identity fraud, which include the
# police report) gets the same answer again rather than a narrower one.
COVERS = {
    "identity_fraud": frozenset({"police", "report_fraud"}),
    "report_fraud": frozenset({"police", "identity_fraud"}),
}
# Clarify instead of guessing: top topic below this and the next ones this close.
CLARIFY_BELOW = 0.3
CLARIFY_GAP = 0.1
CLARIFY_MAX = 3

URGENT_RESPONSES = {
    "suicide": "utter_distress_113",
    "threat": "utter_threat_police",
    "blackmail": "utter_blackmail",
}
ACK_RESPONSES = {"anger": "utter_ack_anger", "fear": "utter_ack_fear", "grief": "utter_ack_grief"}
ADVICE_RESPONSES = {
    "anger": "utter_emotion_anger_advice",
    "fear": "utter_emotion_fear_advice",
    "grief": "utter_emotion_grief_advice",
}
INTENT_RESPONSES = {
    "medical_question": "utter_medical",
    "request_human": "utter_human",
    "out_of_scope": "utter_out_of_scope",
}
# Near misses with an answer of their own (understanding/data/scope.yml); others get utter_out_of_scope.
NEAR_MISS_RESPONSES = {
    "other_breach": "utter_out_of_scope_other_breach",
    "opinion": "utter_out_of_scope_opinion",
}
MORE_QUESTIONS = "utter_more_questions"
CLARIFY = "utter_clarify"
REPHRASE = "utter_ask_rephrase"


@dataclass
class ReplyPlan:
    """What to send.

    Attributes:
        responses: Response names of the domain, in order.
        topics: FAQ topics answered (for the next turn's follow-ups).
        clarify: Topics offered as buttons in a clarifying question.
    """

    responses: List[str] = field(default_factory=list)
    topics: List[str] = field(default_factory=list)
    clarify: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Question:
    """One question of a message: intent, its confidence and the FAQ topic ranking."""

    intent: Optional[str]
    confidence: float
    topics: Sequence[Mapping[str, Any]]

    @property
    def top_topic(self) -> Optional[str]:
        """The likeliest FAQ topic, if any."""
        return str(self.topics[0]["topic"]) if self.topics else None

    @property
    def top_confidence(self) -> float:
        """The ResponseSelector's confidence in the likeliest topic."""
        return float(self.topics[0]["confidence"]) if self.topics else 0.0


def question_of_message(parse: Mapping[str, Any]) -> Question:
    """The whole message as one question.

    Args:
        parse: ``tracker.latest_message``.
    """
    intent = parse.get("intent") or {}
    selector = ((parse.get("response_selector") or {}).get(FAQ_INTENT) or {})
    topics = []
    for item in (selector.get("ranking") or [])[:CLARIFY_MAX]:
        key = str(item.get("intent_response_key") or "")
        topics.append({"topic": key.split("/", 1)[-1], "confidence": float(item.get("confidence") or 0)})
    return Question(intent=intent.get("name"), confidence=float(intent.get("confidence") or 0), topics=topics)


def _question(stored: Mapping[str, Any]) -> Question:
    """A parse the QuestionCollector stored (intent, confidence, topics) as a Question."""
    return Question(intent=stored.get("intent"), confidence=float(stored.get("confidence") or 0),
                    topics=stored.get("topics") or [])


def focus_of(parse: Mapping[str, Any]) -> Optional[Question]:
    """The question sentence of a long message parsed on its own (QuestionCollector), if any."""
    stored = parse.get("question_focus")
    return _question(stored) if stored else None


def calm_of(parse: Mapping[str, Any]) -> Optional[Question]:
    """The message without its clauses of feeling, parsed on its own (QuestionCollector), if any."""
    stored = parse.get("calm_focus")
    return _question(stored) if stored else None


def _calm_worry(whole: Question, calm: Optional[Question], calm_words: int, asks: bool) -> Optional[Question]:
    """The worry of an emotional message as a clear FAQ question, when reading it calmly gives one."""
    if (calm is None or calm.intent not in (FAQ_INTENT, FALLBACK_INTENT, EMOTION_INTENT)
            or calm.top_confidence < CALM_MIN_TOPIC or (not asks and calm_words < CALM_STATEMENT_WORDS)):
        return None
    agrees = calm.top_topic == whole.top_topic
    unsure = whole.top_confidence < CALM_WHOLE_BELOW and calm.top_confidence > whole.top_confidence
    if not (agrees or unsure):
        return None
    return Question(intent=FAQ_INTENT, confidence=max(whole.confidence, calm.confidence), topics=calm.topics)


def parts_of(parse: Mapping[str, Any]) -> List[Question]:
    """The separate questions of a message, as the QuestionCollector stored them.

    A part whose context sentences drown its question ("Ik ben 58 en deed twee keer
    mee. Welke gegevens zijn gestolen?") is read as its question sentence alone.
    """
    stored = (parse.get("questions") or {}).get("parts") or []
    return [_with_focus(_question(p), _question(p["focus"]) if p.get("focus") else None, FOCUS_WHOLE_BELOW)
            for p in stored]


def _response_for(question: Question, alone: bool) -> Optional[str]:
    if not alone and question.top_topic and _topic_beats_intent(question):
        return FAQ_PREFIX + question.top_topic
    if question.intent == FAQ_INTENT and question.top_topic:
        sure = question.confidence >= PART_MIN_CONFIDENCE and question.top_confidence >= PART_MIN_TOPIC
        if alone or sure:
            return FAQ_PREFIX + question.top_topic
        return None
    response = INTENT_RESPONSES.get(question.intent or "")
    if response and (alone or question.confidence >= PART_MIN_CONFIDENCE):
        return response
    return None


def _topic_beats_intent(part: Question) -> bool:
    """True when a question part's FAQ topic says more than its intent.

    The splitter already knows the part is a question; a short part ("wat moet ik
    er dan mee", "3) mijn telefoonnummer") often gets a small-talk intent or a
    request for a person, while its topic is clear.
    """
    if part.intent in (FAQ_INTENT, *INTENT_RESPONSES) and part.intent != "request_human":
        return False
    if part.intent == "request_human":
        return part.confidence < FOLLOWUP_INTENT_TRUSTED and part.top_confidence >= PART_HUMAN_TOPIC
    return part.top_confidence >= PART_FALLBACK_TOPIC


def _close_topics(question: Question) -> List[str]:
    if question.intent != FAQ_INTENT or len(question.topics) < 2:
        return []
    top = question.top_confidence
    if top >= CLARIFY_BELOW:
        return []
    close = [str(t["topic"]) for t in question.topics if top - float(t["confidence"]) <= CLARIFY_GAP]
    return close[:CLARIFY_MAX] if len(close) >= 2 else []


def _with_focus(whole: Question, focus: Optional[Question], below: float = 0.5) -> Question:
    """The whole message, or its question sentence alone when that is clearly better understood.

    In a long message or letter the context sentences can drown the question;
    the question sentence alone decides when the whole is unsure and it is sure.
    """
    if (focus is None or focus.intent != FAQ_INTENT or whole.top_confidence >= below
            or focus.top_confidence < FOCUS_MIN_TOPIC or focus.top_confidence <= whole.top_confidence):
        return whole
    if (focus.top_topic in GENERIC_TOPICS and whole.top_topic in ACTION_TOPICS
            and whole.top_confidence >= SITUATION_MIN_TOPIC):
        return whole  # "Er staat een lening op mijn naam. Wat moet ik doen?": the loan decides
    return Question(intent=FAQ_INTENT if whole.intent in (FAQ_INTENT, FALLBACK_INTENT) else whole.intent,
                    confidence=max(whole.confidence, focus.confidence), topics=focus.topics)


ANAPHORIC = "anaphoric"
ELLIPTIC = "elliptic"
# "in de brief ook?": the previous question about another place; the previous topic always.
SAME = "same"


def plan_reply(parse: Mapping[str, Any], previous_topics: Sequence[str],
               followup: Optional[str]) -> ReplyPlan:
    """Plans the reply to one message.

    Args:
        parse: ``tracker.latest_message`` (intent, response_selector, questions, feeling).
        previous_topics: FAQ topics of the assistant's previous answer, oldest first.
        followup: None, or for a short follow-up (understanding.followup) ``"same"``
            when it asks the previous question about another place ("in de brief
            ook?"), ``"anaphoric"`` when it points back ("die groep", "waarom?") and
            ``"elliptic"`` otherwise ("en mijn adres?").

    Returns:
        The plan; ``responses`` is never empty.
    """
    plan = ReplyPlan()
    feeling = parse.get("feeling") or {}
    urgent = URGENT_RESPONSES.get(feeling.get("urgent") or "")
    if urgent:
        plan.responses.append(urgent)
        return plan
    ack = ACK_RESPONSES.get(feeling.get("emotion") or "")
    if ack:
        plan.responses.append(ack)
    category = parse.get("near_miss")
    if category == "medical":
        plan.responses.append(INTENT_RESPONSES["medical_question"])
        return plan
    if category:
        plan.responses.append(NEAR_MISS_RESPONSES.get(category, INTENT_RESPONSES["out_of_scope"]))
        return plan

    whole = _with_focus(question_of_message(parse), focus_of(parse),
                        EMOTIONAL_MIN_TOPIC if ack else FOCUS_WHOLE_BELOW)
    text = str(parse.get("text") or "")
    worry = _calm_worry(whole, calm_of(parse), int((parse.get("calm_focus") or {}).get("words") or 0),
                        asks_something(text)) if ack else None
    if worry is not None:
        whole = worry
    parts = parts_of(parse)
    answers: List[str] = []
    if len(parts) > 1:
        for part in parts:
            response = _response_for(part, alone=False)
            if response and response not in answers:
                answers.append(response)
        if len(answers) < 2:
            answers = []  # one question after all: the whole message says more than its part
    if not answers:
        text = str(parse.get("text") or "")
        if whole.intent == EMOTION_INTENT and asks_something(text):
            # "ik ben zo bang, moet ik opnieuw?": a feeling with a question; the question decides
            whole = Question(intent=FAQ_INTENT, confidence=whole.confidence, topics=whole.topics)
        answers = _single_answer(whole, previous_topics, followup, plan, emotional=bool(ack),
                                 asks=worry is not None or asks_something(text),
                                 short=len(text.split()) <= SHORT_WORDS, text=text)
        focus = focus_of(parse)
        about_letter = whole.top_topic in GRIEF_TOPICS or (
            focus is not None and focus.top_topic in GRIEF_TOPICS | GENERIC_TOPICS)
        if feeling.get("emotion") == "grief" and about_letter and answers == [FAQ_PREFIX + whole.top_topic]:
            answers = []  # "... een brief op haar naam. wat moet ik daar nou mee": the grief advice
    if plan.clarify:
        plan.responses.append(CLARIFY)
        return plan
    if len([a for a in answers if a.startswith(FAQ_PREFIX)]) > 1:
        answers = [a for a in answers if a != INTENT_RESPONSES["out_of_scope"]]
    shown = answers[:MAX_ANSWERS]
    plan.responses.extend(shown)
    plan.topics = [a[len(FAQ_PREFIX):] for a in shown if a.startswith(FAQ_PREFIX)]
    asked = int((parse.get("questions") or {}).get("count") or 0)
    if len(answers) > MAX_ANSWERS or asked > MAX_ANSWERS:
        plan.responses.append(MORE_QUESTIONS)
    if not shown:
        emotion = feeling.get("emotion")
        plan.responses.append(ADVICE_RESPONSES.get(emotion or "", REPHRASE))
    plan.responses = list(dict.fromkeys(plan.responses))
    return plan


def _single_answer(whole: Question, previous_topics: Sequence[str], followup: Optional[str],
                   plan: ReplyPlan, emotional: bool = False, asks: bool = True,
                   short: bool = False, text: str = "") -> List[str]:
    if (short and previous_topics and whole.top_topic in GENERIC_TOPICS
            and previous_topics[-1] in ACTION_TOPICS and whole.intent == FAQ_INTENT):
        return [FAQ_PREFIX + previous_topics[-1]]  # "wat moet ik als eerste doen?" right after a loan
    if followup and previous_topics and previous_topics[-1] in PHONE_TOPICS and ASKS_FOR_NUMBER.search(text):
        return [FAQ_PREFIX + previous_topics[-1]]
    if followup and previous_topics:
        context_decides = (whole.intent in (FAQ_INTENT, FALLBACK_INTENT, "out_of_scope", None)
                           or whole.confidence < FOLLOWUP_INTENT_TRUSTED)
        if context_decides:
            own = whole.top_topic
            needed = ANAPHORIC_OWN_TOPIC if followup == ANAPHORIC else FOLLOWUP_OWN_TOPIC
            if followup == SAME or own in COVERS.get(previous_topics[-1], ()):
                return [FAQ_PREFIX + previous_topics[-1]]
            if own in GENERIC_TOPICS and previous_topics[-1] in ACTION_TOPICS:
                return [FAQ_PREFIX + previous_topics[-1]]  # "wat moet ik als eerste doen?" after a loan
            if own and whole.top_confidence >= needed and own not in previous_topics:
                return [FAQ_PREFIX + own]
            return [FAQ_PREFIX + previous_topics[-1]]
    if emotional and whole.intent == FAQ_INTENT and (whole.top_confidence < EMOTIONAL_MIN_TOPIC or not asks):
        return []  # a feeling and no clear question: the advice for the feeling, not a guess or a quiz
    close = _close_topics(whole)
    if close and not followup:
        plan.clarify = close
        return []
    if followup and whole.intent == FAQ_INTENT and whole.top_confidence < CLARIFY_BELOW:
        return []  # "waarom?" with nothing before it
    response = _response_for(whole, alone=True)
    return [response] if response else []
