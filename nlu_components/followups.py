"""Marks short messages that lean on the previous turn ("en mijn adres?", "waarom niet?").

Adds ``followup: true`` to the parse of such a message (``understanding.followup``).
The classifiers see only the message, so they often do not understand it; its
intent then becomes ``faq`` and the answer action resolves it against the topic
of its previous answer (actions/reply_plan.py). Must come after the classifiers.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from nlu_components.stateless import StatelessComponent, intent_name, set_intent, typed_messages
from understanding.followup import is_followup

FOLLOWUP = "followup"
FAQ_INTENT = "faq"
# Intents that a follow-up often gets by mistake: they leave the decision to the answer action.
RESOLVED_BY_CONTEXT = frozenset({"nlu_fallback", "out_of_scope"})
# "telefoonnummers ook?" sounds like asking for a person; below this confidence it is a follow-up.
PERSON_INTENT = "request_human"
PERSON_TRUSTED = 0.95
# "wat bedoelen ze daarmee" taken for the button "iets anders", "of wel?" for a goodbye: an
# unsure small-talk intent on a follow-up is left to the context as well.
SMALL_TALK = frozenset({"something_else", "goodbye", "greet", "thanks"})
SMALL_TALK_TRUSTED = 0.9


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FollowupDetector(StatelessComponent):
    """Adds ``followup`` and lets the answer action resolve a follow-up the classifiers missed."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Marks follow-ups.

        Args:
            messages: Messages after intent classification.

        Returns:
            The same messages.
        """
        for message, text in typed_messages(messages):
            if not is_followup(text):
                continue
            message.set(FOLLOWUP, True, add_to_output=True)
            confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            unsure_person = intent_name(message) == PERSON_INTENT and confidence < PERSON_TRUSTED
            unsure_talk = intent_name(message) in SMALL_TALK and confidence < SMALL_TALK_TRUSTED
            if intent_name(message) in RESOLVED_BY_CONTEXT or unsure_person or unsure_talk:
                set_intent(message, FAQ_INTENT, confidence)
        return messages
