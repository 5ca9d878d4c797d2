"""Finding links and phone numbers in answers, code and the web page.

Shared by the content tests (links and numbers come from the brief) and the
guidance tests (links and numbers are in the registry).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Iterator, Set, Tuple

from scripts.content_check import variation_language  # noqa: F401  (re-exported)

# The patterns and references() live in scripts/content_rules.py (also used by make content-check).
from scripts.content_rules import PHONE_RE, URL_RE, references  # noqa: F401  (re-exported)
from tests.conftest import ROOT

# Where the assistant's user-facing links and numbers can come from.
# webchat/static/vendor/ is not scanned: third-party CSS and JS copied by the build.
SCANNED_GLOBS = ("domain.yml", "data/responses/*.yml", "actions/**/*.py", "actions/data/*.yml",
                 "webchat/static/*", "webchat/static/js/**/*.js", "webchat/templates/*.html")
REGISTRY_FILE = ROOT / "actions" / "data" / "guidance.yml"


def all_texts(domain) -> Iterator[Tuple[str, str]]:
    """Yields (response name, text) for every text variation in the domain."""
    for name, variations in domain.responses.items():
        for variation in variations:
            if variation.get("text"):
                yield name, variation["text"]


def texts_in(domain, language: str) -> Iterator[Tuple[str, str]]:
    """Yields (response name, text) for every text variation in one language ("nl" or "en")."""
    for name, variations in domain.responses.items():
        for variation in variations:
            if variation.get("text") and variation_language(variation) == language:
                yield name, variation["text"]


def scanned_files(root: Path = ROOT) -> Iterable[Path]:
    """The files whose links and numbers must be in the registry (not the registry itself)."""
    for pattern in SCANNED_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and path.resolve() != REGISTRY_FILE.resolve():
                yield path


def references_in_files(paths: Iterable[Path]) -> Dict[str, Set[str]]:
    """Maps each link and number found in the files to the files that hold it."""
    found: Dict[str, Set[str]] = {}
    for path in paths:
        urls, phones = references(path.read_text(encoding="utf-8"))
        for item in urls | phones:
            found.setdefault(item, set()).add(str(path.relative_to(ROOT)))
    return found
