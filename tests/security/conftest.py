"""The running assistant, as ``make run`` starts it, attacked from outside: one start per test session.

The Rasa server runs without its HTTP API and with the actions in process (no
action server), the web page's server in front of it; short deadlines keep
the slow-connection tests fast. The messaging channels are on, with test
secrets (``CHANNELS``) and their platform APIs pointed at a closed port, so
that their webhooks can be attacked too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.server.harness import Servers, WebPage, free_port

# Deadline for a request's headers in these tests (HTTP_HEADER_TIMEOUT_S; the default is 10 s).
HEADER_TIMEOUT_S = 2
# Test secrets of the messaging channels (an attacker does not know them; the platforms do).
CHANNELS = {
    "TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN": "twilio-test-token",
    "TELEGRAM_TOKEN": "123456:test-bot-token", "TELEGRAM_SECRET_TOKEN": "telegram-test-secret",
    "FACEBOOK_VERIFY_TOKEN": "fb-verify", "FACEBOOK_APP_SECRET": "fb-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
}


@dataclass
class Assistant:
    """The servers under attack."""

    rasa: Servers
    page: WebPage


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Assistant:
    workdir = tmp_path_factory.mktemp("security")
    env = {"HTTP_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S)}
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens: replies to the platforms fail at once
    platforms = {**CHANNELS, "TWILIO_API_BASE": closed, "TELEGRAM_API_BASE": closed,
                 "FACEBOOK_API_BASE": closed, "CHANNEL_HTTP_TIMEOUT_S": "2"}
    rasa = Servers(workdir, extra_env={**env, **platforms}, enable_api=False, action_server=False).start()
    try:
        page = WebPage(workdir, rasa.url, extra_env=env).start()
    except BaseException:
        rasa.stop()
        raise
    yield Assistant(rasa, page)
    page.stop()
    rasa.stop()
