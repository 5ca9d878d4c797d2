"""Socket.io channel with the privacy and input checks (events and options as Rasa's)."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Dict, FrozenSet, List, Optional

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.domain import Domain
from sanic import Blueprint

from channels import config, live_agent, transport
from channels.guard import MessageGuard, OnNewMessage
from channels.limits import InputRejected, Limits, checked_metadata
from channels.responses import response_message
from channels.sessions import ConversationTokens
from channels.startup import start as start_server
from channels.web_security import origin_allowed
from channels.workers import Worker
from privacy.inbound import RESPONSE_UNREADABLE

logger = logging.getLogger(__name__)

LANGUAGE_CODES = ("nl", "en")
# What the chat page's language switch sends (webchat/static/js/i18n/*.js,
# ``switchCommand``): passed to Rasa as the command it is, not as plain text.
LANGUAGE_COMMANDS: FrozenSet[str] = frozenset(
    f'/change_language{{"language":"{code}"}}' for code in LANGUAGE_CODES)

# Where a connection's confirmed session id is kept (python-socketio's per-connection session).
SESSION_KEY = "conversation_id"


async def _maybe_await(result: Any) -> None:
    """Awaits ``result`` when python-socketio returned a coroutine (version 5 does for rooms)."""
    if inspect.isawaitable(result):
        await result


def route_sessions_here(eio: Any, worker: Worker) -> None:
    """Makes the engine.io server issue only session ids that route to this process (``RASA_WORKERS``).

    The page's relay sends every request of an engine.io session (its ``sid``) to
    ``channels.workers.worker_of(sid)``; so the session must start on that process.
    With one process nothing changes.

    Args:
        eio: python-engineio's server (``sio.eio``).
        worker: This process among the workers.
    """
    if worker.count > 1:
        make_id = eio.generate_id
        eio.generate_id = lambda: worker.draw(make_id)


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
      client never joined its session room and received no answers.
    - The server issues the session id (``channels.sessions``):
      ``session_request`` continues a session only with ``{"session_id": ...,
      "session_token": ...}`` as ``session_confirm`` last gave them; any other
      id, or a missing, forged or expired token, gets a new session.
      ``session_confirm`` sends ``{"session_id": ..., "session_token": ...}``
      (what Rasa's web widget reads too). A message belongs to the session its
      connection was confirmed for, whatever ``session_id`` it names; before a
      confirmed ``session_request`` it is ignored.
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
        tokens = ConversationTokens.from_settings()
        origins = config.allowed_origins()
        guard = MessageGuard(self._agent_domain, self._agent_ready)
        # Rasa's own user_uttered handler is replaced below; it gets the guarded one all the same.
        blueprint = super().blueprint(guard.wrap(on_new_message, LANGUAGE_COMMANDS))
        transport.harden(blueprint)
        sio = self.sio
        sio.eio.cors_allowed_origins = lambda origin, _environ=None: origin_allowed(origin, origins)
        sio.eio.max_http_buffer_size = limits.body_bytes
        route_sessions_here(sio.eio, Worker.from_settings())

        @blueprint.listener("after_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            self._app = app

        async def deliver(handover: Any, messages: List[Dict[str, Any]]) -> None:
            """The agent's messages to the page of this conversation (its session room)."""
            for message in messages:
                await sio.emit(self.bot_message_evt, message, room=handover.sender, namespace=self.namespace)

        live_agent.register_delivery(self.name(), deliver)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict] = None, *_: Any) -> None:
            data = data if isinstance(data, dict) else {}
            conversation = tokens.resume(data.get("session_id"), data.get("session_token"))
            if not conversation.resumed and data.get("session_id") is not None:
                logger.info("socket.io: session id without a valid token: new session")
            previous = await self._confirmed_session(sid)
            if self.session_persistence:
                if previous is not None and previous != conversation.id:
                    await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
                await _maybe_await(sio.enter_room(sid, conversation.id, namespace=self.namespace))
            await sio.save_session(sid, {SESSION_KEY: conversation.id}, namespace=self.namespace)
            confirm = {"session_id": conversation.id, "session_token": conversation.token}
            await sio.emit("session_confirm", confirm, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None, *_: Any) -> None:
            output = SocketIOOutput(sio, self.bot_message_evt)
            data = data if isinstance(data, dict) else {}
            sender_id = await self._confirmed_session(sid) if self.session_persistence else sid
            if sender_id is None:
                logger.warning("socket.io: message before a confirmed session ignored")
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

    async def _confirmed_session(self, sid: str) -> Optional[str]:
        """The session id last confirmed to this connection, or None."""
        try:
            saved = await self.sio.get_session(sid, namespace=self.namespace)
        except KeyError:  # the connection is gone
            return None
        return saved.get(SESSION_KEY) if isinstance(saved, dict) else None

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
