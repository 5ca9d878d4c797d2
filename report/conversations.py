"""Stored events turned into conversations, user messages and form runs.

A conversation is one Rasa session: it starts at a ``session_started`` (or
``restart``) event. A user message's turn runs until the next user message;
the first bot message of the turn is the reply (for the response time), and
the actions and responses of the turn tell whether the message was a
fallback and which FAQ topic was answered. Nothing here keeps a sender id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from report.load import StoredEvent

INITIAL_LANGUAGE = "nl"  # the `language` slot's initial value (domain.yml)
LANGUAGES = ("nl", "en")
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset(
    {"action_handle_fallback", "action_default_fallback", "action_two_stage_fallback"})
FAQ_INTENT = "faq"
FAQ_RESPONSE_PREFIX = "utter_faq/"
FAQ_KEY_PREFIX = "faq/"
UNKNOWN_CHANNEL = "unknown"
EXIT_SLOT = "flow_exit"  # set by the forms' validators when a form ends early (actions/flow_validation.py)
SESSION_STARTS = frozenset({"session_started", "restart"})

COMPLETED = "completed"
STOPPED = "stopped"
ABANDONED = "abandoned"


@dataclass
class Message:
    """A user message and what the assistant did with it.

    Attributes:
        timestamp: When it arrived (seconds since the epoch).
        channel: The input channel (``rest``, ``socketio``, ``twilio`` ...).
        language: The ``language`` slot when it arrived.
        intent: The intent NLU gave it.
        text: The text as stored (already redacted by the privacy guard).
        entities: Entity name to the first value NLU found.
        selector_topic: The FAQ topic the ResponseSelector chose, if any.
        answered_topic: The FAQ topic of the response the assistant sent.
        fallback_action: Whether a fallback action ran in its turn.
        response_time: Seconds until the first bot message of its turn.
        previous_topic: The last FAQ topic answered earlier in the conversation.
    """

    timestamp: float
    channel: str
    language: str
    intent: str
    text: str
    entities: Dict[str, str] = field(default_factory=dict)
    selector_topic: Optional[str] = None
    answered_topic: Optional[str] = None
    fallback_action: bool = False
    response_time: Optional[float] = None
    previous_topic: Optional[str] = None

    @property
    def fallback(self) -> bool:
        """Whether the assistant did not understand it (nlu_fallback or a fallback action)."""
        return self.intent == FALLBACK_INTENT or self.fallback_action

    @property
    def faq_topic(self) -> Optional[str]:
        """The FAQ topic answered: from the response sent, else from the ResponseSelector."""
        if self.answered_topic:
            return self.answered_topic
        if self.intent == FAQ_INTENT and not self.fallback:
            return self.selector_topic
        return None


@dataclass
class FormRun:
    """One run of a form, from its activation to its end.

    Attributes:
        form: The form's name.
        started: When it was activated (seconds since the epoch).
        outcome: ``completed`` (ended after its questions), ``stopped`` (ended
            early through ``flow_exit``) or ``abandoned`` (never ended: the
            conversation stopped, a new session began or another form took over).
        exit_reason: The ``flow_exit`` value of a stopped run (stop, question, switch).
    """

    form: str
    started: float
    outcome: str = ABANDONED
    exit_reason: Optional[str] = None


@dataclass
class Conversation:
    """One session of one sender.

    Attributes:
        messages: The user messages, in order.
        form_runs: The form runs started in it, in order.
        language: The ``language`` slot at its end.
    """

    messages: List[Message] = field(default_factory=list)
    form_runs: List[FormRun] = field(default_factory=list)
    language: str = INITIAL_LANGUAGE


def _topic_key(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not value:
        return None
    for prefix in (FAQ_RESPONSE_PREFIX, FAQ_KEY_PREFIX):
        if value.startswith(prefix):
            return value[len(prefix):] or None
    return None


def _selector_topic(parse_data: Dict[str, Any]) -> Optional[str]:
    selector = (parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}
    response = selector.get("response") or {}
    topic = _topic_key(response.get("intent_response_key")) or _topic_key(response.get("utter_action"))
    return topic or _topic_key((parse_data.get("intent") or {}).get("full_retrieval_intent_name"))


def _entities(parse_data: Dict[str, Any], data: Dict[str, Any]) -> Dict[str, str]:
    found: Dict[str, str] = {}
    for entity in parse_data.get("entities") or data.get("entities") or []:
        if isinstance(entity, dict) and isinstance(entity.get("entity"), str):
            value = entity.get("value")
            if isinstance(value, str):
                found.setdefault(entity["entity"], value)
    return found


def user_message(event: StoredEvent, language: str, previous_topic: Optional[str]) -> Message:
    """Builds a message from a stored ``user`` event.

    Args:
        event: The stored event.
        language: The ``language`` slot at that moment.
        previous_topic: The last FAQ topic answered earlier in the conversation.

    Returns:
        The message (its turn's outcome still to be filled in).
    """
    data = event.data
    parse_data = data.get("parse_data") or {}
    intent = (parse_data.get("intent") or {}).get("name") or ""
    return Message(
        timestamp=event.timestamp,
        channel=data.get("input_channel") or UNKNOWN_CHANNEL,
        language=language,
        intent=intent,
        text=data.get("text") or "",
        entities=_entities(parse_data, data),
        selector_topic=_selector_topic(parse_data),
        previous_topic=previous_topic,
    )


class _Walker:
    """Reads one sender's events in order and builds the conversations."""

    def __init__(self) -> None:
        self.conversations: List[Conversation] = []
        self.language = INITIAL_LANGUAGE
        self.current: Optional[Conversation] = None
        self.pending: Optional[Message] = None
        self.form: Optional[FormRun] = None
        self.last_topic: Optional[str] = None

    def conversation(self) -> Conversation:
        if self.current is None:
            self.current = Conversation(language=self.language)
            self.conversations.append(self.current)
        return self.current

    def end_form(self, outcome: str) -> None:
        if self.form is not None:
            self.form.outcome = outcome
            self.form = None

    def new_session(self) -> None:
        self.end_form(ABANDONED)
        self.language = INITIAL_LANGUAGE
        self.current, self.pending, self.last_topic = None, None, None
        self.conversation()

    def on_user(self, event: StoredEvent) -> None:
        message = user_message(event, self.language, self.last_topic)
        self.conversation().messages.append(message)
        self.pending = message

    def on_bot(self, event: StoredEvent) -> None:
        message = self.pending
        if message is None:
            return
        if message.response_time is None:
            message.response_time = max(0.0, event.timestamp - message.timestamp)
        topic = _topic_key((event.data.get("metadata") or {}).get("utter_action"))
        if topic and message.answered_topic is None:
            message.answered_topic = topic
            self.last_topic = topic

    def on_action(self, event: StoredEvent) -> None:
        if self.pending is not None and event.data.get("name") in FALLBACK_ACTIONS:
            self.pending.fallback_action = True

    def on_slot(self, event: StoredEvent) -> None:
        name, value = event.data.get("name"), event.data.get("value")
        if name == "language" and value in LANGUAGES:
            self.language = value
            self.conversation().language = value
        elif name == EXIT_SLOT and value and self.form is not None:
            self.form.exit_reason = str(value)

    def on_active_loop(self, event: StoredEvent) -> None:
        name = event.data.get("name")
        if name:
            if self.form is not None and self.form.form == name:
                return
            self.end_form(ABANDONED)
            self.form = FormRun(form=str(name), started=event.timestamp)
            self.conversation().form_runs.append(self.form)
        elif self.form is not None:
            self.end_form(STOPPED if self.form.exit_reason else COMPLETED)

    def feed(self, event: StoredEvent) -> None:
        kind = event.type_name
        if kind in SESSION_STARTS:
            self.new_session()
            return
        handler = {"user": self.on_user, "bot": self.on_bot, "action": self.on_action,
                   "slot": self.on_slot, "active_loop": self.on_active_loop}.get(kind)
        if handler is not None:
            handler(event)


def conversations_of(events: Iterable[StoredEvent]) -> List[Conversation]:
    """Splits one sender's events into conversations (sessions).

    Args:
        events: The sender's events in the order they were stored.

    Returns:
        The conversations that have at least one user message, in order.
    """
    walker = _Walker()
    for event in events:
        walker.feed(event)
    return [conversation for conversation in walker.conversations if conversation.messages]
