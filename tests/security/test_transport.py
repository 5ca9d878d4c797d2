"""Finding 7: deadlines for slow clients, security headers on every answer, no versions, clean log lines."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest
import rasa

from tests.security.client import SocketUser, request, seconds_until_closed
from tests.security.conftest import HEADER_TIMEOUT_S

pytestmark = pytest.mark.security

GIVE_UP_S = HEADER_TIMEOUT_S + 6
HEADERS = ("x-content-type-options", "referrer-policy", "permissions-policy", "cross-origin-opener-policy",
           "content-security-policy", "x-frame-options", "cache-control")


@pytest.mark.parametrize("server", ["rasa", "page"])
def test_slow_headers_are_cut_off(assistant, server):
    url = getattr(assistant, server).url
    closed_after = seconds_until_closed(url, trickle_every_s=0.5, give_up_s=GIVE_UP_S)
    assert closed_after < HEADER_TIMEOUT_S + 3, f"connection still open after {closed_after:.1f} s"


def test_many_slow_connections_do_not_block_a_normal_message(assistant):
    """50 slow connections are cut off; meanwhile a normal message is answered."""
    import threading

    url = assistant.rasa.url
    results = []
    threads = [threading.Thread(target=lambda: results.append(seconds_until_closed(url, 0.5, GIVE_UP_S)))
               for _ in range(50)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    answer = request(url + "/webhooks/rest/webhook", "POST",
                     f'{{"sender": "{uuid.uuid4().hex}", "message": "hallo"}}')
    for thread in threads:
        thread.join()
    assert answer.status == 200
    assert max(results) < HEADER_TIMEOUT_S + 3


def _answers(assistant):
    rasa_url, page_url = assistant.rasa.url, assistant.page.url
    return {
        "rasa 404": request(rasa_url + "/no-such-page"),
        "rasa 405": request(rasa_url + "/webhooks/rest/webhook", "GET"),
        "rasa 413": request(rasa_url + "/webhooks/rest/webhook", "POST", b"{" + b" " * 2_000_000 + b"}"),
        "rasa 200": request(rasa_url + "/"),
        "page 404": request(page_url + "/no-such-page"),
        "page 405": request(page_url + "/api/chat", "GET"),
        "page 403": request(page_url + "/api/chat", "POST", "{}", headers={"Origin": "https://evil.example"}),
        "page 413": request(page_url + "/api/chat", "POST", b"{" + b" " * 2_000_000 + b"}"),
        "page 200": request(page_url + "/"),
    }


def test_security_headers_on_every_answer(assistant):
    missing = {name: [header for header in HEADERS if header not in answer.headers]
               for name, answer in _answers(assistant).items()}
    assert not any(missing.values()), missing
    for name, answer in _answers(assistant).items():
        assert name.split()[1] == str(answer.status), (name, answer.status)


def test_page_forbids_powerful_features_and_opener_access(assistant):
    headers = request(assistant.page.url + "/").headers
    assert "camera=()" in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin"


def test_no_versions_at_the_root_or_health(assistant):
    rasa_root = request(assistant.rasa.url + "/").body.decode()
    health = request(assistant.page.url + "/health").body.decode()
    assert rasa.__version__ not in rasa_root
    assert rasa.__version__ not in health
    assert "version" not in health
    for url in (assistant.rasa.url, assistant.page.url):
        server = request(url + "/").headers.get("server", "")
        assert not re.search(r"\d+\.\d+", server), server


def test_an_id_cannot_forge_a_log_line(assistant):
    marker = f"FORGED{uuid.uuid4().hex[:8]}"
    forged = f"abc\r\n2026-12-07 00:00:00 INFO     {marker} admin logged in\n"

    async def scenario():
        user = SocketUser(assistant.rasa.url)
        client = await user.connect()
        await client.emit("session_request", {"session_id": forged})
        await user.wait_for(1)
        await client.emit("user_uttered", {"message": "hallo", "session_id": forged})
        await user.wait_for(2, timeout_s=4)
        await user.hang_up(client)

    asyncio.run(scenario())
    time.sleep(0.5)
    lines = assistant.rasa.rasa_log.read_text(errors="replace").splitlines()
    assert not [line for line in lines if line.startswith("2026-12-07 00:00:00") and marker in line]
