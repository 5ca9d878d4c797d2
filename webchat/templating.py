"""A minimal template language for the web pages, with every value HTML-escaped.

``{{name}}`` inserts a value, escaped for HTML text and attributes; a
``Markup`` value is inserted as it is (only for text this project made safe,
such as ``script_json``). ``{{#name}}...{{/name}}`` keeps its part only when
the value is set (not None, not empty), ``{{^name}}...{{/name}}`` only when it
is not. A name without a value is an error, so a page never shows a raw
placeholder.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Mapping

_SECTION_RE = re.compile(r"\{\{([#^])(\w+)\}\}(.*?)\{\{/\2\}\}", re.DOTALL)
_VALUE_RE = re.compile(r"\{\{(\w+)\}\}")
_PART_RE = re.compile(r"\{\{[#^/]?\w+\}\}")


class Markup(str):
    """Text that is inserted without escaping."""


def script_json(value: Any) -> Markup:
    r"""Writes a value as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\u003c``, ``\u003e`` and ``\u0026`` (still the same
    JSON), so no value can close the script element or start a comment.

    Args:
        value: Any JSON-serialisable value.

    Returns:
        The JSON text.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fills in a template.

    Args:
        template: The template text.
        values: The values by name; numbers are written as text.

    Returns:
        The page.

    Raises:
        KeyError: The template names a value that ``values`` lacks.
    """

    def section(match: re.Match) -> str:
        kind, name, body = match.groups()
        shown = values[name] not in (None, "", False)
        return body if shown == (kind == "#") else ""

    def value(match: re.Match) -> str:
        item = values[match.group(1)]
        return item if isinstance(item, Markup) else html.escape(str(item), quote=True)

    filled = _SECTION_RE.sub(section, template)
    for part in _PART_RE.findall(filled):
        if not _VALUE_RE.fullmatch(part):
            raise KeyError(f"unclosed template part {part}")
    return _VALUE_RE.sub(value, filled)  # inserted values are not read again
