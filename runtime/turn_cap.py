"""At most ``MAX_TURNS`` user messages per session: the next one starts a new session, with a notice.

Wraps two members of ``MessageProcessor``: ``_has_session_expired`` also
answers True when the latest session holds ``MAX_TURNS`` user messages, and
``_update_tracker_session`` first sends the notice ``SESSION_RESTARTED`` (in the
conversation's language) when that is why the session ends. Rasa then runs
``action_session_start`` as for an expired session (slots carry over), and the
tracker store reads back only the new session, so the history a turn reads,
featurizes and saves stays bounded.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from itertools import islice
from typing import Any, Awaitable, Callable, Iterable, Optional

from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.limit_texts import SESSION_RESTARTED, notice
from runtime.event_prefix import EventMark
from runtime.event_types import with_subclasses

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"



# Looked up by exact type: isinstance on Rasa's event classes goes through abc and cost
# 10 ms per message at turn 1000 of one session (two walks per message).
_ACTIONS = with_subclasses(ActionExecuted)
_USER = with_subclasses(UserUttered)


# Where a tracker keeps its count (``runtime.tracker_copy.copy_state`` passes it on).
CACHE_ATTRIBUTE = "_bvo_turns_in_session"


@dataclass(frozen=True)
class TurnCount:
    """The mark of the events last counted and the user messages of their latest session."""

    mark: EventMark
    turns: int


def _count(events: Iterable[Event], turns: int) -> int:
    for event in events:
        kind = type(event)
        if kind in _ACTIONS and event.action_name == ACTION_SESSION_START_NAME:
            turns = 0
        elif kind in _USER:
            turns += 1
    return turns


def turns_in_session(tracker: DialogueStateTracker) -> int:
    """Counts the user messages since the latest session start, going on from the last count.

    The tracker keeps the mark of the events it counted and the count (``TurnCount``); a later
    call counts only the events added since, as long as the earlier ones are the
    same objects, else all of them.

    Args:
        tracker: The conversation.

    Returns:
        The number of ``UserUttered`` events after the latest ``action_session_start``.
    """
    events = tracker.events
    kept = tracker.__dict__.get(CACHE_ATTRIBUTE)
    if kept is not None and kept.mark.continued_by(events):
        turns = _count(islice(events, kept.mark.count, None), kept.turns)
    else:
        turns = _count(events, 0)
    tracker.__dict__[CACHE_ATTRIBUTE] = TurnCount(EventMark.of(events), turns)
    return turns


def capped_expiry(original: Callable[[Any, DialogueStateTracker], bool],
                  max_turns: int) -> Callable[[Any, DialogueStateTracker], bool]:
    """Wraps ``MessageProcessor._has_session_expired``: also expired at ``max_turns`` user messages.

    Args:
        original: Rasa's method.
        max_turns: User messages a session may hold.

    Returns:
        The wrapped method.
    """

    @functools.wraps(original)
    def has_session_expired(self: Any, tracker: DialogueStateTracker) -> bool:
        return turns_in_session(tracker) >= max_turns or original(self, tracker)

    return has_session_expired


def notifying_update(original: Callable[..., Awaitable[None]],
                     max_turns: int) -> Callable[..., Awaitable[None]]:
    """Wraps ``MessageProcessor._update_tracker_session``: sends the notice when the cap ends a session.

    Args:
        original: Rasa's method.
        max_turns: User messages a session may hold.

    Returns:
        The wrapped method.
    """

    @functools.wraps(original)
    async def update_tracker_session(self: Any, tracker: DialogueStateTracker, output_channel: Any,
                                     metadata: Optional[dict] = None) -> None:
        if output_channel is not None and turns_in_session(tracker) >= max_turns:
            logger.info("session reached %d user messages: a new one starts", max_turns)
            language = tracker.get_slot(LANGUAGE_SLOT) if LANGUAGE_SLOT in tracker.slots else None
            try:
                await output_channel.send_response(tracker.sender_id, notice(SESSION_RESTARTED, language))
            except Exception as error:  # noqa: BLE001 - the notice must never stop the turn
                logger.error("could not send the new-session notice: %s", type(error).__name__)
        await original(self, tracker, output_channel, metadata)

    return update_tracker_session
