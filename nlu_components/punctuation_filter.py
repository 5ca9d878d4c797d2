"""Drops punctuation-only tokens before the featurizers see a message.

The training data has many short FAQ questions that end in "?" ("brief?",
"Eurofins?"), so a bare "?" token became a sign of the FAQ: "Chatbot?" went to
the FAQ while "chatbot" was understood. Punctuation carries no topic, so the
featurizers should not see it. Messages made only of punctuation keep their
tokens, so no message ever ends up without tokens.
"""

from __future__ import annotations

import unicodedata
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.stateless import StatelessComponent


def is_punctuation(text: str) -> bool:
    """Whether a token consists of punctuation or symbols only.

    Args:
        text: The token text.

    Returns:
        True for tokens such as "?", "...", "!?" or "-".
    """
    return bool(text) and all(unicodedata.category(ch)[0] in {"P", "S"} for ch in text)


def without_punctuation(tokens: List[Token]) -> List[Token]:
    """Removes punctuation-only tokens, unless nothing else would remain.

    Args:
        tokens: Tokens of one message.

    Returns:
        The remaining tokens, or the original tokens if all are punctuation.
    """
    kept = [token for token in tokens if not is_punctuation(token.text)]
    return kept or tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class PunctuationFilter(StatelessComponent):
    """Removes punctuation tokens from the user text (place right after the tokenizer)."""

    @staticmethod
    def _filter(message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if tokens:
            message.set(TOKENS_NAMES[TEXT], without_punctuation(tokens))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Filters the tokens of every training example.

        Args:
            training_data: Tokenized training data.

        Returns:
            The same training data, filtered in place.
        """
        for message in training_data.training_examples:
            self._filter(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Filters the tokens of incoming messages.

        Args:
            messages: Tokenized messages.

        Returns:
            The same messages, filtered in place.
        """
        for message in messages:
            self._filter(message)
        return messages
