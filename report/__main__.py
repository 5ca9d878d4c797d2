"""Writes the operator report of a period: an HTML page with charts and CSV files.

Usage::

    python -m report [--db URL | --endpoints FILE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                     [--timezone ZONE] [--out FOLDER]

``--db`` is an SQLAlchemy URL (``sqlite:///conversations.db``,
``postgresql://user@host:5432/rasa``) or an SQLite file; it defaults to the
environment variable REPORT_DB, else ``sqlite:///conversations.db``. With
``--endpoints`` the SQL tracker store of an endpoints file is read instead.
The period defaults to the last 30 days. See docs/report.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

import sqlalchemy as sa

import settings
from report import charts, export, page
from report.conversations import conversations_of
from report.load import DB_ENV, display_url, senders_events, url_from_argument, url_from_endpoints
from report.metrics import Metrics, compute, load_topic_keys
from report.period import DEFAULT_TIMEZONE, Period, make_period

PAGE_NAME = "report.html"
DEFAULT_OUT = "reports/report"


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", default=None,
                        help=f"SQLAlchemy URL or SQLite file (default ${DB_ENV}, else "
                             f"{settings.setting(DB_ENV).default})")
    source.add_argument("--endpoints", default=None, help="endpoints file with an SQL tracker store")
    parser.add_argument("--from", dest="first", default="",
                        help="first day, YYYY-MM-DD (default: 29 days before --to)")
    parser.add_argument("--to", dest="last", default="", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE,
                        help=f"days start at midnight here (default {DEFAULT_TIMEZONE})")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    return parser.parse_args(argv)


def database_url(args: argparse.Namespace) -> str:
    """The database to read, from ``--endpoints``, ``--db``, $REPORT_DB or the default."""
    if args.endpoints:
        return url_from_endpoints(args.endpoints)
    return url_from_argument(args.db or settings.get(DB_ENV))


def build(url: str, period: Period) -> Metrics:
    """Reads the store and computes the numbers of the period.

    Args:
        url: SQLAlchemy URL of the tracker store's database.
        period: The period.

    Returns:
        The metrics.
    """
    senders = (conversations_of(events) for events in senders_events(url, period))
    return compute(period, senders, load_topic_keys())


def write(metrics: Metrics, out: Path, source: str) -> Path:
    """Writes the CSV files and the page into ``out``.

    Args:
        metrics: The report's numbers.
        out: The output folder.
        source: The database as shown on the page.

    Returns:
        The page's path.
    """
    export.write_all(metrics, out)
    html = page.render(metrics, charts.all_charts(metrics), source)
    path = out / PAGE_NAME
    path.write_text(html, encoding="utf-8")
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Writes the report; returns the exit code."""
    args = parse_args(argv)
    try:
        period = make_period(args.first, args.last, args.timezone)
        url = database_url(args)
    except ValueError as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        print(f"report: no SQLite database at {url[len('sqlite:///'):]}", file=sys.stderr)
        return 2
    try:
        metrics = build(url, period)
    except sa.exc.SQLAlchemyError as error:
        print(f"report: cannot read the events table of {display_url(url)}: {error.__class__.__name__}",
              file=sys.stderr)
        return 1
    path = write(metrics, Path(args.out), display_url(url))
    print(f"{metrics.total_conversations} conversations, {metrics.total_messages} user messages "
          f"from {period.first} to {period.last}: {path} (CSV files beside it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
