"""Rasa's response generator with the operators' changes: named in endpoints.yml (``nlg:``).

Rasa 3.6 loads a generator class named in the endpoints file
(``rasa.core.nlg.generator._load_from_module_name_in_endpoint_config``), built with
``endpoint_config`` and ``domain``. This one is Rasa's templated generator (the
domain's responses, conditions, slots) followed by the operators' state: every
response the assistant sends through Rasa passes here, the ``utter_*`` actions of
the rules as well as the responses the custom actions name (``action_answer``
in the server, or on the action server; ``RemoteAction._utter_responses``).

In safe mode the first response of a turn becomes the safe-mode message and the
other responses of that turn are left out, so a person gets it once per message.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, Hashable, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

from operations import state as state_rules
from operations.control import texts
from operations.store import Current, current
from operations.trust import MESSAGING_CHANNELS, trust_line

TURNS_REMEMBERED = 10000


class OperatorNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Responses from the domain, then overrides, the trust line and notice after the greeting, safe mode.

    On the messaging channels the greeting gets who runs the assistant and the
    content date as a bubble of its own (``operations/trust.py``); the web page
    shows them itself.
    """

    def __init__(self, endpoint_config: Any = None, domain: Any = None,
                 reader: Optional[Current] = None) -> None:
        """Takes the domain's responses, as Rasa's own generator does.

        Args:
            endpoint_config: The ``nlg`` section of the endpoints file (nothing in it is read).
            domain: The model's domain.
            reader: The state reader; this process's (:func:`operations.store.current`) when None.
        """
        super().__init__(domain.responses if domain is not None else {})
        self._reader = reader
        self._safe_turns: OrderedDict[Hashable, None] = OrderedDict()

    @property
    def reader(self) -> Current:
        """The state reader."""
        return self._reader or current()

    async def generate(self, utter_action: str, tracker: Any, output_channel: str,
                       **kwargs: Any) -> Optional[Dict[str, Any]]:
        """Generates the response as Rasa would, then applies the operators' state.

        Args:
            utter_action: The response name.
            tracker: The conversation.
            output_channel: The channel's name (channel-specific variations).
            **kwargs: Values for the response's placeholders.

        Returns:
            The message, or None (no such response; in safe mode, not the turn's first).
        """
        slots = tracker.current_slot_values()
        state = self.reader.state()
        language = state_rules.language_of(slots)
        if state_rules.safe_mode_on(state):
            return self._safe(tracker, language)
        message = self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
        if message is None:
            return None
        if utter_action == state_rules.GREETING and output_channel in MESSAGING_CHANNELS:
            message = {**message, "text": (str(message.get("text") or "").rstrip()
                                           + state_rules.NOTICE_BUBBLE_SEPARATOR + trust_line(language))}
        return state_rules.apply(utter_action, message, language, state, texts())

    def _safe(self, tracker: Any, language: str) -> Optional[Dict[str, Any]]:
        latest = getattr(tracker, "latest_message", None)
        turn = (tracker.sender_id, getattr(latest, "message_id", None), getattr(latest, "timestamp", None))
        if turn in self._safe_turns:
            return None
        self._safe_turns[turn] = None
        while len(self._safe_turns) > TURNS_REMEMBERED:
            self._safe_turns.popitem(last=False)
        return state_rules.safe_message(language, texts())
