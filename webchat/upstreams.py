"""The Rasa server processes the page relays to, and which one gets a request (``RASA_WORKERS``).

One process (the default): every request goes to ``RASA_URL`` (or
``http://localhost:$RASA_PORT``), as before. With ``RASA_WORKERS=N`` the page
relays to ``http://localhost:$RASA_PORT`` ... ``$RASA_PORT+N-1``, the processes
``make run`` starts; a request that names a conversation or an engine.io
session goes to the process that holds it (``channels.workers.worker_of``),
one that names none (a new conversation) to the next process in turn, which
then issues an id that routes back to itself.
"""

from __future__ import annotations

import itertools
from typing import List, Mapping, Optional, Sequence

import settings
from channels.workers import worker_of, worker_of_route


def rasa_urls(environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """The base URLs of the Rasa processes, in worker order.

    Args:
        environ: The environment; ``os.environ`` when None.

    Returns:
        ``[RASA_URL]`` (default ``http://localhost:$RASA_PORT``) for one process, else one
        URL per process on consecutive ports from ``RASA_PORT``.

    Raises:
        ValueError: ``RASA_URL`` is set together with ``RASA_WORKERS`` above 1 (it names one server).
    """
    workers = int(settings.get("RASA_WORKERS", environ))
    port = int(settings.get("RASA_PORT", environ))
    url = settings.get("RASA_URL", environ)
    if workers == 1:
        return [url or f"http://localhost:{port}"]
    if url:
        raise ValueError("RASA_URL names one Rasa server: leave it unset with RASA_WORKERS above 1")
    return [f"http://localhost:{port + index}" for index in range(workers)]


class Upstreams:
    """Chooses the Rasa process of each relayed request.

    Args:
        urls: Base URLs of the processes, in worker order (at least one).
    """

    def __init__(self, urls: Sequence[str]) -> None:
        if not urls:
            raise ValueError("no Rasa server to relay to")
        self.urls = [url.rstrip("/") for url in urls]
        self._turns = itertools.cycle(range(len(self.urls)))

    def pick(self, name: Optional[str]) -> str:
        """The base URL for a request about ``name`` (a conversation or session id), or the next in turn.

        Args:
            name: The id the request names, or None for a new conversation.

        Returns:
            The base URL of the process to relay to.
        """
        if len(self.urls) == 1:
            return self.urls[0]
        if name is None:
            return self.urls[next(self._turns)]
        return self.urls[worker_of(name, len(self.urls))]

    def pick_route(self, route: str) -> str:
        """The base URL of the process of a conversation's route (``channels.workers.route_of``)."""
        return self.urls[worker_of_route(route, len(self.urls))]
