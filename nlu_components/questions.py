"""Several questions in one message: each question is parsed on its own.

Two components work as a pair around the classifiers:

* ``QuestionSplitter`` (before SpacyNLP) finds the separate questions of a
  message (``understanding.questions``). When there are several, it adds one
  extra message per question to the list the pipeline processes, so spaCy, the
  featurizers, DIET and the ResponseSelector parse every question exactly as
  they parse a whole message.
  A long message with one question after sentences of context gets one extra
  message: the question sentence alone (its parse is stored as ``question_focus``).
  A question part with context sentences gets its question sentence alone as well
  (stored as the part's ``focus``).
  A message with clauses of feeling ("ik ben echt in paniek, straks ...") gets one
  more: the message without them (stored as ``calm_focus``).
* ``QuestionCollector`` (after the classifiers) takes the extra messages out of
  the list again and stores their results on the original message under
  ``questions``: per question the intent, the FAQ topic and their confidences,
  never the text. When at least one question was understood, the message's own
  intent becomes ``faq`` so that the answer action (actions/answer.py) answers
  them all, in order.

Both run only at prediction time; training data never pass through them.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.stateless import StatelessComponent
from understanding.emotion import without_feeling
from understanding.letters import strip_letter
from understanding.questions import split_questions

QUESTIONS = "questions"
# The question sentence of a long message, parsed without its context sentences.
FOCUS_KEY = "question_focus"
FOCUS = "question_is_focus"
# The message without its clauses of feeling (understanding.emotion.without_feeling).
CALM_KEY = "calm_focus"
CALM = "question_is_calm"
# A question part's question sentence without its context sentences: index of its part.
PART_FOCUS = "question_focus_of_part"
PART_OF = "question_part_of"
GROUP = "question_group"
RETRIEVAL_INTENT = "faq"
# Intents of a question part that the answer action can answer.
ANSWERABLE = frozenset({RETRIEVAL_INTENT, "medical_question", "request_human", "out_of_scope",
                        "express_emotion"})
# The intent of the whole message is left alone for these (buttons, language, feedback).
KEEP_INTENTS = frozenset({"change_language", "feedback_positive", "feedback_negative",
                          "feedback_reason", "something_else", "urgent_help"})
MAX_PARTS = 6
RANKING_SIZE = 3
_groups = itertools.count(1)


def topic_ranking(message: Message) -> List[Dict[str, Any]]:
    """The FAQ topics the ResponseSelector ranked highest for a message.

    Args:
        message: A parsed message.

    Returns:
        Up to three ``{"topic", "confidence"}`` items, best first.
    """
    selector = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    ranking = []
    for item in (selector.get("ranking") or [])[:RANKING_SIZE]:
        key = str(item.get("intent_response_key") or "")
        confidence = round(float(item.get("confidence") or 0), 4)
        ranking.append({"topic": key.split("/", 1)[-1], "confidence": confidence})
    return ranking


def summary_of(message: Message) -> Dict[str, Any]:
    """The parse of one question part, without its text.

    Args:
        message: A parsed question part.

    Returns:
        Intent, intent confidence and topic ranking.
    """
    intent = message.get(INTENT) or {}
    return {
        "intent": intent.get(INTENT_NAME_KEY),
        "confidence": round(float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0), 4),
        "topics": topic_ranking(message),
    }


# Registered as a (non-trainable) classifier so that it runs only at prediction time.
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionSplitter(StatelessComponent):
    """Adds one message per question for messages that hold several questions."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Returns the messages, each followed by its question parts when it has several.

        Args:
            messages: Incoming messages.

        Returns:
            The messages and the added parts.
        """
        result: List[Message] = []
        for message in messages:
            result.append(message)
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.startswith("/"):
                continue
            split = split_questions(text)
            calm = without_feeling(strip_letter(text))
            if not (split.is_split or split.focus or calm):
                continue
            group = next(_groups)
            message.set(GROUP, group)
            if split.is_split:
                for question in split.questions[:MAX_PARTS]:
                    result.append(Message(data={TEXT: question, PART_OF: group}))
                for index, alone in enumerate(split.part_focus[:MAX_PARTS]):
                    if alone:
                        result.append(Message(data={TEXT: alone, PART_OF: group, PART_FOCUS: index}))
                message.set(QUESTIONS, {"count": len(split.questions)})
            elif split.focus:
                result.append(Message(data={TEXT: split.focus, PART_OF: group, FOCUS: True}))
            if calm:
                result.append(Message(data={TEXT: calm, PART_OF: group, CALM: True}))
        return result


def _understood(part: Dict[str, Any]) -> bool:
    return part.get("intent") in ANSWERABLE


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionCollector(StatelessComponent):
    """Puts the results of the question parts on their message and removes the parts."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Collects the parts' parses under ``questions`` and keeps only the original messages.

        Args:
            messages: Messages and parts after the classifiers.

        Returns:
            The original messages.
        """
        parts: Dict[int, List[Dict[str, Any]]] = {}
        focus: Dict[int, Dict[str, Any]] = {}
        calm: Dict[int, Dict[str, Any]] = {}
        part_focus: Dict[int, Dict[int, Dict[str, Any]]] = {}
        originals: List[Message] = []
        for message in messages:
            group: Optional[int] = message.get(PART_OF)
            if group is None:
                originals.append(message)
            elif message.get(PART_FOCUS) is not None:
                part_focus.setdefault(group, {})[int(message.get(PART_FOCUS))] = summary_of(message)
            elif message.get(FOCUS):
                focus[group] = summary_of(message)
            elif message.get(CALM):
                calm[group] = {**summary_of(message), "words": len(str(message.get(TEXT) or "").split())}
            else:
                parts.setdefault(group, []).append(summary_of(message))
        for message in originals:
            group = message.get(GROUP)
            if group is None:
                continue
            message.data.pop(GROUP, None)
            if group in calm:
                message.set(CALM_KEY, calm[group], add_to_output=True)
            if group in focus:
                message.set(FOCUS_KEY, focus[group], add_to_output=True)
            if group not in parts:
                continue
            found = parts.get(group, [])
            for index, alone in part_focus.get(group, {}).items():
                if index < len(found):
                    found[index] = {**found[index], "focus": alone}
            count = (message.get(QUESTIONS) or {}).get("count", len(found))
            message.set(QUESTIONS, {"count": count, "parts": found}, add_to_output=True)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            understood = [p for p in found if _understood(p)]
            if understood and intent not in KEEP_INTENTS and len(found) > 1:
                best = max(p["confidence"] for p in understood)
                message.set(INTENT, {INTENT_NAME_KEY: RETRIEVAL_INTENT, PREDICTED_CONFIDENCE_KEY: best},
                            add_to_output=True)
        return originals
