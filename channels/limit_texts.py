"""The short notices of the use limits, in Dutch and English.

They live here, not in the domain: a change of the domain needs a new model,
and these notices are sent by the channels and the runtime, never by a policy.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

RATE_LIMITED = {
    "nl": "U stuurt veel berichten achter elkaar. Probeer het over een minuut opnieuw.",
    "en": "You are sending many messages in a row. Please try again in a minute.",
}
SESSION_RESTARTED = {
    "nl": "Dit gesprek was erg lang. We beginnen opnieuw. U kunt uw vraag gewoon stellen.",
    "en": "This conversation was very long. We are starting afresh. You can simply ask your question.",
}


def notice(texts: Dict[str, str], language: Optional[str]) -> Dict[str, Any]:
    """Returns a notice as a message for ``OutputChannel.send_response``.

    Args:
        texts: ``RATE_LIMITED`` or ``SESSION_RESTARTED``.
        language: "en" for English; anything else gives Dutch.

    Returns:
        ``{"text": ...}``.
    """
    return {"text": texts["en" if language == "en" else "nl"]}
