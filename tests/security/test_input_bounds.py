"""Finding 2: every input is bounded; hostile sizes and shapes get a 4xx with a short reason, never a 5xx."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import pytest

from tests.security.client import SocketUser, nested, nested_text, post_json, request

pytestmark = pytest.mark.security

REST = "/webhooks/rest/webhook"


def sender() -> str:
    return uuid.uuid4().hex


def test_two_megabytes_of_metadata_are_refused_at_once(assistant):
    metadata = {"blob": "a" * 2_000_000}
    answer = post_json(assistant.rasa.url + REST, {"sender": sender(), "message": "hallo", "metadata": metadata})
    assert answer.status == 413
    assert answer.seconds < 1.0


def test_a_big_request_does_not_stall_other_users(assistant):
    """While 2 MB requests arrive, a normal message is answered as fast as without them."""
    url = assistant.rasa.url + REST
    post_json(url, {"sender": sender(), "message": "hallo"})  # warm up
    quiet = min(post_json(url, {"sender": sender(), "message": "hallo"}).seconds for _ in range(3))
    big = json.dumps({"sender": sender(), "message": "hallo", "metadata": {"blob": "b" * 2_000_000}})
    stop = threading.Event()

    refused = []

    def flood() -> None:
        while not stop.is_set():
            try:
                refused.append(request(url, "POST", big).status)
            except OSError:  # the server may close the connection before the whole body is sent
                refused.append(None)

    threads = [threading.Thread(target=flood) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        busy = sorted(post_json(url, {"sender": sender(), "message": "hallo"}).seconds for _ in range(5))[2]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert len(refused) >= 4 and 200 not in refused
    assert busy < quiet + 0.5, f"normal message took {busy:.2f} s under the flood, {quiet:.2f} s without"


def test_metadata_too_big_but_under_the_body_limit_is_refused(assistant):
    answer = post_json(assistant.rasa.url + REST,
                       {"sender": sender(), "message": "hallo", "metadata": {"blob": "c" * 20_000}})
    assert answer.status == 413
    assert "error" in answer.json()


def test_deeply_nested_metadata_is_a_client_error(assistant):
    body = f'{{"sender": "{sender()}", "message": "hallo", "metadata": {{"a": {nested_text(900)}}}}}'
    answer = request(assistant.rasa.url + REST, "POST", body)
    assert 400 <= answer.status < 500
    assert len(answer.body) < 500


def test_deeply_nested_body_is_a_client_error(assistant):
    body = f'{{"sender": "{sender()}", "message": {nested_text(900)}}}'
    answer = request(assistant.rasa.url + REST, "POST", body)
    assert 400 <= answer.status < 500


def test_metadata_nested_a_little_too_deep_is_refused(assistant):
    answer = post_json(assistant.rasa.url + REST, {"sender": sender(), "message": "hallo",
                                                   "metadata": {"a": nested(40)}})
    assert answer.status == 400


def test_no_traceback_is_written_for_hostile_bodies(assistant):
    before = assistant.rasa.rasa_log.stat().st_size
    statuses = [request(assistant.rasa.url + REST, "POST",
                        f'{{"sender": "{sender()}", "message": "hi", "metadata": {nested_text(900)}}}').status
                for _ in range(3)]
    assert all(400 <= status < 500 for status in statuses), statuses
    time.sleep(0.5)
    written = assistant.rasa.rasa_log.read_bytes()[before:]
    assert b"Traceback" not in written
    assert b"RecursionError" not in written


def test_long_sender_is_refused(assistant):
    answer = post_json(assistant.rasa.url + REST, {"sender": "s" * 10_000, "message": "hallo"})
    assert answer.status == 400


@pytest.mark.parametrize("body", ["[1, 2, 3]", '"tekst"', "42", "null", "{", "\xff\xfe"])
def test_api_chat_refuses_a_body_that_is_not_an_object(assistant, body):
    answer = request(assistant.page.url + "/api/chat", "POST", body.encode("latin-1"),
                     headers={"Origin": assistant.page.url})
    assert answer.status == 400


def test_api_chat_refuses_deep_json(assistant):
    body = f'{{"sender": "{sender()}", "message": {nested_text(5000)}}}'
    answer = request(assistant.page.url + "/api/chat", "POST", body, headers={"Origin": assistant.page.url})
    assert 400 <= answer.status < 500


def test_api_chat_answers_a_normal_message(assistant):
    answer = post_json(assistant.page.url + "/api/chat", {"sender": sender(), "message": "hallo"},
                       headers={"Origin": assistant.page.url})
    assert answer.status == 200
    assert answer.json() and "text" in answer.json()[0]


@pytest.mark.parametrize("message", [{"text": "hallo"}, ["hallo"], 42])
def test_socket_message_that_is_not_text_is_answered(assistant, message):
    """Old: a dict as message was dropped with an AttributeError; now the user gets the 'unreadable' answer."""

    async def scenario():
        user = SocketUser(assistant.rasa.url)
        client = await user.connect()
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await user.wait_for(1)
        await client.emit("user_uttered", {"message": message, "session_id": session})
        received = await user.wait_for(2, timeout_s=15)
        await user.hang_up(client)
        return received

    received = asyncio.run(scenario())
    assert len(received) >= 2, received
    assert received[1].get("text")


def test_socket_metadata_too_deep_or_too_big_is_answered_without_error(assistant):
    """Each hostile message gets an answer, the next normal one too, and nothing fails in the server."""
    before = assistant.rasa.rasa_log.stat().st_size

    async def scenario():
        user = SocketUser(assistant.rasa.url)
        client = await user.connect()
        session = uuid.uuid4().hex
        await client.emit("session_request", {"session_id": session})
        await user.wait_for(1)
        for metadata in (nested_text(5000), {"blob": "d" * 30_000}, "{not json"):
            count = len(user.received)
            await client.emit("user_uttered", {"message": "hallo", "session_id": session, "metadata": metadata})
            await user.wait_for(count + 1, timeout_s=15)
        count = len(user.received)
        await client.emit("user_uttered", {"message": "hallo", "session_id": session})
        received = await user.wait_for(count + 1, timeout_s=15)
        await user.hang_up(client)
        return received

    received = asyncio.run(scenario())
    assert len(received) >= 5, received
    written = assistant.rasa.rasa_log.read_bytes()[before:]
    assert b"Traceback" not in written
