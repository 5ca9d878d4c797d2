"""The benchmark's conversations and the load generator's closed loop (a fake webhook, no Rasa)."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from pathlib import Path

from aiohttp import web

from bench.loadgen import run_load
from bench.scenarios import (
    CLICK,
    CLICKS_PER_CONVERSATION,
    MESSAGES_PER_CONVERSATION,
    TYPED,
    Conversation,
    load_faq_questions,
    ours_conversation,
    stock_conversation,
)
from bench.workload import ENGLISH_FILLERS, Perturber, load_pool, repeat_share
from channels.sessions import ID_HEADER, TOKEN_HEADER

FAQ = load_faq_questions()
POOL = load_pool()


def _ours(seed: int, user: int = 0, perturber: Perturber = None) -> Conversation:
    return ours_conversation(random.Random(seed), user, FAQ, POOL, perturber or Perturber(random.Random(seed)))


def _stock(rng: random.Random, user: int = 0, perturber: Perturber = None) -> Conversation:
    return stock_conversation(rng, user, perturber or Perturber(random.Random(0), ENGLISH_FILLERS))


def test_faq_questions_are_the_canonical_faq_button_texts():
    assert "Wat is er gebeurd?" in FAQ
    assert len(FAQ) >= 10
    assert not any("medewerker" in question for question in FAQ)


def test_both_assistants_get_the_same_number_of_messages():
    rng = random.Random(1)
    assert len(_ours(1).messages) == MESSAGES_PER_CONVERSATION
    assert len(_stock(rng).messages) == MESSAGES_PER_CONVERSATION


def test_our_conversation_is_typed_realistic_messages_and_a_share_of_button_clicks():
    conversation = _ours(3)
    assert len(conversation.kinds) == len(conversation.messages)
    clicks = [m for m, kind in zip(conversation.messages, conversation.kinds, strict=False) if kind == CLICK]
    typed = [m for m, kind in zip(conversation.messages, conversation.kinds, strict=False) if kind == TYPED]
    assert len(clicks) == CLICKS_PER_CONVERSATION and all(click in FAQ for click in clicks)
    assert len(typed) == MESSAGES_PER_CONVERSATION - CLICKS_PER_CONVERSATION
    assert not any(text in FAQ for text in typed)


def test_typed_messages_do_not_repeat_over_thousands_of_conversations():
    rng, perturber = random.Random(5), Perturber(random.Random(5))
    typed = []
    for user in range(2000):
        conversation = ours_conversation(rng, user % 50, FAQ, POOL, perturber)
        typed += [m for m, kind in zip(conversation.messages, conversation.kinds, strict=False) if kind == TYPED]
    assert len(typed) == 16000
    assert repeat_share(typed) < 0.02


def test_typed_messages_are_not_training_examples():
    training = set()
    for path in Path("data/nlu").rglob("*.yml"):
        training |= set(load_pool([path]))
    rng, perturber = random.Random(9), Perturber(random.Random(9))
    typed = []
    for user in range(300):
        conversation = ours_conversation(rng, user, FAQ, POOL, perturber)
        typed += [m for m, kind in zip(conversation.messages, conversation.kinds, strict=False) if kind == TYPED]
    assert sum(text in training for text in typed) / len(typed) < 0.02


def test_stock_messages_are_changed_too():
    rng, perturber = random.Random(2), Perturber(random.Random(2), ENGLISH_FILLERS)
    texts = [m for user in range(500) for m in stock_conversation(rng, user, perturber).messages]
    assert repeat_share(texts) < 0.02


def test_every_conversation_has_its_own_sender_id():
    rng = random.Random(0)
    perturber = Perturber(random.Random(0))
    ids = {ours_conversation(rng, user % 5, FAQ, POOL, perturber).sender_id for user in range(200)}
    ids |= {_stock(rng, user % 5).sender_id for user in range(200)}
    assert len(ids) == 400


def test_conversations_are_repeatable_with_the_same_seed():
    assert _ours(42).messages == _ours(42).messages


async def _serve_and_load(users: int, delay_s: float, messages=None):
    in_flight: dict = defaultdict(int)
    overlaps = []
    received = defaultdict(list)

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        sender = body["sender"]
        in_flight[sender] += 1
        if in_flight[sender] > 1:
            overlaps.append(sender)
        received[sender].append(body["message"])
        await asyncio.sleep(delay_s)
        in_flight[sender] -= 1
        if body["message"] == "boom":
            return web.Response(status=500)
        if body["message"] == "quiet":
            return web.json_response([])
        return web.json_response([{"recipient_id": sender, "text": "ok"}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    rng = random.Random(0)
    try:
        result = await run_load(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                lambda user: _conversation(rng, user, messages), users, 0.6, 0.2)
    finally:
        await runner.cleanup()
    return result, overlaps, received


def _conversation(rng: random.Random, user: int, messages) -> Conversation:
    if messages is None:
        return _stock(rng, user)
    return Conversation(f"fixed-{user}-{rng.random()}", list(messages))


def test_load_generator_waits_for_each_answer_and_measures_latency():
    started = time.monotonic()
    result, overlaps, received = asyncio.run(_serve_and_load(users=4, delay_s=0.02))
    assert time.monotonic() - started < 5
    assert overlaps == []  # a user never sends before the previous answer came
    assert result.error_count == 0
    # Every latency includes the server's 20 ms; asyncio may wake a timer up to its
    # clock resolution early (CI saw 19.8 ms), so allow 2 ms below the delay.
    assert result.latencies_s and min(result.latencies_s) >= 0.018
    # closed loop: 4 users, ~20 ms per answer, 0.6 s window -> at most ~120 answers
    assert 40 <= len(result.latencies_s) <= 125
    assert result.throughput == len(result.latencies_s) / 0.6
    assert len(received) >= 4  # every user had its own sender ids
    for messages in received.values():
        assert len(messages) <= MESSAGES_PER_CONVERSATION


def test_load_generator_counts_server_errors():
    result, _, _ = asyncio.run(_serve_and_load(users=2, delay_s=0.01, messages=["boom"] * 10))
    assert result.latencies_s == []
    assert result.errors.get("http_500", 0) > 0


def test_empty_answers_are_counted_apart_with_their_latency():
    result, _, _ = asyncio.run(_serve_and_load(users=2, delay_s=0.01, messages=["quiet"] * 10))
    assert result.error_count == 0
    assert result.empty_answers == len(result.latencies_s) > 0


def test_load_generator_continues_the_conversation_the_server_issued():
    """Against our assistant every message after the first sends back the issued id and its token."""
    seen = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        token = request.headers.get(TOKEN_HEADER)
        seen.append((body["sender"], token))
        issued = body["sender"] if token == f"token-{body['sender']}" else f"issued{len(seen)}"
        return web.json_response([{"text": "ok"}], headers={ID_HEADER: issued, TOKEN_HEADER: f"token-{issued}"})

    async def serve_and_load():
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            return await run_load(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                  lambda user: _stock(random.Random(user), user), 1, 0.3, 0.0)
        finally:
            await runner.cleanup()

    result = asyncio.run(serve_and_load())
    assert result.latencies_s
    first, *later = seen[:MESSAGES_PER_CONVERSATION]
    assert first[1] is None and not first[0].startswith("issued")
    assert later and all(sender == "issued1" and token == "token-issued1" for sender, token in later)


def test_load_generator_keeps_latencies_per_kind_and_every_sent_text():
    rng = random.Random(0)

    async def run():
        return await _serve_kinds(rng)

    result = asyncio.run(run())
    assert set(result.latencies_by_kind) == {TYPED, CLICK}
    assert sum(len(v) for v in result.latencies_by_kind.values()) == len(result.latencies_s)
    assert len(result.sent_texts) == len(result.sent_kinds) >= len(result.latencies_s)


async def _serve_kinds(rng: random.Random):
    async def webhook(request: web.Request) -> web.Response:
        await request.json()
        await asyncio.sleep(0.005)
        return web.json_response([{"text": "ok"}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    perturber = Perturber(random.Random(1))
    try:
        return await run_load(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                              lambda user: ours_conversation(rng, user, FAQ, POOL, perturber), 2, 0.5, 0.1)
    finally:
        await runner.cleanup()
