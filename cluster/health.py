"""Health and readiness of one Rasa server instance, as a channel (``/webhooks/health/``).

* ``GET /webhooks/health/ready``: 200 once a model is loaded, else 503. For
  load balancers and Kubernetes' readiness probe: an instance without a model
  gets no traffic, instead of dropping messages.
* ``GET /webhooks/health/``: 200 when the model is loaded *and* the tracker
  store and lock store answer (``SELECT 1``, Redis ``PING``, each within
  ``CHECK_TIMEOUT_S``), else 503; the JSON body says which part failed. Stores
  that live in memory count as up.

Listing the channel in credentials.yml (``cluster.health.HealthInput:``) also
makes the tracker store fail fast (``cluster.stores.install_fail_fast``) once
the model is loaded.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from cluster.stores import install_fail_fast, tracker_store_of

CHECK_TIMEOUT_S = 4.0


def agent_ready(agent: Any) -> bool:
    """Whether a model is loaded and the agent can answer."""
    return agent is not None and bool(agent.is_ready())


def store_probe(store: Any) -> Optional[Callable[[], Any]]:
    """A blocking check of a tracker or lock store, or None for a store in memory.

    Args:
        store: A Rasa tracker store or lock store.

    Returns:
        A function that raises when the store cannot be reached.
    """
    if store is None:
        return None
    if hasattr(store, "ping") and callable(store.ping):
        return store.ping
    engine = getattr(store, "engine", None)
    if engine is not None:
        def select_one() -> None:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        return select_one
    client = getattr(store, "red", None)
    if client is not None:
        return client.ping
    return None


async def probe(check: Optional[Callable[[], Any]], timeout_s: float = CHECK_TIMEOUT_S) -> str:
    """Runs a blocking check in a worker thread.

    Args:
        check: The check; None for a store in memory.
        timeout_s: Time limit.

    Returns:
        "ok", "down", or "memory" when there is nothing to check.
    """
    if check is None:
        return "memory"
    try:
        await asyncio.wait_for(asyncio.to_thread(check), timeout_s)
    except Exception:  # noqa: BLE001 - any failure means the store is down
        return "down"
    return "ok"


async def health_report(agent: Any) -> Dict[str, Any]:
    """Checks the model and both stores.

    Args:
        agent: Rasa's agent (None while it is created).

    Returns:
        ``{"status": "ok"|"unavailable", "model": bool, "tracker_store": ..., "lock_store": ...}``.
    """
    tracker, lock = await asyncio.gather(
        probe(store_probe(tracker_store_of(agent))),
        probe(store_probe(getattr(agent, "lock_store", None))),
    )
    model = agent_ready(agent)
    healthy = model and "down" not in (tracker, lock)
    return {"status": "ok" if healthy else "unavailable", "model": model,
            "tracker_store": tracker, "lock_store": lock}


class HealthInput(InputChannel):
    """Adds the health and readiness routes; handles no messages."""

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/health``."""
        return "health"

    def blueprint(self, on_new_message: Callable) -> Blueprint:
        """Defines ``/`` (health) and ``/ready`` (readiness).

        Args:
            on_new_message: Unused: this channel receives no messages.

        Returns:
            The Sanic blueprint.
        """
        health = Blueprint("bvo_health", __name__)

        @health.listener("after_server_start")
        async def fail_fast(app: Any, _: Any) -> None:
            install_fail_fast(getattr(app.ctx, "agent", None))

        @health.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            is_ready = agent_ready(agent)
            if is_ready:
                install_fail_fast(agent)
            return response.json({"ready": is_ready}, status=200 if is_ready else 503)

        @health.route("/", methods=["GET"])
        async def status(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            install_fail_fast(agent)
            report = await health_report(agent)
            return response.json(report, status=200 if report["status"] == "ok" else 503)

        return health
