"""The running assistant, as ``make run`` starts it, attacked from outside: one start per test session.

The Rasa server runs without its HTTP API and with the actions in process (no
action server), the web page's server in front of it; short deadlines keep
the slow-connection tests fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.server.harness import Servers, WebPage

# Deadline for a request's headers in these tests (HTTP_HEADER_TIMEOUT_S; the default is 10 s).
HEADER_TIMEOUT_S = 2


@dataclass
class Assistant:
    """The servers under attack."""

    rasa: Servers
    page: WebPage


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Assistant:
    workdir = tmp_path_factory.mktemp("security")
    env = {"HTTP_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S)}
    rasa = Servers(workdir, extra_env=env, enable_api=False, action_server=False).start()
    try:
        page = WebPage(workdir, rasa.url, extra_env=env).start()
    except BaseException:
        rasa.stop()
        raise
    yield Assistant(rasa, page)
    page.stop()
    rasa.stop()
