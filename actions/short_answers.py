"""Short answers ("ja", "nee", "klopt", "weet ik niet") to the assistant's own question.

Outside the next-steps forms (whose validators read such answers themselves), a
bare yes or no means something only with the assistant's previous message: after
"Heeft u nog een andere vraag?" a "nee" means goodbye; after the clarifying
question with buttons it means "none of these". :func:`reply_to_short_answer`
picks the response; the fallback action sends it (actions/fallback.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from actions.bot_events import utter_action
from understanding.emotion import fold

AFFIRM = frozenset(w.strip() for w in """
    ja|jawel|jazeker|ja hoor|ja graag|ja zeker|klopt|dat klopt|ja klopt|inderdaad|idd|jep|jup|ok|oke|okay
    |prima|goed|yes|yep|yeah|sure|correct|that's right|thats right
""".split("|"))
DENY = frozenset(w.strip() for w in """
    nee|neen|nee hoor|nee dank je|nee dank u|nee bedankt|nope|no|no thanks|nee hoor dank je|niet
    |helemaal niet|nah
""".split("|"))
DONT_KNOW = frozenset(w.strip() for w in """
    weet ik niet|weet ik niet meer|geen idee|ik weet het niet|geen flauw idee|i don't know|i dont know|no idea
    |not sure
""".split("|"))

# The assistant's messages that end with a question to the person, by kind.
ANYTHING_ELSE = frozenset({"utter_thanks", "utter_feedback_thanks", "utter_situation_more",
                           "utter_affected_more", "utter_checklist_more"})
CHOICE = frozenset({"utter_clarify", "utter_clarify_three", "utter_fallback_suggest"})
FEEDBACK = "utter_ask_feedback"

ASK_NEXT = "utter_ask_next_question"
GOODBYE = "utter_goodbye"
CHOOSE_BUTTON = "utter_choose_a_button"
REPHRASE = "utter_ask_rephrase"
FEEDBACK_THANKS = "utter_feedback_thanks"
FEEDBACK_REASON = "utter_ask_feedback_reason"


def kind_of(text: str) -> Optional[str]:
    """``"yes"``, ``"no"``, ``"dont_know"`` or None for anything longer or different."""
    cleaned = re.sub(r"[^\w' ]+", " ", fold(text)).strip()
    cleaned = " ".join(cleaned.split())
    if cleaned in AFFIRM:
        return "yes"
    if cleaned in DENY:
        return "no"
    if cleaned in DONT_KNOW:
        return "dont_know"
    return None


def last_bot_action(events: List[Dict[str, Any]]) -> Optional[str]:
    """The response the assistant sent last before the newest user message."""
    seen_user = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif kind == "bot" and seen_user:
            return utter_action(event) or None
    return None


def reply_to_short_answer(text: str, previous: Optional[str]) -> Optional[str]:
    """The response to a bare yes, no or "don't know", given the assistant's previous message.

    Args:
        text: The person's message.
        previous: The response the assistant sent last (``utter_action``), if any.

    Returns:
        A response name, or None when the message is no short answer or nothing was asked.
    """
    kind = kind_of(text)
    if kind is None or previous is None:
        return None
    if previous == FEEDBACK:
        return {"yes": FEEDBACK_THANKS, "no": FEEDBACK_REASON}.get(kind, FEEDBACK_THANKS)
    if previous in CHOICE:
        return CHOOSE_BUTTON if kind == "yes" else REPHRASE
    if previous in ANYTHING_ELSE or previous.startswith("utter_faq/") or previous.startswith("utter_ack_"):
        return {"yes": ASK_NEXT, "no": GOODBYE}.get(kind, ASK_NEXT)
    return None
