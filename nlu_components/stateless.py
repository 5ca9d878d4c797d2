"""Base class of this project's NLU components that have no settings and learn nothing."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

# Button payloads and commands ("/choose{...}") are never read as typed text.
COMMAND_PREFIX = "/"


class StatelessComponent(GraphComponent):
    """A graph component built the same way every time: no settings, nothing stored."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatelessComponent:
        """Creates the component (it has no settings and learns nothing)."""
        return cls()


def typed_messages(messages: List[Message]) -> Iterator[Tuple[Message, str]]:
    """The messages that carry typed text (no button payload or command), with their text.

    Args:
        messages: Messages in the pipeline.

    Yields:
        Each message with a non-empty typed text, and that text.
    """
    for message in messages:
        text = message.get(TEXT)
        if isinstance(text, str) and text and not text.startswith(COMMAND_PREFIX):
            yield message, text


def intent_name(message: Message) -> str:
    """The message's intent name so far, or an empty string."""
    return str((message.get(INTENT) or {}).get(INTENT_NAME_KEY) or "")


def set_intent(message: Message, name: str, confidence: float = 1.0) -> None:
    """Replaces the message's intent (part of the parse the server returns)."""
    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
