"""Recognises the feeling of a message and the messages that need urgent help.

Adds ``feeling`` (``{"urgent": ..., "emotion": ...}``, see
``understanding.emotion``) to the parse. A message that needs urgent help
(suicidal thoughts, a threat to someone's safety, blackmail) gets the intent
``urgent_help`` whatever the classifiers said: no model may miss these. An
emotional message that the classifiers did not understand gets
``express_emotion``, so the person hears a kind word and what they can do,
instead of "I do not understand". Must come after the classifiers.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from nlu_components.stateless import StatelessComponent, intent_name, set_intent, typed_messages
from understanding.emotion import read_feeling
from understanding.questions import asks_something

FEELING = "feeling"
URGENT_INTENT = "urgent_help"
EMOTION_INTENT = "express_emotion"
# Intents that mean "not understood", or that an emotional message cannot mean ("ik kan er
# niet van slapen" is no thanks, "ik heb niks gehad hoor" no feedback): express_emotion.
NOT_UNDERSTOOD = frozenset({"nlu_fallback", "thanks", "greet", "goodbye", "bot_challenge",
                            "feedback_positive", "feedback_negative", "feedback_reason"})
FAQ_INTENT = "faq"
# A real thank-you with a feeling in it ("bedankt, ik was zo ongerust") stays thanks.
THANKS_INTENTS = frozenset({"thanks", "feedback_positive"})
THANKS_WORDS = re.compile(r"\b(?:dank|bedankt|thanks?|merci|top|fijn)\b")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FeelingDetector(StatelessComponent):
    """Adds ``feeling`` and overrides the intent for urgent and emotional messages."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Reads the feeling of every message.

        Args:
            messages: Messages after intent classification.

        Returns:
            The same messages.
        """
        for message, text in typed_messages(messages):
            feeling = read_feeling(text)
            if feeling.urgent is None and feeling.emotion is None:
                continue
            message.set(FEELING, {"urgent": feeling.urgent, "emotion": feeling.emotion}, add_to_output=True)
            if feeling.urgent is not None:
                set_intent(message, URGENT_INTENT)
            elif self._only_a_feeling(text, intent_name(message), message):
                set_intent(message, EMOTION_INTENT)
        return messages

    @staticmethod
    def _only_a_feeling(text: str, intent: str, message: Message) -> bool:
        """True when an emotional message asks nothing the classifiers understood.

        Not understood, taken for thanks or feedback it does not contain, or a FAQ
        topic for a message that asks nothing ("ik ben zo kwaad op jullie").
        """
        if (message.get("questions") or {}).get("parts"):
            return False
        if intent in NOT_UNDERSTOOD:
            return intent not in THANKS_INTENTS or not THANKS_WORDS.search(text.lower())
        return intent in (FAQ_INTENT, "out_of_scope") and not asks_something(text)
