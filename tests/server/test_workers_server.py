"""`make run` with RASA_WORKERS=2, end to end: scripts/run.py with a real model, talked to through the page.

Each Rasa process keeps its conversations in its own memory and continues only
ids that route to itself (``channels.workers``), so a conversation whose id
stays the same over three messages was answered by its own process each time.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

import pytest
import socketio

from channels.sessions import ID_HEADER, TOKEN_HEADER
from channels.workers import route_of, worker_of
from tests.ports import free_port, free_ports
from tests.rest_client import post_json
from tests.server.harness import model_path

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
STARTUP_TIMEOUT_S = 300

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """scripts/run.py with RASA_WORKERS=2; yields the page's address."""
    log = tmp_path_factory.mktemp("workers") / "run.log"
    web_port = free_port()
    env = {**os.environ, "RASA_WORKERS": str(WORKERS), "RASA_PORT": str(free_ports(WORKERS)),
           "WEB_PORT": str(web_port), "ACTION_PORT": str(free_port()), "RASA_TELEMETRY_ENABLED": "false"}
    for name in ("RASA_URL", "SESSION_SECRET", "RASA_WORKER_INDEX", "CHATWOOT_URL"):
        env.pop(name, None)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scripts.run", "--model", str(model_path())],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{web_port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "make run did not become healthy"
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert "SESSION_SECRET" not in log.read_text(errors="replace")


def chat(base: str, text: str, conversation=None):
    """One message through the page's relay /api/chat (the REST channel's protocol); answers and (id, token)."""
    body = {"message": text, **({"sender": conversation[0]} if conversation else {})}
    headers = {TOKEN_HEADER: conversation[1]} if conversation else {}
    status, answers, answer_headers = post_json(f"{base}/api/chat", body, headers, timeout=60)
    assert status == 200, answers
    return answers, (answer_headers[ID_HEADER], answer_headers[TOKEN_HEADER])


def test_three_message_conversations_stay_with_their_process_and_both_processes_answer(page):
    ids = []
    for _ in range(4):
        answers, conversation = chat(page, "Welk lab was het?")
        assert answers and "Clinical Diagnostics" in answers[0]["text"]
        first_id = conversation[0]
        for text in ("Wat moet ik nu doen?", "Dank je"):
            answers, conversation = chat(page, text, conversation)
            assert answers and conversation[0] == first_id, "continued by the process that holds it"
        ids.append(first_id)
    assert {worker_of(conversation_id, WORKERS) for conversation_id in ids} == {0, 1}


def test_a_forged_token_starts_a_new_conversation(page):
    _, victim = chat(page, "Welk lab was het?")
    _, conversation = chat(page, "Wat moet ik nu doen?", (victim[0], victim[1][:-2] + "AA"))
    assert conversation[0] != victim[0]


def test_socketio_reconnect_continues_on_the_process_that_holds_the_conversation(page):
    async def connection(query: str, session: Dict[str, Any]) -> List[Dict[str, Any]]:
        client, received = socketio.AsyncClient(reconnection=False, request_timeout=5), []
        client.on("session_confirm", lambda data: received.append({"confirm": data}))
        client.on("bot_uttered", lambda data: received.append(data))
        await client.connect(f"{page}{query}", socketio_path="/socket.io", transports=["polling"],
                             wait_timeout=10)
        await client.emit("session_request", session)
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.1)
        await client.emit("user_uttered", {"message": "Welk lab was het?"})
        for _ in range(300):
            if len(received) >= 2:
                break
            await asyncio.sleep(0.1)
        try:
            await asyncio.wait_for(client.disconnect(), 1.0)
        except asyncio.TimeoutError:
            pass
        return received

    async def talk():
        results = []
        for _ in range(2):
            first = await connection("", {})
            confirmed = first[0]["confirm"]
            again = await connection(f"?route={route_of(confirmed['session_id'])}", confirmed)
            results.append((first, again))
        return results

    owners = set()
    for first, again in asyncio.run(talk()):
        confirmed = first[0]["confirm"]
        assert "Clinical Diagnostics" in first[1]["text"]
        assert again[0]["confirm"]["session_id"] == confirmed["session_id"], "the reconnect continued it"
        assert "Clinical Diagnostics" in again[1]["text"]
        owners.add(worker_of(confirmed["session_id"], WORKERS))
    assert owners == {0, 1}, "new connections take turns over the processes"
