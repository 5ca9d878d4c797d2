"""What every start of the Rasa server applies, however it is started.

``rasa run`` (plain or through ``make run``) builds the channels of
``credentials.yml``, which call ``start`` when Rasa builds their routes.
``rasa shell`` builds only Rasa's own command-line channel, so the tracker store
of ``endpoints.yml`` (``StartupTrackerStore``, which Rasa creates at every server
start) calls it as well. ``start``, once per process:

* adds the redacting filter to the log handlers (``privacy.logs``);
* installs the changes to Rasa in ``runtime/`` (switch ``RASA_PATCHES``) when the tracker store
  calls it (``rasa shell``); under ``rasa run`` the first entry of credentials.yml does;
* turns Sanic's access log off: it would write client IP addresses
  (``SANIC_ACCESS_LOG`` is no longer needed);
* gives TensorFlow one thread per pool unless the environment sets the pools
  (``runtime/server_env.py``), before the model is loaded;
* sends every message that reaches Rasa's agent without passing a
  ``MessageGuard`` (Rasa's command-line channel of ``rasa shell``, or any stock
  channel) through one first: the same privacy and input checks as the
  channels of ``credentials.yml``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, List, Optional

from rasa.core.channels.channel import UserMessage

import settings
from channels.guard import MessageGuard, passed_guard
from privacy.logs import install_log_redaction
from runtime import install as install_runtime_patches
from runtime.memory_store import TrackerKeepingStore
from runtime.server_env import SERVER_ENV_DEFAULTS

logger = logging.getLogger(__name__)

ACCESS_LOGGER = "sanic.access"
MARKER = "_bvo_guarded"
_started = False


def start(install_runtime: bool = False) -> None:
    """Applies the start-up steps above; safe to call more than once.

    Args:
        install_runtime: Also install the changes to Rasa (``runtime.patches.install``,
            all or nothing, ``RASA_PATCHES``). The tracker store below asks for it,
            since ``rasa shell`` reads no credentials.yml entry; under ``rasa run`` the
            first entry of credentials.yml (``runtime.server_start``) installs them, and
            building a channel never does.
    """
    global _started
    install_log_redaction()
    no_access_log()
    if install_runtime:
        install_runtime_patches()
    if _started:
        return
    _started = True
    one_thread_per_pool()
    guard_every_channel()


def no_access_log() -> None:
    """Turns Sanic's access log off: for every app in this process, and its logger."""
    logging.getLogger(ACCESS_LOGGER).disabled = True
    try:
        from sanic import Sanic

        for app in list(getattr(Sanic, "_app_registry", {}).values()):
            app.config.ACCESS_LOG = False
    except Exception as error:  # noqa: BLE001 - the logger above is off in any case
        logger.debug("could not reach the Sanic apps: %s", type(error).__name__)


def one_thread_per_pool(environ: Optional[dict] = None) -> List[str]:
    """Sets TensorFlow's thread pools to ``SERVER_ENV_DEFAULTS`` where the environment sets nothing.

    Rasa reads ``TF_INTER_OP_PARALLELISM_THREADS`` and ``TF_INTRA_OP_PARALLELISM_THREADS``
    itself when they are set; without them (plain ``rasa run``) this sets the same values
    in code. It works only before TensorFlow runs its first operation (before the model
    is loaded); later it logs and changes nothing.

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        The variables applied.
    """
    missing = [name for name in SERVER_ENV_DEFAULTS if not settings.is_set(name, environ)]
    if not missing:
        return []
    try:
        import tensorflow as tf

        setters = {"TF_INTER_OP_PARALLELISM_THREADS": tf.config.threading.set_inter_op_parallelism_threads,
                   "TF_INTRA_OP_PARALLELISM_THREADS": tf.config.threading.set_intra_op_parallelism_threads}
        for name in missing:
            setters[name](int(SERVER_ENV_DEFAULTS[name]))
    except (ImportError, RuntimeError, ValueError) as error:
        logger.info("TensorFlow thread pools left as they are: %s", error)
        return []
    return missing


def guard_every_channel() -> bool:
    """Makes Rasa's agent check a message that did not pass a ``MessageGuard`` (``rasa shell``).

    Returns:
        True when the agent was changed now, False when it already was.
    """
    from rasa.core.agent import Agent

    if getattr(Agent.handle_message, MARKER, False):
        return False
    Agent.handle_message = _guarded(Agent.handle_message)
    logger.info("messages of Rasa's own channels (rasa shell) pass the privacy and input checks")
    return True


def _guarded(original: Callable) -> Callable:
    async def handle_message(self: Any, message: UserMessage) -> Any:
        if passed_guard():
            return await original(self, message)
        result: List[Any] = []

        async def on_new_message(checked: UserMessage) -> None:
            result.append(await original(self, checked))

        guard = MessageGuard(lambda: self.domain, self.is_ready)
        await guard.handle(message.text, message.output_channel, message.sender_id, on_new_message,
                           input_channel=message.input_channel, metadata=message.metadata,
                           message_id=message.message_id)
        return result[0] if result else None

    setattr(handle_message, MARKER, True)
    return handle_message


class StartupTrackerStore(TrackerKeepingStore):
    """The in-memory, redacting tracker store of ``endpoints.yml``, which also runs ``start``.

    It keeps trackers, not Rasa's JSON text (``runtime.memory_store``), unless ``RASA_PATCHES=0``.

    Rasa creates the tracker store at every server start, also for ``rasa shell``,
    whose command-line channel does not call ``start`` itself.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Runs ``start``, then creates the store as ``TrackerKeepingStore``."""
        start(install_runtime=True)
        super().__init__(*args, **kwargs)
