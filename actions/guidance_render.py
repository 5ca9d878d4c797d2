"""Renders guidance entries for an output channel: link buttons or text lines.

Only some channels open a web page from a button (Facebook Messenger's
``web_url`` buttons). The local web page and the REST and socket.io channels
send a button's payload back as a user message, so for them links are
rendered as text lines, which the web page turns into clickable links. An
action passes the result to a response, for example
``dispatcher.utter_message(response="utter_guidance", links=rendered.text,
buttons=rendered.buttons)``, so no sentence lives in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from actions.guidance import Entry

# Channels that show a button that opens a URL, and how many buttons they allow.
URL_BUTTON_CHANNELS: Dict[str, int] = {"facebook": 3}


@dataclass(frozen=True)
class RenderedLinks:
    """Guidance entries ready to send.

    Attributes:
        text: One line per entry not shown as a button: "title: url" or
            "title: number (hours)".
        buttons: URL buttons, for channels that open links from a button.
    """

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


def entry_line(entry: Entry, language: str = "nl") -> str:
    """Returns one entry as a text line in the reader's language.

    Args:
        entry: A link or phone entry.
        language: The reader's language.

    Returns:
        "title: url" for a link; "title: number (hours)" for a phone number.
    """
    if entry.is_link:
        return f"{entry.title_in(language)}: {entry.url}"
    hours = (entry.hours or {}).get(language) or (entry.hours or {}).get("nl")
    suffix = f" ({hours})" if hours else ""
    return f"{entry.title_in(language)}: {entry.number}{suffix}"


def render_links(entries: Sequence[Entry], channel: Optional[str], language: str = "nl") -> RenderedLinks:
    """Renders entries for a channel, keeping their order (primary links first).

    Args:
        entries: Entries, for example from ``Registry.links_for``.
        channel: The input channel name (``tracker.get_latest_input_channel()``).
        language: The reader's language.

    Returns:
        URL buttons for links as far as the channel allows them, and text lines
        for all other entries.
    """
    limit = URL_BUTTON_CHANNELS.get(channel or "", 0)
    buttons: List[Dict[str, str]] = []
    lines: List[str] = []
    for entry in entries:
        if entry.is_link and len(buttons) < limit:
            buttons.append({"type": "web_url", "title": entry.title_in(language), "url": entry.url})
        else:
            lines.append(entry_line(entry, language))
    return RenderedLinks(text="\n".join(lines), buttons=buttons)
