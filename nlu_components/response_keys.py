"""Keeps the FAQ answer texts out of NLU training: each FAQ example carries its answer's key instead.

When Rasa loads the training data it copies, into every example of a retrieval
intent (``faq/<topic>``), the text of that topic's answer (attribute ``response``).
The spaCy pipeline, the tokenizer and both count vectorizers then process that
answer text once per example: about 3,700 times for 36 answers of up to 70 words,
several times the work of the user texts themselves. This assistant's
ResponseSelector learns the topic key (``use_text_as_label`` is false, Rasa's
default), so the answer texts are never features of any model; only the time to
process them remains.

This component, first in the pipeline, sets ``response`` to the answer's key
(``utter_faq/<topic>``), which is what Rasa itself uses when an answer has no text.
The answers still come from the domain (``utter_faq``, with their English
variations); messages at run time have no ``response`` and pass unchanged.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, RESPONSE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key

from nlu_components.stateless import StatelessComponent


def use_response_key(message: Message) -> bool:
    """Replaces the answer text of one retrieval-intent example by the answer's key.

    Args:
        message: A training example.

    Returns:
        True when the example belongs to a retrieval intent and was changed.
    """
    if not message.get(INTENT_RESPONSE_KEY) or not message.get(RESPONSE):
        return False
    message.set(RESPONSE, intent_response_key_to_template_key(message.get_full_intent()), add_to_output=False)
    return True


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ResponseKeys(StatelessComponent):
    """Gives retrieval-intent training examples their answer key instead of the answer text."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Sets the answer key on every retrieval-intent example.

        Args:
            training_data: The training data as Rasa loaded it.

        Returns:
            The same training data, changed in place.
        """
        for message in training_data.training_examples:
            use_response_key(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Leaves incoming messages as they are (they carry no answer text).

        Args:
            messages: Messages to parse.

        Returns:
            The same messages.
        """
        return messages
