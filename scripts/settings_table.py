"""Writes the table of environment variables in docs/settings.md from ``settings/catalogue.py``.

``python -m scripts.settings_table`` replaces the lines between the two markers;
``--check`` only says whether the file is up to date (exit status 1 when not).
``tests/test_settings.py`` runs the check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, Optional, Sequence

from settings import SETTINGS, Setting

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "settings.md"
BEGIN = "<!-- settings table: made by `python -m scripts.settings_table` from settings/catalogue.py -->"
END = "<!-- end of settings table -->"
HEADER = ("| variable | default | valid values | used by | meaning |\n"
          "|---|---|---|---|---|")


def default_cell(setting: Setting) -> str:
    """The default as the table shows it."""
    if setting.default_text is not None:
        return setting.default_text
    if setting.default is None:
        return "unset"
    if isinstance(setting.default, bool):
        return "`1`" if setting.default else "`0`"
    if isinstance(setting.default, float) and setting.default.is_integer():
        return f"`{int(setting.default)}`"
    return f"`{setting.default}`"


def valid_cell(setting: Setting) -> str:
    """The valid values: ``1``/``0``, a number range, a list or text."""
    if setting.kind == "bool":
        return "`1` or `0`"
    if setting.kind == "list":
        return "comma-separated list"
    if setting.kind in ("int", "float"):
        words = setting.expected().removeprefix("a ")
        return f"{words} (others count as the nearest limit)" if setting.invalid == "clamp" else words
    return "text"


def table(settings: Iterable[Setting] = SETTINGS) -> str:
    """The Markdown table, one row per setting, in the catalogue's order."""
    rows = [f"| `{s.name}` | {default_cell(s)} | {valid_cell(s)} | {s.used_by} | {s.meaning} |"
            for s in settings]
    return "\n".join([HEADER, *rows])


def render(document: str) -> str:
    """``document`` with the table between the markers replaced.

    Raises:
        ValueError: The markers are missing.
    """
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{DOC.name} needs the lines {BEGIN!r} and {END!r}")
    return document[:start] + BEGIN + "\n" + table() + "\n" + document[end:]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Rewrites docs/settings.md, or with ``--check`` reports whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when the table is stale")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if wanted != current:
            print(f"{DOC.relative_to(ROOT)} is stale: run python -m scripts.settings_table", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
