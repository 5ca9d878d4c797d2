"""docs/security.md names only tests and files that exist, so that its claims point at real proof."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Set

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
TOP_LEVEL = {path.name for path in ROOT.iterdir()}


def defined_tests() -> Set[str]:
    """Names of the test functions under tests/."""
    names: Set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        names.update(re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.MULTILINE))
    return names


def test_every_test_the_page_names_exists() -> None:
    named = set(re.findall(r"\b(test_\w+)\b(?!\.py)", DOC.read_text(encoding="utf-8")))
    missing = sorted(named - defined_tests())
    assert not missing, missing


def test_every_file_the_page_names_exists() -> None:
    missing = []
    for quoted in re.findall(r"`([^`\s]+)`", DOC.read_text(encoding="utf-8")):
        path = quoted.split("::")[0]
        if "/" in path and path.split("/")[0] in TOP_LEVEL and not (ROOT / path).exists():
            missing.append(path)
    assert not missing, missing
