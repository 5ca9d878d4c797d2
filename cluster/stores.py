"""The tracker store of the cluster: PostgreSQL, redacted, fenced, and loud when the database is down.

``ClusterSQLTrackerStore`` is ``RedactingSQLTrackerStore`` with:

* a connection pool that tests each connection before use (``pool_pre_ping``),
  so that service resumes by itself once the database is back;
* short connect and statement timeouts, so a save never outlives its turn's lock;
* ``check_turn()`` before every save: a turn that ran past its deadline saves nothing.

Rasa wraps every tracker store in ``FailSafeTrackerStore``, which on a
database error *returns no tracker* (the user silently gets a fresh
conversation) and saves into memory instead. ``install_fail_fast`` makes that
wrapper raise ``StoreUnavailable`` instead; the channels then answer
"probeer het later opnieuw" and nothing is forgotten or kept in one
instance's memory.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import orm

from cluster.locks import check_turn
from privacy.tracker_stores import RedactingSQLTrackerStore

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 5000


class StoreUnavailable(Exception):
    """The tracker store failed; the message is not handled (and nothing is forgotten)."""


def raise_unavailable(error: Exception) -> None:
    """Error callback for ``FailSafeTrackerStore``: raise instead of falling back.

    Args:
        error: The tracker store's error.

    Raises:
        StoreUnavailable: Always.
    """
    logger.error("tracker store unavailable: %s", type(error).__name__)
    raise StoreUnavailable(type(error).__name__) from error


def install_fail_fast(agent: Any) -> bool:
    """Makes the agent's fail-safe tracker store raise on errors instead of forgetting.

    Args:
        agent: Rasa's agent (may be None).

    Returns:
        True when the agent's store now fails fast.
    """
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = raise_unavailable
        return True
    return False


def engine_options(dialect: str) -> Dict[str, Any]:
    """Engine options for a dialect: pre-ping always, timeouts for PostgreSQL.

    Args:
        dialect: SQLAlchemy dialect name.

    Returns:
        Keyword arguments for ``sqlalchemy.create_engine``.
    """
    options: Dict[str, Any] = {"pool_pre_ping": True}
    if dialect.startswith("postgresql"):
        options["connect_args"] = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        }
        options["pool_size"] = 5
        options["max_overflow"] = 5
        options["pool_timeout"] = CONNECT_TIMEOUT_S
    return options


class ClusterSQLTrackerStore(RedactingSQLTrackerStore):
    """SQL tracker store for several instances (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Connects like Rasa's store, then swaps in an engine with pre-ping and timeouts."""
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, **engine_options(url.get_backend_name()))
        self.sessionmaker = orm.sessionmaker(bind=self.engine)

    def ping(self) -> None:
        """Runs ``SELECT 1``.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: The database cannot be reached.
        """
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        """Saves the tracker, unless its turn ran past its deadline.

        Args:
            tracker: The tracker to save.
            *args: Passed on.
            **kwargs: Passed on.

        Raises:
            TurnTimeout: The turn's deadline passed (nothing saved).
        """
        check_turn(tracker.sender_id)
        await super().save(tracker, *args, **kwargs)


def tracker_store_of(agent: Any) -> Optional[Any]:
    """The agent's tracker store without Rasa's fail-safe wrapper."""
    store = getattr(agent, "tracker_store", None)
    return getattr(store, "_tracker_store", store)
