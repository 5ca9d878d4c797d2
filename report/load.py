"""Where the tracker store is, and the events of the conversations of a period.

The report reads the ``events`` table of Rasa's SQL tracker store with plain
SQLAlchemy Core, so any database SQLAlchemy can reach works (SQLite,
PostgreSQL). It does not import Rasa unless an endpoints file names the store.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

import sqlalchemy as sa

from report.period import Period

DB_ENV = "REPORT_DB"

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)


@dataclass(frozen=True)
class StoredEvent:
    """One row of the ``events`` table, without the sender id.

    Attributes:
        type_name: Rasa's event type (``user``, ``bot``, ``action``, ``slot``,
            ``active_loop``, ``session_started`` ...).
        timestamp: Seconds since the epoch.
        data: The event as Rasa stored it (``Event.as_dict()``).
    """

    type_name: str
    timestamp: float
    data: Dict[str, Any]


def url_from_argument(value: str) -> str:
    """Turns a ``--db`` value into an SQLAlchemy URL; a bare file name means SQLite.

    Args:
        value: An SQLAlchemy URL (``sqlite:///file.db``, ``postgresql://user@host/db``)
            or the path of an SQLite file.

    Returns:
        An SQLAlchemy URL.
    """
    return value if "://" in value else f"sqlite:///{value}"


def url_from_endpoints(path: str) -> str:
    """Reads the SQL tracker store of an endpoints file and returns its URL.

    Environment variables in the file (``password: ${DB_PASSWORD}``) are
    filled in by Rasa's reader.

    Args:
        path: An endpoints file, e.g. ``deploy/endpoints.sqlite.yml``.

    Returns:
        An SQLAlchemy URL.

    Raises:
        ValueError: When the file has no SQL tracker store.
    """
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    from scripts.purge_conversations import store_kind

    os.environ.setdefault("ACTION_PORT", "5055")  # the endpoints files refer to it
    config = read_endpoint_config(path, "tracker_store")
    if store_kind(config) != "sql":
        raise ValueError(f"{path} has no SQL tracker store; the report reads SQL stores only")
    kwargs = {key: config.kwargs[key] for key in
              ("dialect", "port", "db", "username", "password", "query") if key in config.kwargs}
    url = SQLTrackerStore.get_db_url(host=config.url, **kwargs)
    if isinstance(url, str):
        return url
    return url.render_as_string(hide_password=False)


def display_url(url: str) -> str:
    """The URL with its password hidden, for the page and the console."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _decode(row: Any) -> StoredEvent:
    try:
        data = json.loads(row.data) if row.data else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    timestamp = row.timestamp if row.timestamp is not None else data.get("timestamp") or 0.0
    return StoredEvent(type_name=row.type_name or data.get("event", ""), timestamp=float(timestamp),
                       data=data)


def events_query(period: Period) -> Any:
    """The query for every event of each sender with a user message in the period.

    Args:
        period: The period of the report.

    Returns:
        An SQLAlchemy select, ordered by sender and then by storage order.
    """
    writers = (sa.select(EVENTS.c.sender_id)
               .where(EVENTS.c.type_name == "user",
                      EVENTS.c.timestamp >= period.start,
                      EVENTS.c.timestamp < period.end)
               .distinct())
    return (sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
            .where(EVENTS.c.sender_id.in_(writers))
            .order_by(EVENTS.c.sender_id, EVENTS.c.id))


def senders_events(url: str, period: Period) -> Iterator[List[StoredEvent]]:
    """Yields, sender by sender, every stored event of each sender who wrote in the period.

    A sender counts when at least one user message falls within the period.
    All of that sender's events are read (also before and after the period),
    so that the language, the session and a form's outcome are known at the
    edges; the metrics keep only what happened within the period. The sender
    id itself is not passed on. Rows are streamed, one sender at a time.

    Args:
        url: SQLAlchemy URL of the tracker store's database.
        period: The period of the report.

    Yields:
        The events of one sender, in the order they were stored.
    """
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(events_query(period))
            current: Optional[Tuple[str, List[StoredEvent]]] = None
            for row in result:
                if current is None or current[0] != row.sender_id:
                    if current is not None:
                        yield current[1]
                    current = (row.sender_id, [])
                current[1].append(_decode(row))
            if current is not None:
                yield current[1]
    finally:
        engine.dispose()
