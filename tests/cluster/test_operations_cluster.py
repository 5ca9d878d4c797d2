"""Operator control on the 2-instance cluster: a notice and an override, set on one instance, reach the
other within a minute (through the lock store's Redis), without retraining, and are removed the same way.
The operator endpoints are not reachable through nginx, token or not; the notice for the page is.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from tests.cluster.conftest import OPERATOR_TOKEN

pytestmark = pytest.mark.cluster

KEY = "utter_faq/which_data"
QUESTION = "Welke gegevens zijn gestolen?"
OVERRIDE = "De gestolen gegevens staan nu op een nieuwe lijst.\n\nBron: Bevolkingsonderzoek Nederland, 11 augustus 2025"
NOTICE_LINE = "Bericht van 7 december 2026: De brieven zijn verstuurd."
MINUTE_S = 60.0


def request(url: str, method: str = "GET", body: Optional[Dict[str, Any]] = None,
            token: Optional[str] = None) -> Tuple[int, Any]:
    headers = {"Content-Type": "application/json", "X-Operator-Name": "cluster-test"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers),
                                    timeout=60) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, None


def said(base: str, text: str) -> str:
    """The reply of one instance (or nginx) to one message, bubbles joined."""
    status, messages = request(f"{base}/webhooks/rest/webhook", "POST",
                               {"sender": f"operations-{uuid.uuid4().hex[:12]}", "message": text})
    assert status == 200, status
    return "\n\n".join(message.get("text") or "" for message in messages)


def within_a_minute(check: Callable[[], bool]) -> float:
    """Seconds until ``check`` holds (fails after a minute)."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < MINUTE_S, "not applied within a minute"
        time.sleep(1)
    return time.monotonic() - start


def operator(instance: Any, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> int:
    return request(f"{instance.url}/webhooks/operator/{path}", method, body or {}, OPERATOR_TOKEN)[0]


def test_a_notice_and_an_override_reach_both_instances_within_a_minute_and_are_removed(cluster):
    for instance in cluster.instances:  # an earlier test may have killed one
        if not instance.running():
            instance.start()
            instance.wait_ready()
    one, two = cluster.instances
    normal, greeting = said(two.url, QUESTION), said(two.url, "Hallo")
    assert normal != OVERRIDE and NOTICE_LINE not in greeting
    for token in (None, OPERATOR_TOKEN):
        assert request(f"{cluster.url}/webhooks/operator/state", token=token)[0] == 404
        assert request(f"{cluster.url}/webhooks/operator/safe-mode", "PUT", {}, token=token)[0] == 404

    assert operator(one, "PUT", "override", {"key": KEY, "language": "nl", "text": OVERRIDE}) == 200
    assert operator(one, "PUT", "notice", {"nl": "De brieven zijn verstuurd.", "date": "2026-12-07"}) == 200
    elapsed: List[float] = [
        within_a_minute(lambda: said(two.url, QUESTION) == OVERRIDE),
        within_a_minute(lambda: said(two.url, "Hallo") == f"{greeting}\n\n{NOTICE_LINE}"),
        within_a_minute(lambda: ((request(f"{cluster.url}/api/notice")[1] or {}).get("notice") or {}).get("nl")
                        == NOTICE_LINE),
    ]
    assert said(cluster.url, QUESTION) == OVERRIDE  # through nginx, whichever instance answers

    assert operator(two, "DELETE", "override", {"key": KEY, "language": "nl"}) == 200
    assert operator(two, "DELETE", "notice") == 200
    elapsed += [
        within_a_minute(lambda: said(one.url, QUESTION) == normal),
        within_a_minute(lambda: said(one.url, "Hallo") == greeting),
        within_a_minute(lambda: request(f"{cluster.url}/api/notice")[1] == {"notice": None}),
    ]
    print(f"operator changes reached the other instance after {max(elapsed):.1f} s at most")
    assert max(elapsed) < MINUTE_S
