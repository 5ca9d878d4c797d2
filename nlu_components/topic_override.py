"""A nearly certain FAQ topic outweighs an unsure intent that is no question.

"ik heb niks in de bus gehad hoor" reads as unsure negative feedback (0.69) while
the ResponseSelector is sure of the topic "no letter received" (1.00); "zit de
uitslag van mijn uitstrijkje daar ook tussen" as unsure out of scope (0.64) while
the topic "test results leaked" is 0.97. Such a message is a FAQ question: its
intent becomes ``faq`` so that the answer action answers it. Runs after the
FallbackClassifier and before the QuestionCollector (so question parts get the
same treatment); sure intents, urgent help, feelings, buttons and requests for a
person are never changed.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from nlu_components.questions import topic_ranking
from nlu_components.stateless import StatelessComponent, intent_name, set_intent, typed_messages

FAQ_INTENT = "faq"
# Intents that ask nothing of substance; only these give way to a sure topic.
YIELDING = frozenset({"feedback_negative", "feedback_positive", "out_of_scope", "something_else",
                      "goodbye", "greet", "thanks"})
UNSURE_BELOW = 0.8
SURE_TOPIC = 0.9
# The FallbackClassifier's "not sure what this is" yields only to a topic this sure.
FALLBACK_INTENT = "nlu_fallback"
SURE_TOPIC_AFTER_FALLBACK = 0.95


def top_topic_confidence(message: Message) -> float:
    """The ResponseSelector's confidence in the message's likeliest FAQ topic (0 when none)."""
    ranking = topic_ranking(message)
    return float(ranking[0]["confidence"]) if ranking else 0.0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicOverride(StatelessComponent):
    """Gives the intent ``faq`` to messages whose topic is sure and whose other intent is not."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Turns unsure small talk, feedback or out-of-scope with a sure FAQ topic into ``faq``.

        Args:
            messages: Messages (and question parts) after the FallbackClassifier.

        Returns:
            The same messages.
        """
        for message, _ in typed_messages(messages):
            intent = intent_name(message)
            confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            topic = top_topic_confidence(message)
            if intent == FALLBACK_INTENT:
                if topic >= SURE_TOPIC_AFTER_FALLBACK:
                    set_intent(message, FAQ_INTENT, confidence)
            elif intent in YIELDING and confidence < UNSURE_BELOW and topic >= SURE_TOPIC:
                set_intent(message, FAQ_INTENT, confidence)
        return messages
