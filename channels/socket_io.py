"""Socket.io channel with the privacy and input checks (events and options as Rasa's)."""

from __future__ import annotations

import inspect
import logging
import uuid
from typing import Any, Dict, FrozenSet, Optional

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.domain import Domain
from sanic import Blueprint

from channels import config, transport
from channels.guard import MessageGuard, OnNewMessage
from channels.limits import InputRejected, Limits, checked_metadata
from channels.responses import response_message
from channels.rest import valid_sender
from channels.startup import start as start_server
from channels.web_security import origin_allowed
from privacy.inbound import RESPONSE_UNREADABLE

logger = logging.getLogger(__name__)

LANGUAGE_CODES = ("nl", "en")
# What the chat page's language switch sends (webchat/static/js/i18n/*.js,
# ``switchCommand``): passed to Rasa as the command it is, not as plain text.
LANGUAGE_COMMANDS: FrozenSet[str] = frozenset(
    f'/change_language{{"language":"{code}"}}' for code in LANGUAGE_CODES)


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, with every message checked and redacted first.

    The web page's language switch (``LANGUAGE_COMMANDS``) passes as a command.

    Differences from Rasa's channel:

    - Browsers from other origins cannot connect (``ALLOWED_ORIGINS``; a client
      without an Origin header, such as the page's relay, can).
    - A packet is at most ``MAX_BODY_BYTES``; a message that is not an object,
      has a bad session id or metadata that is not an object within
      ``MAX_METADATA_BYTES`` and ``MAX_JSON_DEPTH`` is answered with
      "Ik kan uw bericht niet lezen" instead of failing in the server.
    - ``session_request`` with ``session_persistence: true`` is repaired: Rasa
      3.6 calls python-socketio 5's ``enter_room`` without awaiting it, so the
      client never joined its session room and received no answers. A session
      id that is not a valid sender id (too long, control characters) is
      replaced by a fresh one.
    """

    @classmethod
    def name(cls) -> str:
        """Keeps Rasa's channel name, stored with each message."""
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Builds Rasa's socket.io blueprint around a guarded message handler.

        Also runs the server's start-up steps (``channels.startup``) and adds the
        transport hardening (``channels.transport``).

        Args:
            on_new_message: Rasa's handler for a user message.

        Returns:
            The Sanic blueprint.
        """
        start_server()
        self._app: Optional[Any] = None
        limits = Limits.from_settings()
        origins = config.allowed_origins()
        guard = MessageGuard(self._agent_domain, self._agent_ready)
        # Rasa's own user_uttered handler is replaced below; it gets the guarded one all the same.
        blueprint = super().blueprint(guard.wrap(on_new_message, LANGUAGE_COMMANDS))
        transport.harden(blueprint)
        sio = self.sio
        sio.eio.cors_allowed_origins = lambda origin, _environ=None: origin_allowed(origin, origins)
        sio.eio.max_http_buffer_size = limits.body_bytes

        @blueprint.listener("after_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            self._app = app

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or valid_sender(session_id) is None:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            output = SocketIOOutput(sio, self.bot_message_evt)
            data = data if isinstance(data, dict) else {}
            sender_id = self._sender_id(sid, data)
            if sender_id is None:
                logger.warning("socket.io: message without a valid session id ignored")
                return
            try:
                metadata = checked_metadata(data.get(self.metadata_key), limits)
            except InputRejected as rejected:
                logger.info("socket.io: message refused: %s", rejected.reason)
                await self._send_unreadable(output, sender_id)
                return
            await guard.handle(data.get("message"), output, sender_id, on_new_message,
                               input_channel=self.name(), metadata=metadata,
                               trusted_commands=LANGUAGE_COMMANDS)

        return blueprint

    def _sender_id(self, sid: str, data: Dict[str, Any]) -> Optional[str]:
        """The conversation id: the checked session id with session persistence, else the sid."""
        if not self.session_persistence:
            return sid
        session_id = data.get("session_id")
        return valid_sender(session_id) if isinstance(session_id, str) else None

    async def _send_unreadable(self, output: SocketIOOutput, sender_id: str) -> None:
        """Answers "Ik kan uw bericht niet lezen" (Dutch: the page's language is not known here)."""
        message = response_message(RESPONSE_UNREADABLE, self._agent_domain(), None)
        await output.send_response(sender_id, message)

    def _agent_ready(self) -> bool:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        return agent is not None and bool(agent.is_ready())

    def _agent_domain(self) -> Optional[Domain]:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        return getattr(agent, "domain", None)
