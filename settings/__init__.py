"""Every environment variable of the assistant, read in one place (name, type, default, limits, meaning).

``settings.get(name)`` reads one variable, checked against its entry in
``settings.catalogue``; the other packages never read ``os.environ`` for a
setting themselves. The table in docs/settings.md is made from the same entries
(``python -m scripts.settings_table``). This package imports nothing of the project.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from settings.catalogue import SETTINGS
from settings.schema import FALSE, TRUE, Setting

BY_NAME: Dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
if len(BY_NAME) != len(SETTINGS):
    raise ValueError("a setting is listed twice in settings/catalogue.py")

__all__ = ["BY_NAME", "FALSE", "SETTINGS", "TRUE", "Setting", "get", "is_set", "setting"]


def setting(name: str) -> Setting:
    """The entry of ``name``.

    Raises:
        KeyError: ``name`` is not in ``settings/catalogue.py`` (add it there).
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name} is not a setting of settings/catalogue.py") from None


def get(name: str, environ: Optional[Mapping[str, str]] = None) -> Any:
    """The checked value of the variable ``name``.

    Args:
        name: A variable listed in ``settings/catalogue.py``.
        environ: The environment; ``os.environ`` when None (tests pass a dictionary).

    Returns:
        The typed value, or the default when unset or empty.

    Raises:
        KeyError: ``name`` is not listed.
        ValueError: The value is not valid and the entry says so (``invalid="error"``).
    """
    return setting(name).read(environ)


def is_set(name: str, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether the variable ``name`` has a value (not unset, not only white space).

    For settings that another program reads itself (``python=False``, e.g. the
    TensorFlow thread pools), where this project only needs to know whether an
    operator chose a value.

    Args:
        name: A variable listed in ``settings/catalogue.py``.
        environ: The environment; ``os.environ`` when None.

    Raises:
        KeyError: ``name`` is not listed.
    """
    import os

    setting(name)
    return bool((os.environ if environ is None else environ).get(name, "").strip())
