"""Deletes conversations whose last event is older than the retention period.

Usage::

    python -m scripts.purge_conversations [--days N] [--endpoints FILE]

``--days`` defaults to ``RETENTION_DAYS`` (30). Works on the SQL tracker
store (SQLite, PostgreSQL, ...) configured in the endpoints file. Redis
conversations expire by themselves (``record_exp``, see
privacy/tracker_stores.py); the in-memory store keeps nothing after a restart.
Run it daily, e.g. from cron.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Iterator, List, Optional, Sequence

from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from privacy.settings import retention_days

SECONDS_PER_DAY = 24 * 60 * 60
DELETE_BATCH = 500


def _batches(items: List[str], size: int) -> Iterator[List[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def purge_sql(store: SQLTrackerStore, days: int, now: Optional[float] = None) -> int:
    """Deletes every conversation whose newest event is older than ``days``.

    Args:
        store: An SQL tracker store.
        days: Retention period in days.
        now: Current time (seconds since the epoch); the real time when None.

    Returns:
        The number of conversations deleted.
    """
    import sqlalchemy as sa

    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    event = store.SQLEvent
    with store.session_scope() as session:
        stale = (session.query(event.sender_id).group_by(event.sender_id)
                 .having(sa.func.max(event.timestamp) < cutoff))
        senders = [row[0] for row in stale]
        for batch in _batches(senders, DELETE_BATCH):
            session.query(event).filter(event.sender_id.in_(batch)).delete(synchronize_session=False)
        session.commit()
    return len(senders)


def store_kind(config: Optional[EndpointConfig]) -> str:
    """Returns "sql", "redis" or "memory" for a tracker store configuration."""
    if config is None or not config.type:
        return "memory"
    name = config.type.lower()
    if name == "sql":
        return "sql"
    if name == "redis":
        return "redis"
    try:
        cls = class_from_module_path(config.type)
    except (ImportError, AttributeError):
        return "memory"
    if issubclass(cls, SQLTrackerStore):
        return "sql"
    if issubclass(cls, RedisTrackerStore):
        return "redis"
    return "memory"


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=None,
                        help="days to keep a conversation after its last event (default RETENTION_DAYS, 30)")
    parser.add_argument("--endpoints", default="endpoints.yml", help="endpoints file with the tracker store")
    args = parser.parse_args(argv)
    if args.days is not None and args.days < 1:
        parser.error("--days must be 1 or more")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Purges old conversations from the configured tracker store."""
    args = parse_args(argv)
    days = args.days or retention_days()
    os.environ.setdefault("ACTION_PORT", "5055")  # the endpoints files refer to it
    config = read_endpoint_config(args.endpoints, "tracker_store")
    kind = store_kind(config)
    if kind == "sql":
        store = SQLTrackerStore(domain=None, host=config.url, **config.kwargs)
        deleted = purge_sql(store, days)
        print(f"deleted {deleted} conversation(s) older than {days} day(s)")
    elif kind == "redis":
        print("Redis tracker store: conversations expire by themselves (record_exp); nothing to do")
    else:
        print("in-memory tracker store: nothing is kept on disk; nothing to do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
