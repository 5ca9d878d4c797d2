"""Near misses: a question that shares a word with the breach but asks about something else.

Adds ``near_miss`` (the category of ``understanding/data/scope.yml``) and sets
the intent to ``out_of_scope`` (``medical_question`` for symptoms and what a
result means), so the answer action says plainly what the assistant cannot
answer and offers the nearest topic it does know, or refers to the GP. Urgent
messages, buttons, language requests and feedback keep their intent. Must come
after the classifiers and the FeelingDetector.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from nlu_components.stateless import StatelessComponent, intent_name, set_intent, typed_messages
from understanding.scope import intent_of, near_miss

NEAR_MISS = "near_miss"
KEEP_INTENTS = frozenset({"urgent_help", "change_language", "feedback_positive", "feedback_negative",
                          "feedback_reason", "something_else", "choose", "greet", "goodbye", "thanks"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ScopeDetector(StatelessComponent):
    """Marks near misses and gives them the intent ``out_of_scope``."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Marks the near misses among the messages.

        Args:
            messages: Messages after intent classification.

        Returns:
            The same messages.
        """
        for message, text in typed_messages(messages):
            category = near_miss(text)
            if category is None:
                continue
            message.set(NEAR_MISS, category, add_to_output=True)
            if intent_name(message) not in KEEP_INTENTS:
                set_intent(message, intent_of(category))
        return messages
