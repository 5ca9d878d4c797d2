"""Chatwoot's webhook (``/webhooks/chatwoot/webhook``): the agents' replies and the end of a handover.

Off (404) unless the handover's four settings are set (``handover.settings``);
then it also installs the gate that the other channels consult
(``channels.live_agent``). A request needs Chatwoot's signature
(``handover.webhook``): 401 without a valid one, and nothing is delivered.
A delivery that Chatwoot retries (same ``X-Chatwoot-Delivery``) is handled once.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import live_agent, transport
from channels.guard import OnNewMessage
from channels.kv import KeyValueStore, shared_store
from channels.limits import InputRejected, Limits, parse_json
from channels.startup import start as start_server
from handover.settings import HandoverSettings, load_settings
from handover.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, parse_event, valid

logger = logging.getLogger(__name__)
DELIVERY_TTL_S = 86_400


class ChatwootInput(InputChannel):
    """The webhook of the Chatwoot inbox; installs the handover gate when the handover is on.

    Args:
        config: The handover settings; None when the handover is off.
        store: Key-value store; chosen on first use when None (``kv.shared_store``).
    """

    def __init__(self, config: Optional[HandoverSettings], store: Optional[KeyValueStore] = None) -> None:
        self.config = config
        self._store = store
        self._app: Any = None

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/chatwoot``."""
        return "chatwoot"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> ChatwootInput:
        """Reads the settings from the environment (credentials.yml holds none).

        Raises:
            ValueError: Only some of the four settings are set.
        """
        return cls(load_settings())

    def store(self) -> KeyValueStore:
        """The key-value store shared with the other channels (chosen once the agent is loaded).

        Before that (no agent: its Redis lock or tracker store is not known yet) the
        choice is not kept, so that a cluster never settles on this instance's memory.
        """
        if self._store is not None:
            return self._store
        agent = self.agent()
        store = shared_store(agent)
        if agent is not None:
            self._store = store
        return store

    def agent(self) -> Any:
        """Rasa's agent, once the server runs."""
        return getattr(getattr(self._app, "ctx", None), "agent", None)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The webhook route; 404 while the handover is off."""
        start_server()
        blueprint = Blueprint("channel_chatwoot", __name__)
        transport.harden(blueprint)
        if self.config is None:
            live_agent.install(None)
            logger.info("handover off (set CHATWOOT_URL, CHATWOOT_API_TOKEN, CHATWOOT_INBOX_ID, "
                        "CHATWOOT_WEBHOOK_SECRET to turn it on)")

            @blueprint.route("/webhook", methods=["GET", "POST"])
            async def off(_: Request) -> HTTPResponse:
                return response.text("handover off", status=404)

            return blueprint
        gate = live_agent.LiveAgentGate(self.config, self.store, self.agent)
        live_agent.install(gate)
        secret = self.config.webhook_secret
        limits = Limits.from_settings()
        logger.info("handover on: Chatwoot inbox %s", self.config.inbox_id)

        @blueprint.listener("after_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            self._app = app

        @blueprint.listener("before_server_stop")
        async def close_client(*_: Any) -> None:
            await gate.client.close()

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            self._app = request.app
            body = request.body or b""
            if not valid(secret, request.headers.get(SIGNATURE_HEADER), request.headers.get(TIMESTAMP_HEADER),
                         body):
                logger.warning("handover: Chatwoot webhook without a valid signature refused")
                return response.text("unauthorized", status=401)
            try:
                event = parse_event(parse_json(body, limits))
            except InputRejected as rejected:
                return response.text(rejected.reason, status=rejected.status)
            delivery = request.headers.get(DELIVERY_HEADER)
            if delivery and not await self.store().add(f"handover:delivery:{delivery[:100]}", "1",
                                                       DELIVERY_TTL_S):
                return response.text("ok")
            if event is not None:
                await gate.on_agent_event(event)
            return response.text("ok")

        return blueprint
