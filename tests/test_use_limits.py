"""Finding 4 ("no limit on use"): message rate per sender, conversations kept in memory, turns per session."""

from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.guard import MessageGuard
from channels.limit_texts import RATE_LIMITED, SESSION_RESTARTED
from channels.rate_limit import RateLimiter
from privacy import settings
from privacy.tracker_stores import RedactingInMemoryTrackerStore
from runtime.turn_cap import capped_expiry, notifying_update, turns_in_session


class FakeClock:
    """Seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_sender_gets_its_burst_then_one_message_per_refill():
    clock = FakeClock()
    limiter = RateLimiter(per_minute=6, burst=3, max_senders=100, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b"), "another sender is not affected"
    clock.now += 10  # 6 a minute: one message every 10 s
    assert limiter.allow("a")
    assert not limiter.allow("a")
    clock.now += 3600
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False], "the bucket holds at most the burst"


def test_the_limiter_keeps_at_most_max_senders_buckets():
    limiter = RateLimiter(per_minute=1, burst=1, max_senders=50, clock=FakeClock())
    for number in range(10_000):
        limiter.allow(f"sender-{number}")
    assert len(limiter) == 50


def test_defaults_are_far_above_a_normal_conversation():
    assert settings.rate_limit_per_minute({}) == 30 and settings.rate_limit_burst({}) == 30
    assert settings.max_conversations({}) == 10_000 and settings.max_turns({}) == 200
    assert settings.rate_limit_per_minute({"RATE_LIMIT_PER_MINUTE": "5"}) == 5


def run_guard(guard: MessageGuard, texts: List[str], sender: str) -> tuple[List[dict], List[str]]:
    """Sends texts through the guard; returns what the sender was told and what reached Rasa."""
    reached: List[str] = []

    async def rasa(message: UserMessage) -> None:
        reached.append(message.text)
        await message.output_channel.send_response(message.sender_id, {"text": "antwoord"})

    output = CollectingOutputChannel()

    async def send_all() -> None:
        for text in texts:
            await guard.handle(text, output, sender, rasa, input_channel="rest")

    asyncio.run(send_all())
    return output.messages, reached


def test_the_guard_answers_politely_over_the_limit_and_passes_nothing_on(domain):
    limiter = RateLimiter(per_minute=1, burst=2, max_senders=10, clock=FakeClock())
    guard = MessageGuard(lambda: domain, limiter=limiter)
    told, reached = run_guard(guard, ["hallo", "wat is er gebeurd", "nog een vraag"], "burst")
    assert reached == ["hallo", "wat is er gebeurd"]
    assert told[-1]["text"] == RATE_LIMITED["nl"]
    told, _ = run_guard(guard, ["What happened with my data?"], "burst")
    assert told[-1]["text"] == RATE_LIMITED["en"]
    _, reached = run_guard(guard, ["hallo"], "someone-else")
    assert reached == ["hallo"]


def saved(store: RedactingInMemoryTrackerStore, domain, sender: str) -> None:
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")], domain.slots)
    asyncio.run(store.save(tracker))


def test_the_in_memory_store_keeps_at_most_max_conversations(domain, monkeypatch):
    monkeypatch.setenv("MAX_CONVERSATIONS", "3")
    store = RedactingInMemoryTrackerStore(domain)
    for sender in ("a", "b", "c"):
        saved(store, domain, sender)
    saved(store, domain, "a")  # saved again: now the most recent
    saved(store, domain, "d")
    assert sorted(store.store) == ["a", "c", "d"]
    for number in range(100):
        saved(store, domain, f"new-{number}")
    assert len(store.store) == 3 and len(store.last_saved) == 3


def session(turns: int, domain, language: str = "nl") -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", language),
              ActionExecuted("action_listen")]
    for number in range(turns):
        events += [UserUttered(f"vraag {number}", {"name": "greet", "confidence": 1.0}),
                   ActionExecuted("utter_greet"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("long", events, domain.slots)


def test_turns_are_counted_from_the_latest_session_start(domain):
    tracker = session(5, domain)
    assert turns_in_session(tracker) == 5
    tracker.update(ActionExecuted("action_session_start"))
    assert turns_in_session(tracker) == 0


def test_a_session_ends_at_max_turns_with_a_notice_in_its_language(domain):
    def never_expired(_self: object, _tracker: DialogueStateTracker) -> bool:
        return False

    expired = capped_expiry(never_expired, 3)
    assert not expired(None, session(2, domain))
    assert expired(None, session(3, domain))

    started: List[str] = []

    async def rasa_update(_self: object, tracker: DialogueStateTracker, _output: object,
                          _metadata: object = None) -> None:
        started.append(tracker.sender_id)

    update = notifying_update(rasa_update, 3)
    for turns, language, told in ((2, "nl", []), (3, "nl", [SESSION_RESTARTED["nl"]]),
                                  (4, "en", [SESSION_RESTARTED["en"]])):
        output = CollectingOutputChannel()
        asyncio.run(update(None, session(turns, domain, language), output))
        assert [message["text"] for message in output.messages] == told
    assert started == ["long"] * 3, "Rasa's own session check always runs"


def _counted_backwards(events) -> int:
    """The count as the turn cap made it before it kept its count: back to the latest session start."""
    turns = 0
    for event in reversed(events):
        if isinstance(event, ActionExecuted) and event.action_name == "action_session_start":
            break
        turns += isinstance(event, UserUttered)
    return turns


@pytest.mark.parametrize("seed", range(6))
def test_the_kept_count_equals_a_count_of_the_whole_session(seed):
    from runtime import tracker_copy, turn_cap
    from runtime.tracker_copy import copy_state
    from tests.test_runtime_history_window import DOMAIN, conversation

    assert turn_cap.CACHE_ATTRIBUTE in tracker_copy.CARRIED
    events = conversation(seed, turns=60)
    tracker = DialogueStateTracker("count", DOMAIN.slots)
    for number, event in enumerate(events):
        tracker.update(event)
        if number % 4 == 0:
            assert turns_in_session(tracker) == _counted_backwards(tracker.events), number
        if number % 9 == 0:
            tracker = copy_state(tracker)
    tracker.events[3] = UserUttered("vervangen", {"name": "greet"})
    assert turns_in_session(tracker) == _counted_backwards(tracker.events)
