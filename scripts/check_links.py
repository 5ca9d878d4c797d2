"""Fetches every link in the guidance registry and reports status codes and redirects.

Usage: ``make check-links`` (or ``python -m scripts.check_links [--registry PATH]``).

Each link gets one of four outcomes:

* ``ok``: answered 2xx directly;
* ``redirect``: answered 2xx after one or more redirects (update the registry to
  the final address once you have checked the page);
* ``broken``: answered 4xx/5xx, a redirect without target, or too many redirects;
* ``no answer``: no network, DNS failure, refused, timeout. Such a link is never
  reported as ok.

The outcome and the day are written into the registry (``check`` and ``checked_on``
of each link), so every check date there comes from a real check; ``--no-record``
only prints. Phone numbers cannot be checked here and are left as they are.

Exit code: 0 when every link was reached and works, 1 when a link is broken,
2 when some links could not be checked (and none is broken).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import urljoin

import aiohttp

from actions.guidance import (
    CHECK_BROKEN,
    CHECK_NO_ANSWER,
    CHECK_OK,
    CHECK_REDIRECT,
    Registry,
    RegistryError,
    registry_path,
)

OK = CHECK_OK
REDIRECT = CHECK_REDIRECT
BROKEN = CHECK_BROKEN
NO_ANSWER = CHECK_NO_ANSWER
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 15.0
CONCURRENCY = 4
USER_AGENT = "bvo-datalek-assistent link check (aiohttp)"


@dataclass(frozen=True)
class LinkResult:
    """What fetching one link gave.

    Attributes:
        url: The registered address.
        outcome: ``ok``, ``redirect``, ``broken`` or ``no answer``.
        hops: (status, address) for every response received, in order.
        detail: Why a link is broken or was not checked.
    """

    url: str
    outcome: str
    hops: Tuple[Tuple[int, str], ...] = ()
    detail: str = ""

    def describe(self) -> str:
        """Returns one report line."""
        chain = " -> ".join(str(status) for status, _ in self.hops)
        text = f"{self.outcome.upper():<11} {self.url}"
        if chain:
            text += f"  [{chain}]"
        if self.outcome == REDIRECT:
            text += f"  now at {self.hops[-1][1]}"
        if self.detail:
            text += f"  ({self.detail})"
        return text


async def check_url(
    session: aiohttp.ClientSession, url: str, max_redirects: int = MAX_REDIRECTS
) -> LinkResult:
    """Fetches a link, following redirects one by one to record them.

    Args:
        session: The HTTP session (carries the timeout).
        url: The address to check.
        max_redirects: Redirects followed before the link counts as broken.

    Returns:
        The outcome with every hop.
    """
    hops: List[Tuple[int, str]] = []
    current = url
    try:
        for _ in range(max_redirects + 1):
            async with session.get(current, allow_redirects=False) as response:
                hops.append((response.status, current))
                location = response.headers.get("Location")
            if 300 <= response.status < 400:
                if not location:
                    return LinkResult(url, BROKEN, tuple(hops), "redirect without a Location header")
                current = urljoin(current, location)
                continue
            if 200 <= response.status < 300:
                return LinkResult(url, REDIRECT if len(hops) > 1 else OK, tuple(hops))
            return LinkResult(url, BROKEN, tuple(hops), f"HTTP {response.status}")
        return LinkResult(url, BROKEN, tuple(hops), f"more than {max_redirects} redirects")
    except asyncio.TimeoutError:
        return LinkResult(url, NO_ANSWER, tuple(hops), "timed out")
    except aiohttp.ClientError as error:
        return LinkResult(url, NO_ANSWER, tuple(hops), f"{type(error).__name__}: {error}")


async def check_urls(urls: Sequence[str], timeout: float = DEFAULT_TIMEOUT) -> List[LinkResult]:
    """Checks links concurrently (a few at a time), keeping their order.

    Args:
        urls: The addresses to check.
        timeout: Seconds allowed per request.

    Returns:
        One result per address.
    """
    limit = asyncio.Semaphore(CONCURRENCY)
    client_timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
    async with aiohttp.ClientSession(timeout=client_timeout, headers={"User-Agent": USER_AGENT}) as session:

        async def one(url: str) -> LinkResult:
            async with limit:
                return await check_url(session, url)

        return list(await asyncio.gather(*(one(url) for url in urls)))


def summarise(results: Sequence[LinkResult]) -> Tuple[List[str], int]:
    """Builds the report and the exit code.

    Args:
        results: One result per link.

    Returns:
        The report lines and the exit code (0 all reached and working, 1 a
        broken link, 2 some links not checked).
    """
    lines = [result.describe() for result in results]
    outcomes = (OK, REDIRECT, BROKEN, NO_ANSWER)
    counts = {outcome: sum(result.outcome == outcome for result in results) for outcome in outcomes}
    totals = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
    lines += ["", f"{totals} of {len(results)} links"]
    if results and counts[NO_ANSWER] == len(results):
        lines.append("Could not check any link: no network access? Nothing was verified.")
    elif counts[NO_ANSWER]:
        lines.append(f"Could not check {counts[NO_ANSWER]} link(s): their state is unknown.")
    if counts[BROKEN]:
        return lines, 1
    return lines, 2 if counts[NO_ANSWER] else 0


_ENTRY_START_RE = re.compile(r"^\s*- id:")
_URL_LINE_RE = re.compile(r"^\s+url:\s*(\S+)\s*$")
_RECORD_LINE_RE = re.compile(r"^(\s+)(checked_on|check):.*$")


def record_results(path: Path, results: Sequence[LinkResult], day: date) -> int:
    """Writes each link's outcome and the day into the registry file.

    Only the ``checked_on`` and ``check`` lines of the checked links change; the
    comments and the order of the file stay as they are.

    Args:
        path: The registry file.
        results: One result per link.
        day: The day of the check.

    Returns:
        The number of entries updated.
    """
    outcomes: Dict[str, str] = {result.url: result.outcome for result in results}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    blocks: List[List[str]] = [[]]
    for line in lines:
        if _ENTRY_START_RE.match(line):
            blocks.append([])
        blocks[-1].append(line)
    updated = 0
    for block in blocks:
        urls = [match.group(1) for match in map(_URL_LINE_RE.match, block) if match]
        if not urls or urls[0] not in outcomes:
            continue
        values = {"checked_on": day.isoformat(), "check": outcomes[urls[0]]}
        for index, line in enumerate(block):
            match = _RECORD_LINE_RE.match(line)
            if match:
                block[index] = f"{match.group(1)}{match.group(2)}: {values[match.group(2)]}\n"
        updated += 1
    path.write_text("".join(line for block in blocks for line in block), encoding="utf-8")
    return updated


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Checks every link of the registry and prints the report.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code (see ``summarise``; 3 when the registry is invalid).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, default=None,
                        help="registry file (default: $GUIDANCE_REGISTRY or actions/data/guidance.yml)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per request")
    parser.add_argument("--no-record", action="store_true",
                        help="only print; do not write the outcomes and the date into the registry")
    args = parser.parse_args(argv)
    path = Path(args.registry or registry_path())
    try:
        registry = Registry.load(path)
    except RegistryError as error:
        print(error, file=sys.stderr)
        return 3
    urls = [entry.url for entry in registry.entries if entry.is_link]
    print(f"Checking {len(urls)} links from {registry.source} (phone numbers cannot be checked here)")
    results = asyncio.run(check_urls(urls, args.timeout))
    lines, code = summarise(results)
    print("\n".join(lines))
    if not args.no_record:
        updated = record_results(path, results, date.today())
        print(f"Recorded the outcome and today's date for {updated} links in {path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
