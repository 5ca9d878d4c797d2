"""Socket.io channel with the privacy and input checks (events and options as Rasa's)."""

from __future__ import annotations

import inspect
import uuid
from typing import Any, Dict, FrozenSet, Optional

from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.domain import Domain
from sanic import Blueprint

from channels.guard import MessageGuard, OnNewMessage
from privacy.logs import install_log_redaction
from runtime import install as install_runtime_patches

LANGUAGE_CODES = ("nl", "en")
# What the chat page's language switch sends (webchat/static/js/i18n/*.js,
# ``switchCommand``): passed to Rasa as the command it is, not as plain text.
LANGUAGE_COMMANDS: FrozenSet[str] = frozenset(
    f'/change_language{{"language":"{code}"}}' for code in LANGUAGE_CODES)


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, with every message checked and redacted first.

    The web page's language switch (``LANGUAGE_COMMANDS``) passes as a command.

    Also repairs ``session_request`` with ``session_persistence: true``: Rasa
    3.6 calls python-socketio 5's ``enter_room`` without awaiting it, so the
    client never joined its session room and received no answers.
    """

    @classmethod
    def name(cls) -> str:
        """Keeps Rasa's channel name, stored with each message."""
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Builds Rasa's socket.io blueprint around a guarded message handler.

        Also adds the log redaction filter (``privacy.logs``) and the runtime patches (``runtime``).

        Args:
            on_new_message: Rasa's handler for a user message.

        Returns:
            The Sanic blueprint.
        """
        install_log_redaction()
        install_runtime_patches()
        self._app: Optional[Any] = None
        guard = MessageGuard(self._agent_domain, self._agent_ready)
        blueprint = super().blueprint(guard.wrap(on_new_message, LANGUAGE_COMMANDS))
        sio = self.sio

        @blueprint.listener("after_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            self._app = app

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id:
                data["session_id"] = session_id = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return blueprint

    def _agent_ready(self) -> bool:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        return agent is not None and bool(agent.is_ready())

    def _agent_domain(self) -> Optional[Domain]:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        return getattr(agent, "domain", None)
