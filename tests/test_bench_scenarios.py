"""The benchmark's conversations and the load generator's closed loop (a fake webhook, no Rasa)."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict

from aiohttp import web

from bench.loadgen import run_load
from bench.scenarios import (
    CHECKLIST_BUTTON,
    MESSAGES_PER_CONVERSATION,
    add_typo,
    load_faq_questions,
    ours_conversation,
    stock_conversation,
)
from channels.sessions import ID_HEADER, TOKEN_HEADER

FAQ = load_faq_questions()


def test_faq_questions_are_the_canonical_faq_button_texts():
    assert "Wat is er gebeurd?" in FAQ
    assert len(FAQ) >= 10
    assert not any("medewerker" in question for question in FAQ)


def test_both_assistants_get_the_same_number_of_messages():
    rng = random.Random(1)
    assert len(ours_conversation(rng, 0, FAQ).messages) == MESSAGES_PER_CONVERSATION
    assert len(stock_conversation(rng, 0).messages) == MESSAGES_PER_CONVERSATION


def test_our_conversation_has_greeting_faq_form_with_typed_answer_and_out_of_scope():
    conversation = ours_conversation(random.Random(3), 0, FAQ)
    messages = conversation.messages
    button = messages.index(CHECKLIST_BUTTON)
    assert messages[button + 1] == "2"
    assert sum(message in FAQ for message in messages) >= 3
    typos = [message for message in messages if message not in FAQ and message.endswith("?")]
    assert len(typos) >= 2  # the two questions with a typo and the out-of-scope one


def test_add_typo_swaps_two_neighbouring_letters():
    original = "Welke gegevens zijn gestolen?"
    changed = add_typo(original, random.Random(0))
    assert changed != original
    assert sorted(changed) == sorted(original)
    assert len(changed) == len(original)


def test_add_typo_leaves_short_words_alone():
    assert add_typo("ja 2", random.Random(0)) == "ja 2"


def test_every_conversation_has_its_own_sender_id():
    rng = random.Random(0)
    ids = {ours_conversation(rng, user % 5, FAQ).sender_id for user in range(200)}
    ids |= {stock_conversation(rng, user % 5).sender_id for user in range(200)}
    assert len(ids) == 400


def test_conversations_are_repeatable_with_the_same_seed():
    first = ours_conversation(random.Random(42), 0, FAQ).messages
    second = ours_conversation(random.Random(42), 0, FAQ).messages
    assert first == second


async def _serve_and_load(users: int, delay_s: float):
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
                                lambda user: stock_conversation(rng, user), users, 0.6, 0.2)
    finally:
        await runner.cleanup()
    return result, overlaps, received


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


def test_load_generator_counts_server_errors(monkeypatch):
    monkeypatch.setattr("bench.scenarios.STOCK_MESSAGES", (("boom",),) * MESSAGES_PER_CONVERSATION)
    result, _, _ = asyncio.run(_serve_and_load(users=2, delay_s=0.01))
    assert result.latencies_s == []
    assert result.errors.get("http_500", 0) > 0


def test_empty_answers_are_counted_apart_with_their_latency(monkeypatch):
    monkeypatch.setattr("bench.scenarios.STOCK_MESSAGES", (("quiet",),) * MESSAGES_PER_CONVERSATION)
    result, _, _ = asyncio.run(_serve_and_load(users=2, delay_s=0.01))
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
                                  lambda user: stock_conversation(random.Random(user), user), 1, 0.3, 0.0)
        finally:
            await runner.cleanup()

    result = asyncio.run(serve_and_load())
    assert result.latencies_s
    first, *later = seen[:MESSAGES_PER_CONVERSATION]
    assert first[1] is None and not first[0].startswith("issued")
    assert later and all(sender == "issued1" and token == "token-issued1" for sender, token in later)
