"""Finding links and phone numbers in answers, code and the web page.

Shared by the content tests (links and numbers come from the brief) and the
guidance tests (links and numbers are in the registry).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, Iterator, Set, Tuple

from tests.conftest import ROOT

# Links as the answers write them: https only, ending before closing punctuation.
URL_RE = re.compile(r"https://[^\s)]+[^\s).,;]")
# Dutch phone numbers as the answers write them (groups separated by spaces), and 112.
PHONE_RE = re.compile(r"\b(?:0\d{2,3}(?: \d{2,4}){1,3}|112)\b")
# Wider nets for files: any scheme or a bare www. address, and numbers written with
# hyphens or without spaces, so a link or number in another spelling is caught too.
ANY_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s)\"'<>`]+[^\s).,;:\"'<>`]", re.IGNORECASE)
ANY_PHONE_RE = re.compile(r"(?<![\w-])(?<!\d[.,])(?:0\d{2,3}(?:[ -]?\d{2,4}){1,3}|112)(?![\w-])(?![.,]\d)")
# Addresses that are not guidance: the local services the project itself starts.
LOCAL_URL_RE = re.compile(r"^https?://(?:localhost|127\.0\.0\.1)(?:[:/]|$)")

# Where the assistant's user-facing links and numbers can come from.
# webchat/static/vendor/ is not scanned: third-party CSS and JS copied by the build.
SCANNED_GLOBS = ("domain/*.yml", "actions/**/*.py", "actions/data/*.yml", "webchat/static/*",
                 "webchat/static/js/*.js")
REGISTRY_FILE = ROOT / "actions" / "data" / "guidance.yml"


def all_texts(domain) -> Iterator[Tuple[str, str]]:
    """Yields (response name, text) for every text variation in the domain."""
    for name, variations in domain.responses.items():
        for variation in variations:
            if variation.get("text"):
                yield name, variation["text"]


def scanned_files(root: Path = ROOT) -> Iterable[Path]:
    """The files whose links and numbers must be in the registry (not the registry itself)."""
    for pattern in SCANNED_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and path.resolve() != REGISTRY_FILE.resolve():
                yield path


def references(text: str) -> Tuple[Set[str], Set[str]]:
    """Returns the links (without local addresses) and phone numbers in a text."""
    urls = {url for url in ANY_URL_RE.findall(text) if not LOCAL_URL_RE.match(url)}
    return urls, set(ANY_PHONE_RE.findall(text))


def references_in_files(paths: Iterable[Path]) -> Dict[str, Set[str]]:
    """Maps each link and number found in the files to the files that hold it."""
    found: Dict[str, Set[str]] = {}
    for path in paths:
        urls, phones = references(path.read_text(encoding="utf-8"))
        for item in urls | phones:
            found.setdefault(item, set()).add(str(path.relative_to(ROOT)))
    return found
