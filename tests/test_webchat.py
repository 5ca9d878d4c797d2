"""The local web page and its relay to Rasa, against a fake Rasa on loopback."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from channels.sessions import ID_HEADER, TOKEN_HEADER
from webchat.server import create_app, spacy_model_version

SENDER = "abcdef0123456789"
ISSUED = {ID_HEADER: "0123456789abcdef0123456789abcdef", TOKEN_HEADER: "1900000000.c2lnbmF0dXJl"}


def fake_rasa(received: list, status: int = 200) -> web.Application:
    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        if TOKEN_HEADER in request.headers:
            body["token header"] = request.headers[TOKEN_HEADER]
        received.append(body)
        if status != 200:
            return web.Response(status=status)
        return web.json_response([{"recipient_id": SENDER, "text": "Antwoord", "buttons": []}], headers=ISSUED)

    async def root(_: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/", root)
    return app


async def with_clients(received, scenario, status=200, environ=None):
    upstream = TestServer(fake_rasa(received, status))
    await upstream.start_server()
    client = TestClient(TestServer(create_app(str(upstream.make_url("")), environ)))
    await client.start_server()
    try:
        return await scenario(client)
    finally:
        await client.close()
        await upstream.close()


def test_message_is_relayed_and_answer_returned():
    received = []

    async def scenario(client):
        response = await client.post("/api/chat", json={"sender": SENDER, "message": "Welk lab?"})
        return response.status, await response.json()

    status, body = asyncio.run(with_clients(received, scenario))
    assert status == 200
    assert body[0]["text"] == "Antwoord"
    assert received == [{"sender": SENDER, "message": "Welk lab?"}]


def test_the_conversation_token_goes_to_rasa_and_the_issued_conversation_comes_back():
    received = []

    async def scenario(client):
        first = await client.post("/api/chat", json={"message": "Welk lab?"})
        issued = {name: first.headers.get(name) for name in ISSUED}
        await client.post("/api/chat", json={"sender": issued[ID_HEADER], "message": "En nu?"},
                          headers={TOKEN_HEADER: issued[TOKEN_HEADER]})
        await client.post("/api/chat", json={"sender": SENDER, "message": "En toen?", "token": "1.abc"})
        return issued

    assert asyncio.run(with_clients(received, scenario)) == ISSUED
    assert received == [
        {"message": "Welk lab?"},
        {"sender": ISSUED[ID_HEADER], "message": "En nu?", "token header": ISSUED[TOKEN_HEADER]},
        {"sender": SENDER, "message": "En toen?", "token header": "1.abc"},
    ]


def test_invalid_requests_are_refused_before_reaching_rasa():
    received = []

    async def scenario(client):
        statuses = []
        for payload in ({"sender": "../etc", "message": "x"}, {"sender": SENDER, "message": 5},
                        {"sender": SENDER, "message": "x" * 6000}, {"sender": SENDER, "message": "x", "token": 5},
                        {"sender": SENDER, "message": "x", "token": "1." + "a" * 200}):
            statuses.append((await client.post("/api/chat", json=payload)).status)
        statuses.append((await client.post("/api/chat", data=b"\xff\xfe not json")).status)
        return statuses

    assert asyncio.run(with_clients(received, scenario)) == [400] * 6
    assert received == []


def test_rasa_error_becomes_502_not_a_crash():
    async def scenario(client):
        return (await client.post("/api/chat", json={"sender": SENDER, "message": "hoi"})).status

    assert asyncio.run(with_clients([], scenario, status=500)) == 502


def test_page_has_strict_security_headers_and_dutch_language():
    async def scenario(client):
        response = await client.get("/")
        return response.headers, await response.text()

    headers, html = asyncio.run(with_clients([], scenario))
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert '<html lang="nl">' in html
    assert "http://" not in html and "cdn" not in html.lower()


def test_health_reports_spacy_model_and_content_date_to_operators():
    async def scenario(client):
        return await (await client.get("/health")).json()

    health = asyncio.run(with_clients([], scenario, environ={"EXPOSE_VERSIONS": "1"}))
    assert health["spacy_model_version"].startswith("3.4.0")
    assert len(health["content_date"]) == 10  # YYYY-MM-DD; which date: the test below
    assert health["rasa"] == {"reachable": True, "version": "3.6.21"}
    assert health["status"] == "ok"


def test_health_shows_no_versions_to_the_public():
    async def scenario(client):
        return await (await client.get("/health")).text()

    health = asyncio.run(with_clients([], scenario, environ={}))
    assert "version" not in health and "3.6.21" not in health
    assert '"reachable": true' in health


def test_health_shows_the_content_date_of_content_meta_and_the_newest_answer(tmp_path, monkeypatch):
    import yaml

    from scripts.content_check import check
    from scripts.content_rules import source_dates
    from webchat import server

    meta = yaml.safe_load(server.CONTENT_META.read_text(encoding="utf-8"))
    answers = yaml.safe_load((server.ROOT / "data" / "responses" / "faq.yml").read_text(encoding="utf-8"))["responses"]
    newest = max(d for variations in answers.values() for v in variations for d in source_dates(v["text"]))
    assert not check().global_problems  # content_date is the newest date of all answers
    assert newest.isoformat() == meta["content_date"]

    async def scenario(client):
        return await (await client.get("/health")).json()

    assert asyncio.run(with_clients([], scenario))["content_date"] == meta["content_date"]
    # /health reads the file on every request: a new content date shows without code changes.
    moved = tmp_path / "content_meta.yml"
    moved.write_text('content_date: "2026-03-02"\n', encoding="utf-8")
    monkeypatch.setattr(server, "CONTENT_META", moved)
    assert asyncio.run(with_clients([], scenario))["content_date"] == "2026-03-02"


def test_spacy_version_matches_what_spacy_loads():
    import spacy

    assert spacy_model_version() == spacy.load("nl_core_news_sm").meta["version"]


def test_health_is_degraded_with_503_when_rasa_is_down():
    async def scenario():
        from tests.services import free_port

        client = TestClient(TestServer(create_app(f"http://127.0.0.1:{free_port()}")))
        await client.start_server()
        try:
            response = await client.get("/health")
            return response.status, await response.json()
        finally:
            await client.close()

    status, health = asyncio.run(scenario())
    assert status == 503
    assert health["status"] == "degraded"
    assert health["rasa"] == {"reachable": False}
