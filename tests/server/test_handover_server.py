"""The handover to a person against a real Rasa server with the current model (``make test-server``).

Rasa runs as ``make run`` runs it (credentials.yml, the actions in the server,
SQLite tracker store); Chatwoot is ``tests.fake_chatwoot`` on loopback. The
offer comes from the real model and action, the pause and resume are Rasa's own
events in the stored conversation, and the assistant answers again afterwards.
"""

from __future__ import annotations

import json
import sqlite3
from typing import List

import pytest

from channels.sessions import TOKEN_HEADER
from handover import texts
from tests.fake_chatwoot import FakeChatwoot, agent_reply, resolved, send_webhook
from tests.rest_client import post_json, say
from tests.server.harness import Servers

pytestmark = pytest.mark.server

# A real Rasa server on a shared 2-core machine may take long for one answer.
HTTP_TIMEOUT_S = 60

SECRET = "chatwoot-server-test-secret"


@pytest.fixture(scope="module")
def chatwoot():
    fake = FakeChatwoot().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, chatwoot):
    workdir = tmp_path_factory.mktemp("rasa-handover")
    hours = workdir / "hours.yml"
    hours.write_text("weekly:\n" + "".join(f"  {day}: ['00:00-24:00']\n" for day in (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")), encoding="utf-8")
    env = {"CHATWOOT_URL": chatwoot.url, "CHATWOOT_API_TOKEN": "server-token", "CHATWOOT_INBOX_ID": "3",
           "CHATWOOT_WEBHOOK_SECRET": SECRET, "CHATWOOT_TIMEOUT_S": "2", "HANDOVER_HOURS_FILE": str(hours)}
    running = Servers(workdir, extra_env=env, action_server=False, enable_api=False).start()
    yield running
    running.stop()


def event_types(servers: Servers, sender: str) -> List[str]:
    with sqlite3.connect(servers.workdir / "conversations.db") as db:
        return [row[0] for row in db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id",
                                             (sender,))]


def test_a_real_rasa_hands_over_relays_redacted_and_takes_over_again(servers, chatwoot):
    answers, conversation = say(servers.url, "Ik wil een medewerker spreken", timeout=HTTP_TIMEOUT_S)
    offer = [answer for answer in answers if answer.get("buttons")]
    assert offer and offer[0]["text"] == texts.text("offer", "nl")
    assert [button["payload"] for button in offer[0]["buttons"]] == [texts.ACCEPT, texts.DECLINE]

    answers, conversation = say(servers.url, texts.ACCEPT, conversation, timeout=HTTP_TIMEOUT_S)
    assert "\n\n".join(answer["text"] for answer in answers) == texts.text("queued", "nl", position=2)
    chatwoot_id = chatwoot.last_conversation
    assert "pause" in event_types(servers, conversation[0])

    answers, conversation = say(servers.url, "Mijn BSN is 123456782, wat nu?", conversation,
                                timeout=HTTP_TIMEOUT_S)
    assert all("BSN" not in str(answer.get("text")) or "persoonsgegevens" in str(answer.get("text"))
               for answer in answers)  # at most the privacy notice; no answer of the assistant
    assert "123456782" not in json.dumps(chatwoot.requests)
    assert chatwoot.calls(f"/conversations/{chatwoot_id}/messages")[-1]["body"]["content"].startswith(
        "Mijn BSN is [")

    url = f"{servers.url}/webhooks/chatwoot/webhook"
    assert send_webhook(url, SECRET, agent_reply(chatwoot_id, "Fout"), bad_signature=True) == 401
    assert send_webhook(url, SECRET, agent_reply(chatwoot_id, "Goedemorgen, ik help u.")) == 200
    status, replies, _ = post_json(f"{servers.url}/webhooks/rest/updates", {"sender": conversation[0]},
                                   {TOKEN_HEADER: conversation[1]}, HTTP_TIMEOUT_S)
    assert status == 200 and replies == [{"text": "Goedemorgen, ik help u.", "from": "person"}]

    assert send_webhook(url, SECRET, resolved(chatwoot_id)) == 200
    status, replies, _ = post_json(f"{servers.url}/webhooks/rest/updates", {"sender": conversation[0]},
                                   {TOKEN_HEADER: conversation[1]}, HTTP_TIMEOUT_S)
    assert replies == [{"text": texts.text("resumed", "nl")}]
    assert event_types(servers, conversation[0]).count("resume") == 1
    calls = len(chatwoot.requests)
    answers, _ = say(servers.url, "Welke gegevens zijn gestolen?", conversation, timeout=HTTP_TIMEOUT_S)
    assert answers and "Bron:" in "\n".join(str(answer.get("text")) for answer in answers)
    assert len(chatwoot.requests) == calls
