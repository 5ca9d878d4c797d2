"""The changes this assistant makes to Rasa 3.6, installed from one place (``runtime.patches``).

``runtime/README.md`` lists each change: what it replaces, why, what it gained
and how it is tested. ``runtime.server_start`` (named in credentials.yml)
installs them when ``rasa run`` starts; ``RASA_PATCHES=0`` leaves them out.
The action server (``runtime.action_server``) and its token
(``runtime.action_token``) live here too.
"""

from __future__ import annotations


def install(version: str | None = None) -> bool:
    """Installs every change to Rasa, or none (see ``runtime.patches.install``)."""
    from runtime import patches

    return patches.install(version)


def uninstall() -> None:
    """Puts every original member of Rasa back (see ``runtime.patches.uninstall``)."""
    from runtime import patches

    patches.uninstall()


def installed() -> bool:
    """Whether the changes are installed in this process."""
    from runtime import patches

    return patches.installed()


__all__ = ["install", "installed", "uninstall"]
