"""Origin checks, Sec-Fetch-Site, the log filter against forged lines, the action server's token."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from channels.config import allowed_origins, expose_versions, header_timeout_s
from channels.web_security import cross_site, origin_allowed, origin_of
from privacy.logs import RedactingFilter, neutralise_line_breaks
from runtime.action_server import authorised
from runtime.action_token import with_token


def test_origins_are_normalised():
    assert origin_of("HTTPS://Chat.Example.nl:443/pad") == "https://chat.example.nl"
    assert origin_of("http://localhost:8080") == "http://localhost:8080"
    assert origin_of("null") is None and origin_of("file:///x") is None


def test_only_allowed_origins_pass():
    allowed = allowed_origins({"ALLOWED_ORIGINS": "https://chat.example.nl"})
    assert origin_allowed(None, allowed)  # not a browser's cross-origin request
    assert origin_allowed("https://chat.example.nl", allowed)
    assert not origin_allowed("https://evil.example", allowed)
    assert not origin_allowed("https://chat.example.nl.evil.example", allowed)
    assert not origin_allowed("null", allowed)


def test_the_default_origins_are_the_page_of_make_run():
    assert allowed_origins({"WEB_PORT": "9000"}) == ["http://localhost:9000", "http://127.0.0.1:9000"]
    with pytest.raises(ValueError):
        allowed_origins({"ALLOWED_ORIGINS": "chat.example.nl"})


def test_transport_settings_defaults():
    assert header_timeout_s({}) == 10.0
    assert not expose_versions({}) and expose_versions({"EXPOSE_VERSIONS": "1"})


@pytest.mark.parametrize(("site", "foreign"), [("cross-site", True), ("same-site", True),
                                                ("same-origin", False), ("none", False), (None, False)])
def test_sec_fetch_site(site, foreign):
    assert cross_site({} if site is None else {"Sec-Fetch-Site": site}) is foreign


def test_a_value_cannot_start_a_log_line_of_its_own():
    forged = "received from abc\r\n2026-12-07 00:00:00 INFO root - admin logged in"
    cleaned = neutralise_line_breaks(forged)
    assert all(not line.startswith("2026") for line in cleaned.splitlines())
    assert "\\r" in cleaned
    assert neutralise_line_breaks("one line") == "one line"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sender %s", ("a\nb",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "sender a\n    b"


def test_the_action_server_token_is_checked():
    assert authorised("Bearer s3cret", "s3cret")
    assert not authorised("Bearer wrong", "s3cret")
    assert not authorised(None, "s3cret") and not authorised("s3cret", "s3cret")


def test_the_rasa_server_sends_the_token_with_each_action_call(monkeypatch):
    seen = []

    async def remote_run(action, *_):
        seen.append(dict(action.action_endpoint.headers))

    action = SimpleNamespace(action_endpoint=SimpleNamespace(headers=None))
    asyncio.run(with_token(remote_run, "s3cret")(action))
    assert seen == [{"Authorization": "Bearer s3cret"}]
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    assert with_token(remote_run) is remote_run  # no token: the call is unchanged
