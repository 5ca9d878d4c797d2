"""Operator control as `make run` starts it: no OPERATOR_TOKEN, so no operator endpoint answers (404).

A guessed token or any method changes nothing; the public notice only reads.
"""

from __future__ import annotations

import pytest

from tests.security.client import request

pytestmark = pytest.mark.security

PATHS = ("state", "notice", "override", "safe-mode", "", "../operator/state")


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_without_a_token_setting_every_operator_path_is_404(assistant, method):
    for path in PATHS:
        for headers in ({}, {"Authorization": "Bearer guessed"}, {"Authorization": "Bearer "}):
            answer = request(f"{assistant.rasa.url}/webhooks/operator/{path}", method, b"{}",
                             {"Content-Type": "application/json", **headers})
            assert answer.status == 404, (method, path, headers, answer.status)


def test_the_public_notice_only_reads(assistant):
    answer = request(f"{assistant.rasa.url}/webhooks/notice/")
    assert answer.status == 200 and "notice" in answer.json()
    for method in ("PUT", "POST", "DELETE"):
        assert request(f"{assistant.rasa.url}/webhooks/notice/", method, b"{}").status == 405
        assert request(f"{assistant.page.url}/api/notice", method, b"{}").status == 405
    page = request(f"{assistant.page.url}/api/notice")
    assert page.status == 200 and "notice" in page.json()
    assert page.headers.get("content-security-policy", "").startswith("default-src 'none'")
