"""The cluster end to end: what nginx exposes, nothing lost or doubled, bounded turns, store faults, a killed instance.

The tests share one cluster (conftest.py) and run in this order; the killed
instance comes last.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections import Counter

import aiohttp
import pytest
import yaml

from cluster.nginx import NginxSettings, write_config
from cluster.runner import ENDPOINTS, PAGE_DIR, RasaInstance, http_status
from cluster.services import Nginx, free_port
from tests.cluster.client import (
    QUESTIONS,
    TIMEOUT,
    align,
    conversation_id,
    paragraphs,
    send,
    send_one,
    split_turns,
    stored_events,
    timestamps_in_order,
    wait_for_health,
)
from tests.cluster.conftest import LOCK_LIFETIME_S, LOG_DIR, TURN_TIMEOUT_S
from tests.security.client import EVIL_ORIGIN, request

pytestmark = pytest.mark.cluster
NOT_UNDERSTOOD = "xqzt blorp vlamp"
# The first line of the apology for a custom action that failed (runtime/faults.py).
APOLOGY = yaml.safe_load(open(ENDPOINTS.parents[1] / "domain.yml", encoding="utf-8"))[
    "responses"]["utter_action_unavailable"][0]["text"].splitlines()[0]


def test_nginx_exposes_the_page_webhooks_and_health_only(cluster):
    base = cluster.url
    assert http_status(f"{base}/") == 200
    assert http_status(f"{base}/privacy") == 200
    assert http_status(f"{base}/privacy/en") == 200
    assert http_status(f"{base}/static/chat.css") == 200
    assert http_status(f"{base}/health") == 200
    # Rasa's HTTP API, the REST channel's own health route, the instance health, the action server
    for path in ("/status", "/version", "/model/parse", "/conversations/x/tracker", "/conversations/x/messages",
                 "/webhooks/rest/", "/webhooks/health/", "/webhooks/health/ready", "/webhook", "/actions",
                 "/health/", "/static/../credentials.yml", "/.cluster/secrets.json"):
        assert http_status(f"{base}{path}") == 404, path
    # the instances themselves have no HTTP API either
    assert http_status(f"{cluster.instances[0].url}/status") == 404

    import urllib.request
    with urllib.request.urlopen(f"{base}/") as answer:
        headers = answer.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "nginx/" not in headers.get("Server", "")

    big = b'{"sender": "big-body-test", "message": "' + b"a" * 100_000 + b'"}'
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook", data=big, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)
    assert error.value.code == 413
    with urllib.request.urlopen(f"{base}/health") as answer:
        assert "Access-Control-Allow-Origin" not in answer.headers


def test_the_page_served_by_nginx_may_open_socket_io_and_other_sites_may_not(cluster):
    """The browser sends the page's origin (nginx's address); the instances check it (ALLOWED_ORIGINS)."""
    handshake = "/socket.io/?EIO=4&transport=polling"
    own = request(cluster.url + handshake, headers={"Origin": cluster.url})
    assert own.status == 200 and b"sid" in own.body, own.status
    assert 400 <= request(cluster.url + handshake, headers={"Origin": EVIL_ORIGIN}).status < 500


def test_rate_limit_per_client_address(cluster, tmp_path):
    """The same configuration with a low rate: a burst from one address gets 429 beyond it."""
    port = free_port()
    settings = NginxSettings(port=port, rasa_ports=cluster.settings.rasa_ports, prefix=tmp_path / "nginx",
                             log_dir=tmp_path, rate_per_s=2, burst=5,
                             static_dir=cluster.settings.state_dir / PAGE_DIR)
    nginx = Nginx(write_config(settings, tmp_path / "nginx.conf"), settings.prefix, port, tmp_path).start()
    try:
        statuses = Counter(http_status(f"http://127.0.0.1:{port}/") for _ in range(30))
    finally:
        nginx.stop()
    assert statuses[429] >= 20, statuses
    assert 5 <= statuses[200] <= 8, statuses


def test_interleaved_bursts_on_two_instances_lose_and_double_nothing(cluster):
    """12 conversations, 3 rounds; each round a burst of 3 messages per conversation, sent at once, round robin."""
    senders = [f"interleave-{index:02d}" for index in range(12)]
    instances = itertools.cycle(instance.url for instance in cluster.instances)
    rounds = 3
    plan = {sender: QUESTIONS[index % 4 * 3:] + QUESTIONS[:index % 4 * 3] for index, sender in enumerate(senders)}

    async def run():
        replies = []
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            for round_index in range(rounds):
                jobs = [send(session, next(instances), sender, plan[sender][round_index * 3 + burst])
                        for sender in senders for burst in range(3)]
                replies.append(await asyncio.gather(*jobs))
        return replies

    started = time.monotonic()
    replies = asyncio.run(run())
    elapsed = time.monotonic() - started
    flat = [reply for round_replies in replies for reply in round_replies]
    assert all(reply.answered for reply in flat), [(r.sender, r.text, r.status, r.messages) for r in flat
                                                   if not r.answered]
    # the custom actions ran on the action server (token passed through the proxy), none was an apology
    apologies = [r.text for r in flat if any(APOLOGY in (m.get("text") or "") for m in r.messages)]
    assert not apologies, apologies
    for sender in senders:
        events = stored_events(cluster, sender)
        turns = split_turns(events)
        sent = [reply for reply in flat if reply.sender == sender]
        # every accepted message stored once ...
        assert Counter(turn.text for turn in turns) == Counter(reply.text for reply in sent), sender
        # ... answered once: its turn holds what came back (blank lines split bubbles), one action_listen
        for turn in turns:
            reply = next(r for r in sent if r.text == turn.text)
            assert paragraphs(turn.bot_texts) == paragraphs(m.get("text") for m in reply.messages), (sender, turn)
            assert turn.listens == 1 and not turn.late_bot, (sender, turn)
        # ... in order: rounds one after the other, timestamps never go back
        for round_index in range(rounds):
            expected = set(plan[sender][round_index * 3:round_index * 3 + 3])
            assert {turn.text for turn in turns[round_index * 3:round_index * 3 + 3]} == expected
        assert timestamps_in_order(events)
        assert sum(event.get("event") == "session_started" for event in events) == 1
    print(f"\n{len(flat)} messages in {elapsed:.1f} s ({len(flat) / elapsed:.1f}/s)")


def test_a_slow_turn_is_stopped_well_before_the_lock_expires(cluster, delay_proxy):
    """A turn whose action hangs is cancelled at the turn timeout; the next message waits, then runs alone."""
    sender = "slow-turn-test"
    first, second = cluster.instances[0].url, cluster.instances[1].url
    assert send_one(first, sender, "Hallo").answered  # the conversation exists
    delay_proxy.slow_senders[conversation_id(sender)] = 3 * LOCK_LIFETIME_S

    async def run():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            # not understood: the fallback is a custom action, so it calls the (slow) action server
            slow = asyncio.ensure_future(send(session, first, sender, NOT_UNDERSTOOD))
            await asyncio.sleep(1.0)
            fast = asyncio.ensure_future(send(session, second, sender, "Dank je wel"))
            return await slow, await fast

    try:
        slow, fast = asyncio.run(run())
    finally:
        delay_proxy.slow_senders.pop(conversation_id(sender))
    assert delay_proxy.delayed.get(conversation_id(sender)) == 1, (delay_proxy.calls, slow, fast)
    assert slow.try_later and slow.status == 200, slow
    assert TURN_TIMEOUT_S - 0.5 <= slow.received - slow.sent <= TURN_TIMEOUT_S + 3
    assert fast.answered, fast
    assert fast.received >= slow.sent + TURN_TIMEOUT_S - 0.5  # it waited until the slow turn was stopped
    turns = split_turns(stored_events(cluster, sender))
    assert [turn.text for turn in turns] == ["Hallo", "Dank je wel"]  # nothing of the slow turn was saved
    assert all(turn.listens == 1 and not turn.late_bot for turn in turns)
    # the conversation goes on normally
    assert send_one(second, sender, "Wat is er gebeurd?").answered


@pytest.mark.parametrize("store", ["redis", "postgres"])
def test_store_down_means_unhealthy_and_try_later_then_recovery(cluster, store):
    sender = f"{store}-down-test"
    health = f"{cluster.url}/health"
    assert send_one(cluster.url, sender, "Hallo").answered
    service = cluster.redis if store == "redis" else cluster.postgres
    service.kill() if store == "redis" else service.stop()
    try:
        unhealthy_after = wait_for_health(health, 503, timeout_s=10)
        reply = send_one(cluster.url, sender, "Wat is er gebeurd?")
        assert reply.try_later and len(reply.messages) == 1, reply
        assert reply.received - reply.sent < 10
    finally:
        service.start()
    started = time.monotonic()
    wait_for_health(health, 200, timeout_s=30)
    reply = send_one(cluster.url, sender, "Welke gegevens zijn gestolen?")
    while not reply.answered and time.monotonic() - started < 30:
        time.sleep(1)
        reply = send_one(cluster.url, sender, "Welke gegevens zijn gestolen?")
    recovered_after = time.monotonic() - started
    assert reply.answered and recovered_after < 30
    events = stored_events(cluster, sender)
    # the conversation kept its past, and the message during the outage left no trace
    assert [turn.text for turn in split_turns(events)] == ["Hallo", "Welke gegevens zijn gestolen?"]
    assert sum(event.get("event") == "session_started" for event in events) == 1
    print(f"\n{store}: unhealthy after {unhealthy_after:.1f} s, recovered after {recovered_after:.1f} s")


def test_an_instance_without_a_model_is_not_ready_and_drops_nothing(cluster, tmp_path):
    """An instance whose model server does not answer runs without a model (as Rasa does)."""
    empty = tmp_path / "no-model"
    empty.mkdir()
    endpoints = yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8"))
    endpoints["models"] = {"url": f"http://127.0.0.1:{free_port()}/models/default", "wait_time_between_pulls": 5}
    (tmp_path / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    instance = RasaInstance(9, free_port(), empty, LOG_DIR, cluster.instances[0].env, tmp_path / "endpoints.yml")
    instance.start()
    try:
        deadline = time.monotonic() + 300
        while http_status(f"{instance.url}/webhooks/health/ready") is None and time.monotonic() < deadline:
            assert instance.running()
            time.sleep(1)
        assert http_status(f"{instance.url}/webhooks/health/ready") == 503
        assert http_status(f"{instance.url}/webhooks/health/") == 503
        reply = send_one(instance.url, "no-model-test", "Hallo")
        assert reply.status == 503 and reply.try_later, reply
    finally:
        instance.stop()


def test_killing_an_instance_during_a_load_run(cluster):
    """8 conversations keep talking through nginx while instance 0 is killed; they go on, with their history."""
    senders = [f"kill-test-{index}" for index in range(8)]
    victim = cluster.instances[0]
    kill_at = 5.0
    run_for = kill_at + LOCK_LIFETIME_S + 8.0

    async def talk(session, sender, start):
        replies = []
        for text in itertools.cycle(QUESTIONS):
            if time.monotonic() - start > run_for:
                break
            replies.append(await send(session, cluster.url, sender, text))
            await asyncio.sleep(0.2)
        return replies

    async def killer(start):
        await asyncio.sleep(kill_at)
        os.kill(victim.pid, signal.SIGKILL)
        return time.monotonic()

    async def run():
        start = time.monotonic()
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            killed, *per_sender = await asyncio.gather(killer(start), *(talk(session, s, start) for s in senders))
        return killed, dict(zip(senders, per_sender, strict=False))

    killed_at, replies = asyncio.run(run())
    assert not victim.running()
    for sender, sent in replies.items():
        # before the kill, everything was answered
        assert all(reply.answered for reply in sent if reply.received < killed_at), sender
        after = [reply for reply in sent if reply.sent > killed_at]
        # nginx routes around the dead instance: no error once the kill is noticed
        assert all(reply.status == 200 for reply in after if reply.sent > killed_at + 1), \
            (sender, [(r.status, r.text) for r in after if r.status != 200])
        # at most the turn that ran on the killed instance is disturbed; its lock expires
        # and the conversation goes on on the other instance
        late = [reply for reply in after if reply.sent > killed_at + LOCK_LIFETIME_S]
        assert late and all(reply.answered for reply in late), (sender, [(r.text, r.messages) for r in late])
        disturbed = [reply for reply in sent if not reply.answered]
        assert len(disturbed) <= 3, (sender, [(r.status, r.messages) for r in disturbed])
        # history kept: one session; every answered message stored once, in order; nothing of a
        # "try again later" turn; a turn cut off by the kill (no HTTP answer) stored or not
        events = stored_events(cluster, sender)
        assert sum(event.get("event") == "session_started" for event in events) == 1
        assert align(sent, [turn.text for turn in split_turns(events)]) is None, sender
        assert timestamps_in_order(events)
    print(f"\nkill test: {sum(len(s) for s in replies.values())} messages, "
          f"{sum(not r.answered for s in replies.values() for r in s)} not answered")
