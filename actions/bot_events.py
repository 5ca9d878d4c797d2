"""What the actions read from the assistant's own messages in a tracker's events (SDK dictionaries)."""

from __future__ import annotations

from typing import Any, Dict


def utter_action(event: Dict[str, Any]) -> str:
    """The response a ``bot`` event was made from (its ``utter_action`` metadata), or "".

    Args:
        event: An event dictionary of the SDK's tracker.

    Returns:
        The response name, such as ``utter_faq/which_data``; "" when the event has none.
    """
    return str((event.get("metadata") or {}).get("utter_action") or "")
