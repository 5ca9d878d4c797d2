"""The summary an agent sees first: the topics and intents of the conversation, never the user's words."""

from __future__ import annotations

from typing import Any, Iterable, List

from handover import texts

FAQ_PREFIX = "utter_faq/"
# Intents that say nothing about the topic.
SKIPPED = frozenset({"greet", "goodbye", "affirm", "deny", "thanks", "change_language", "session_start"})
MAX_TOPICS = 10


def _value(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name, None)


def topics(events: Iterable[Any]) -> List[str]:
    """The FAQ topics answered and the intents asked, in order, each once.

    Args:
        events: The tracker's events (Rasa event objects or their dictionaries).

    Returns:
        Names such as ``which_data`` or ``request_human``: identifiers, no text of the user.
    """
    found: List[str] = []
    for event in events:
        kind = _value(event, "event") or getattr(type(event), "type_name", "")
        name = None
        if kind == "user":
            parse = _value(event, "parse_data") or {}
            name = (parse.get("intent") or {}).get("name") if isinstance(parse, dict) else None
            name = name or getattr(event, "intent_name", None)
        elif kind == "bot":
            action = str((_value(event, "metadata") or {}).get("utter_action") or "")
            name = action[len(FAQ_PREFIX):] if action.startswith(FAQ_PREFIX) else None
        if name and name not in SKIPPED and not str(name).startswith("faq") and name not in found:
            found.append(str(name))
    return found[-MAX_TOPICS:]


def summary(events: Iterable[Any], channel: str, language: str) -> str:
    """The private note for the agent: channel, topics, and the reason (the newest intent).

    Args:
        events: The tracker's events.
        channel: The input channel's name.
        language: The conversation's language (the note is in Dutch unless "en").
    """
    names = topics(list(events))
    reason = next((name for name in reversed(names)), "request_human")
    none = "geen" if language != "en" else "none"
    return texts.text("summary", language, channel=channel, topics=", ".join(names) or none, reason=reason)
