"""The benchmark of the channels' defences runs each real check on each message."""

from __future__ import annotations

import json

from bench.guard_cost import checks, main


def test_each_check_does_its_work():
    texts = ["Is mijn BSN 123456782 gelekt?", "hoi"]
    bodies = [json.dumps({"sender": "s", "message": t}).encode() for t in texts]
    results = {name: check(0) for name, check in checks(bodies, texts).items()}
    assert results["body within limits (JSON, size, depth)"]["message"] == texts[0]
    assert results["conversation token checked and renewed"].resumed is True
    assert results["rate limit per sender"] is True
    assert "123456782" not in (results["privacy check and redaction"].text or "")


def test_prints_one_row_per_check_and_the_sum(capsys):
    assert main(["--messages", "40", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n| ") == 6 and "| all (sum) |" in out
