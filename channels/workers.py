"""Which of several Rasa server processes on one machine holds a conversation (``RASA_WORKERS``).

``make run`` with ``RASA_WORKERS=N`` starts N Rasa processes; each keeps its
conversations in its own memory. A conversation must therefore always reach the
same process. The rule is one stable function of the id, shared by the page's
relay and the processes: ``worker_of(id, N)``. For a conversation id the
server issued (32 hex characters, random) it is its first two characters, read
as a number, modulo N (``route_of``): so the page can name the process of its
conversation in a URL with those two characters (1 of 256, no identifier)
instead of the id. For any other name (an engine.io session id, a sender the
client chose) it is SHA-256 of the name, modulo N.

- The relay sends every request that names a conversation (or an engine.io
  session, or a route) to the process of that name; a request that names none
  goes to the next process in turn.
- A process issues only ids (conversation ids, engine.io session ids) that
  route to itself (``Worker.draw``: random ids until one does; N tries on
  average), and continues only conversations that route to itself
  (``Worker.owns``), so a request that reached the wrong process starts a new
  conversation instead of continuing one it does not hold.

With one process (the default) every id is its own and nothing changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

import settings

# Random ids drawn at most per issued id: with N <= 16 processes, missing 10,000 times in a
# row has a probability below (15/16)**10000, i.e. never; the limit only bounds a broken setup.
MAX_DRAWS = 10_000
# A conversation id as ``channels.sessions`` issues it, and the part of it that routes.
CONVERSATION_ID = re.compile(r"[0-9a-f]{32}")
ROUTE = re.compile(r"[0-9a-f]{2}")


def route_of(conversation_id: str) -> str:
    """The two characters of an issued conversation id that choose its process."""
    return conversation_id[:2]


def worker_of_route(route: str, workers: int) -> int:
    """The process of a route (``route_of``): the two hex characters as a number, modulo ``workers``."""
    return int(route, 16) % workers if workers > 1 else 0


def worker_of(name: str, workers: int) -> int:
    """The process (0 to ``workers`` - 1) that holds the conversation or session ``name``.

    Args:
        name: A conversation id, sender or engine.io session id.
        workers: The number of processes.

    Returns:
        The process index; always 0 for one process.
    """
    if workers <= 1:
        return 0
    if CONVERSATION_ID.fullmatch(name):
        return worker_of_route(route_of(name), workers)
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % workers


@dataclass(frozen=True)
class Worker:
    """This process's place among the Rasa processes of one ``make run``.

    Attributes:
        index: This process (``RASA_WORKER_INDEX``).
        count: All processes (``RASA_WORKERS``).
    """

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        """Checks that ``index`` is one of the ``count`` processes."""
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"RASA_WORKER_INDEX {self.index} is not one of RASA_WORKERS {self.count}")

    @classmethod
    def from_settings(cls, environ: Optional[Mapping[str, str]] = None) -> Worker:
        """Reads ``RASA_WORKER_INDEX`` and ``RASA_WORKERS``.

        Raises:
            ValueError: A value is not valid, or the index is not below the count.
        """
        return cls(int(settings.get("RASA_WORKER_INDEX", environ)),
                   int(settings.get("RASA_WORKERS", environ)))

    def owns(self, name: str) -> bool:
        """Whether the conversation or session ``name`` routes to this process."""
        return worker_of(name, self.count) == self.index

    def draw(self, make_id: Callable[[], str]) -> str:
        """A new id from ``make_id`` that routes to this process.

        Args:
            make_id: Returns a fresh random id.

        Returns:
            The first drawn id this process owns.

        Raises:
            RuntimeError: No id routed here in ``MAX_DRAWS`` draws (``make_id`` is not random).
        """
        for _ in range(MAX_DRAWS if self.count > 1 else 1):
            candidate = make_id()
            if self.owns(candidate):
                return candidate
        raise RuntimeError(f"no id routed to process {self.index} of {self.count}")
