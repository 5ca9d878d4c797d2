"""The defences from before the outside test stay: only the page's own files, over-long input answered at once.

Rasa's HTTP API being off under ``make run`` is tested in ``test_exposure.py``
(against the processes ``make run`` starts).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.security.client import SocketUser, post_json, request

pytestmark = pytest.mark.security

REST = "/webhooks/rest/webhook"
TOO_LONG = "Uw bericht is te lang voor mij."  # utter_message_too_long (domain.yml)
LONG = "Wat is er gebeurd? " * 5_300  # about 100,000 characters

# Ways out of webchat/static/ (raw, encoded, double encoded, backslash, NUL), and folders to list.
ESCAPES = [
    "/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py", "/static/%2e%2e%2fserver.py",
    "/static/..%5cserver.py", "/static/%252e%252e%252fserver.py", "/static/....//server.py",
    "/static/..%00/server.py", "/static/%2fetc%2fpasswd", "/static//etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
    "/static/../../credentials.yml", "/static/%2e%2e/%2e%2e/credentials.yml", "/static/js/..%2f..%2fserver.py",
]
FOLDERS = ["/static/", "/static/js/", "/static/vendor/", "/static/js/i18n/"]
# What may never appear in an answer: this server's code, the channel settings, a system file.
LEAKS = (b"def create_app", b"socketio:", b"root:x:0:0")


@pytest.mark.parametrize("path", ESCAPES)
def test_no_file_outside_the_page_folder_is_served(assistant, path):
    answer = request(assistant.page.url + path)
    assert answer.status in (400, 403, 404), (path, answer.status)
    assert not any(leak in answer.body for leak in LEAKS), path


@pytest.mark.parametrize("path", FOLDERS)
def test_no_folder_is_listed(assistant, path):
    answer = request(assistant.page.url + path)
    assert answer.status in (403, 404), (path, answer.status)
    assert b".js" not in answer.body and b".css" not in answer.body


def test_the_page_files_themselves_are_served(assistant):
    assert request(assistant.page.url + "/static/chat.css").status == 200
    assert request(assistant.page.url + "/").status == 200


def test_a_message_of_100000_characters_is_answered_at_once(assistant):
    url = assistant.rasa.url + REST
    post_json(url, {"sender": uuid.uuid4().hex, "message": LONG})  # warm up
    answer = post_json(url, {"sender": uuid.uuid4().hex, "message": LONG})
    assert answer.status == 200
    assert answer.json()[0]["text"].startswith(TOO_LONG)
    assert answer.seconds < 1.0, f"{answer.seconds:.2f} s"


def test_a_long_message_on_socket_io_gets_the_same_answer(assistant):
    async def scenario():
        user = SocketUser(assistant.rasa.url)
        client = await user.connect()
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await user.wait_for(1)
        await client.emit("user_uttered", {"message": LONG, "session_id": session})
        received = await user.wait_for(2, timeout_s=15)
        await user.hang_up(client)
        return received

    received = asyncio.run(scenario())
    assert len(received) >= 2 and received[1].get("text", "").startswith(TOO_LONG), received


def test_the_page_relay_refuses_a_long_message_without_asking_rasa(assistant):
    answer = post_json(assistant.page.url + "/api/chat", {"sender": uuid.uuid4().hex, "message": LONG},
                       headers={"Origin": assistant.page.url})
    assert answer.status == 400
    assert answer.seconds < 1.0
