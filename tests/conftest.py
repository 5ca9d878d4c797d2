"""Shared fixtures: the real domain and real trackers built from real events."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional

import pytest
from aiohttp import web
from hypothesis import settings
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker

from settings import get as get_setting

ROOT = Path(__file__).resolve().parent.parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Property-based tests: the same generated examples on every run by default, so
# `make test` is reproducible; HYPOTHESIS_PROFILE=explore searches new ones.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=2000, print_blob=True)
settings.load_profile(get_setting("HYPOTHESIS_PROFILE"))


@pytest.fixture(autouse=True)
def operator_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test starts without operator changes: its own state file, no Redis (operations/)."""
    from operations import store

    path = tmp_path / "operator-state.json"
    monkeypatch.setenv("OPERATIONS_STATE_FILE", str(path))
    for name in ("OPERATIONS_REDIS_URL", "CHANNEL_REDIS_URL", "REDIS_HOST", "OPERATOR_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    store.reset()
    yield path
    store.reset()


@pytest.fixture(scope="session")
def domain() -> Domain:
    """The assistant's real domain: domain.yml with the responses of data/responses/."""
    from scripts.domain_files import load_domain

    return load_domain(ROOT)


@pytest.fixture(scope="session")
def domain_dict(domain: Domain) -> Dict[str, Any]:
    """The domain as the action server receives it."""
    return domain.as_dict()


def user_turn(intent: str, text: str, confidence: float = 0.9,
              faq_ranking: Optional[List[tuple]] = None) -> UserUttered:
    """Builds a user message event with realistic parse data."""
    parse: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    if faq_ranking:
        parse["response_selector"] = {
            "faq": {
                "response": {"intent_response_key": f"faq/{faq_ranking[0][0]}",
                             "confidence": faq_ranking[0][1]},
                "ranking": [{"intent_response_key": f"faq/{key}", "confidence": conf}
                            for key, conf in faq_ranking],
            }
        }
    return UserUttered(text, intent=parse["intent"], parse_data=parse)


def make_tracker(domain: Domain, turns: List[List[Event]]) -> Tracker:
    """Plays events into a Rasa tracker and converts it to the SDK's Tracker."""
    events: List[Event] = [ActionExecuted("action_listen")]
    for turn in turns:
        events.extend(turn)
    rasa_tracker = DialogueStateTracker.from_events("test-user", events, domain.slots)
    return Tracker.from_dict(rasa_tracker.current_state(EventVerbosity.ALL))


def closed_port_url() -> str:
    """An action endpoint URL on a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/webhook"


async def with_server(handler: Handler, body: Callable[[str], Awaitable[Any]]) -> Any:
    """Runs ``body(url)`` while an aiohttp server answers every POST /webhook with ``handler``."""
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, shutdown_timeout=0.1)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        return await body(f"http://127.0.0.1:{port}/webhook")
    finally:
        await runner.cleanup()


@pytest.fixture
def runtime_changes(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The changes to Rasa of ``runtime/`` installed for one test, and undone after it.

    Only for tests marked ``patches`` (left out with ``RASA_PATCHES=0``). A test's
    own ``monkeypatch`` changes are undone first, so none outlives the test.
    """
    from runtime import patches

    patches.uninstall()
    assert patches.install(), "the changes to Rasa could not be installed (see the warning in the log)"
    yield patches
    monkeypatch.undo()
    patches.uninstall()


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    """With ``RASA_PATCHES=0`` the tests of the changes to Rasa (marker ``patches``) are left out, not passed."""
    if get_setting("RASA_PATCHES"):
        return
    kept = [item for item in items if item.get_closest_marker("patches") is None]
    left_out = [item for item in items if item.get_closest_marker("patches") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
