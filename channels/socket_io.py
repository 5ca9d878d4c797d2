"""Socket.io channel with the privacy and input checks (events and options as Rasa's)."""

from __future__ import annotations

from typing import Any, Optional

from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.domain import Domain
from sanic import Blueprint

from channels.guard import MessageGuard, OnNewMessage


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, with every message checked and redacted first."""

    @classmethod
    def name(cls) -> str:
        """Keeps Rasa's channel name, stored with each message."""
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Builds Rasa's socket.io blueprint around a guarded message handler.

        Args:
            on_new_message: Rasa's handler for a user message.

        Returns:
            The Sanic blueprint.
        """
        self._app: Optional[Any] = None
        guard = MessageGuard(self._agent_domain)
        blueprint = super().blueprint(guard.wrap(on_new_message))

        @blueprint.listener("after_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            self._app = app

        return blueprint

    def _agent_domain(self) -> Optional[Domain]:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        return getattr(agent, "domain", None)
