"""The operator endpoints and the public notice on a real Sanic server (as Rasa registers its channels)."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterator, Optional, Tuple

import aiohttp
import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

from operations.http import NoticeInput, OperatorInput
from tests.server.harness import free_port

TOKEN = "operator-test-token-0123456789"
KEY = "utter_faq/which_data"
GOOD = "De gegevens zijn anders dan eerst gedacht.\n\nBron: Bevolkingsonderzoek Nederland, 11 augustus 2025"

Call = Callable[..., Awaitable[Tuple[int, Dict[str, Any]]]]


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    """One real Sanic server for the module (Sanic 21.12 cannot start a second app in a process).

    ``/webhooks/`` has the channels as Rasa registers them with ``OPERATOR_TOKEN`` set;
    ``/off/operator`` has the operator channel as it is built without the setting.
    """
    saved = os.environ.pop("OPERATOR_TOKEN", None)  # (the autouse fixture has removed it already)
    app = Sanic(f"operator_test_{uuid.uuid4().hex[:8]}")
    app.blueprint(OperatorInput().blueprint(lambda *_: None), url_prefix="/off/operator")
    os.environ["OPERATOR_TOKEN"] = TOKEN
    register([NoticeInput(), OperatorInput()], app, "/webhooks/")
    if saved is None:
        os.environ.pop("OPERATOR_TOKEN")
    else:
        os.environ["OPERATOR_TOKEN"] = saved
    number = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def start() -> Any:
        server = await app.create_server(host="127.0.0.1", port=number, return_asyncio_server=True,
                                         access_log=False)
        await server.startup()
        started.set()
        return server

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    assert started.is_set()
    yield number
    server.close()
    asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def serve(port: int, test: Callable[[Call], Awaitable[None]]) -> None:
    """Runs ``test(call)``; ``call(method, path, body, token, name)`` returns the status and the JSON."""

    async def main() -> None:
        async with aiohttp.ClientSession() as session:
            async def call(method: str, path: str, body: Optional[Dict[str, Any]] = None,
                           token: Optional[str] = TOKEN, name: Optional[str] = None) -> Tuple[int, Any]:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                if name:
                    headers["X-Operator-Name"] = name
                async with session.request(method, f"http://127.0.0.1:{port}{path}", json=body,
                                           headers=headers) as answer:
                    payload = await answer.json() if answer.content_type == "application/json" else None
                    return answer.status, payload

            await test(call)

    asyncio.run(main())


def test_without_a_token_setting_there_are_no_operator_routes(port):
    async def test(call: Call) -> None:
        for method, path in (("GET", "/off/operator/state"), ("PUT", "/off/operator/notice"),
                             ("PUT", "/off/operator/safe-mode"), ("PUT", "/off/operator/override")):
            assert (await call(method, path, {"nl": "x"}))[0] == 404
        assert (await call("GET", "/webhooks/operator/state"))[0] == 200  # the same routes with the setting
        assert await call("GET", "/webhooks/notice/", token=None) == (200, {"notice": None})

    serve(port, test)


def test_every_route_needs_the_token(port):
    async def test(call: Call) -> None:
        for token in (None, "wrong", TOKEN[:-1], TOKEN + "x"):
            for method, path in (("GET", "/webhooks/operator/state"), ("PUT", "/webhooks/operator/safe-mode"),
                                 ("DELETE", "/webhooks/operator/notice")):
                assert (await call(method, path, token=token))[0] == 401, (token, path)
        assert await call("GET", "/webhooks/operator/state") == (200, {"ok": True, "state": {}})

    serve(port, test)


def test_a_notice_is_set_shown_and_removed(port):
    async def test(call: Call) -> None:
        status, _ = await call("PUT", "/webhooks/operator/notice",
                               {"nl": "De brieven zijn verstuurd.", "date": "2026-12-07"})
        assert status == 200
        assert await call("GET", "/webhooks/notice/", token=None) == (200, {"notice": {
            "date": "2026-12-07", "nl": "Bericht van 7 december 2026: De brieven zijn verstuurd.",
            "en": "Bericht van 7 december 2026: De brieven zijn verstuurd."}})
        assert (await call("DELETE", "/webhooks/operator/notice"))[0] == 200
        assert await call("GET", "/webhooks/notice/", token=None) == (200, {"notice": None})
        status, body = await call("PUT", "/webhooks/operator/notice", {"nl": "Zie https://example.org", "x": 1})
        assert status == 422 and any("guidance registry" in p for p in body["problems"])
        assert any("unknown fields: x" in p for p in body["problems"])

    serve(port, test)


def test_a_failing_override_gets_422_with_the_reasons_and_changes_nothing(port):
    async def test(call: Call) -> None:
        status, body = await call("PUT", "/webhooks/operator/override",
                                  {"key": KEY, "language": "nl", "text": "Alles is veilig."})
        assert status == 422 and body["ok"] is False
        assert any("Bron:" in problem for problem in body["problems"])
        status, body = await call("PUT", "/webhooks/operator/override",
                                  {"key": "utter_faq/unknown", "language": "nl", "text": GOOD})
        assert status == 422 and body["problems"] == ["no response named 'utter_faq/unknown' in the domain"]
        assert await call("GET", "/webhooks/operator/state") == (200, {"ok": True, "state": {}})

    serve(port, test)


def test_overrides_and_safe_mode_are_stored_logged_and_removed(port, caplog):
    async def test(call: Call) -> None:
        caplog.set_level(logging.INFO, logger="operations.audit")
        status, body = await call("PUT", "/webhooks/operator/override",
                                  {"key": KEY, "language": "nl", "text": GOOD}, name="crisis-team")
        assert status == 200
        entry = body["state"]["overrides"][KEY]["nl"]
        assert entry["text"] == GOOD and entry["by"] == "crisis-team" and not entry["withdrawn"]
        status, body = await call("PUT", "/webhooks/operator/override",
                                  {"key": KEY, "language": "en", "withdraw": True})
        assert status == 200 and body["state"]["overrides"][KEY]["en"]["withdrawn"] is True
        assert (await call("PUT", "/webhooks/operator/safe-mode"))[0] == 200
        assert (await call("GET", "/webhooks/operator/state"))[1]["state"]["safe_mode"]
        assert (await call("DELETE", "/webhooks/operator/safe-mode"))[0] == 200
        assert (await call("DELETE", "/webhooks/operator/override", {"key": KEY, "language": "nl"}))[0] == 200
        assert (await call("DELETE", "/webhooks/operator/override", {"key": KEY, "language": "nl"}))[0] == 404
        assert (await call("DELETE", f"/webhooks/operator/override?key={KEY}&language=en"))[0] == 200
        assert await call("GET", "/webhooks/operator/state") == (200, {"ok": True, "state": {}})

    serve(port, test)
    lines = [r.getMessage() for r in caplog.records if r.name == "operations.audit"]
    actions = [line.split("action=")[1].split()[0] for line in lines]
    assert actions == ["override_set", "override_withdrawn", "safe_mode_on", "safe_mode_off",
                       "override_removed", "override_removed"]
    assert lines[0].startswith("operator change: by=crisis-team at=20")
    assert f"key={KEY} language=nl" in lines[0]
    assert all("by=token-" in line for line in lines[1:])  # no name given: the token's id, not the token
    assert not any(TOKEN in line or "gegevens zijn anders" in line for line in lines)  # no secret, no text
