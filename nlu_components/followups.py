"""Marks short messages that lean on the previous turn ("en mijn adres?", "waarom niet?").

Adds ``followup: true`` to the parse of such a message (``understanding.followup``).
The classifiers see only the message, so they often do not understand it; its
intent then becomes ``faq`` and the answer action resolves it against the topic
of its previous answer (actions/reply_plan.py). Must come after the classifiers.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.stateless import StatelessComponent
from understanding.followup import is_followup

FOLLOWUP = "followup"
FAQ_INTENT = "faq"
# Intents that a follow-up often gets by mistake: they leave the decision to the answer action.
RESOLVED_BY_CONTEXT = frozenset({"nlu_fallback", "out_of_scope"})
# "telefoonnummers ook?" sounds like asking for a person; below this confidence it is a follow-up.
PERSON_INTENT = "request_human"
PERSON_TRUSTED = 0.95


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
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/") or not is_followup(text):
                continue
            message.set(FOLLOWUP, True, add_to_output=True)
            intent = message.get(INTENT) or {}
            unsure_person = (intent.get(INTENT_NAME_KEY) == PERSON_INTENT
                             and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0) < PERSON_TRUSTED)
            if intent.get(INTENT_NAME_KEY) in RESOLVED_BY_CONTEXT or unsure_person:
                message.set(INTENT, {INTENT_NAME_KEY: FAQ_INTENT,
                                     PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY, 0.0)},
                            add_to_output=True)
        return messages
