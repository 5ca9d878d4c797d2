"""Where ``rasa run`` installs the changes to Rasa: the first entry of credentials.yml.

Rasa 3.6 has no start-up hook of its own. Of the things ``rasa run`` loads
before it registers ``load_agent_on_start`` (the listener that loads the
model), only the input channels of credentials.yml are code of this project:
``serve_application`` reads credentials.yml, calls ``from_credentials`` of every
class named there, and only then registers the listener and starts Sanic. So
``RuntimeChanges``, named first in credentials.yml, is the one explicit call of
``runtime.patches.install``: it works for ``make run``, a plain
``rasa run --credentials credentials.yml``, the local cluster and the Helm
chart (its values list the same entry). It is a channel with no routes.

``rasa shell`` and ``rasa run --connector X`` read no credentials.yml entries
(only the one connector): there the tracker store of ``endpoints.yml``
(``channels.startup.StartupTrackerStore``, created at every server start)
installs the same changes through ``channels.startup.start``. With an endpoints
file of ``deploy/`` (another tracker store) such a start runs stock Rasa.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint

from runtime import patches


class RuntimeChanges(InputChannel):
    """Installs the changes to Rasa when ``rasa run`` reads credentials.yml; serves nothing."""

    @classmethod
    def name(cls) -> str:
        """The entry's name (also the blueprint's)."""
        return "runtime_changes"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Installs the changes (all or nothing, ``RASA_PATCHES``), then returns the empty channel.

        Args:
            credentials: Unused (the entry has none).
        """
        patches.install()
        return cls()

    def blueprint(self, on_new_message: Callable[..., Any]) -> Blueprint:
        """An empty blueprint: Rasa registers one per channel."""
        return Blueprint(self.name())
