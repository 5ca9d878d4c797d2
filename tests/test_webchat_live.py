"""The page's live region (webchat/static/js/live.js) keeps an announcement long enough to be read out."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

LIVE = Path(__file__).resolve().parent.parent / "webchat" / "static" / "js" / "live.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def stale(added_at: list, now: int) -> int:
    """How many of the oldest announcements live.js removes at ``now``."""
    script = f"""
    import {{ staleCount }} from {json.dumps(LIVE.as_uri())};
    console.log(JSON.stringify(staleCount({json.dumps(added_at)}, {now})));
    """
    result = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                            timeout=30, check=True)
    return json.loads(result.stdout)


def test_a_burst_keeps_every_line():
    # "De verbinding is hersteld." and an answer of three bubbles in the same moment
    assert stale([0, 0, 0, 0], 0) == 0
    assert stale([0] * 12, 50) == 0


def test_old_lines_go_once_newer_ones_follow():
    assert stale([0, 0, 0, 0], 10_000) == 1
    assert stale([0, 1_000, 20_000, 20_000, 20_000, 25_000], 25_000) == 2


def test_the_newest_three_stay_however_old():
    assert stale([0, 0, 0], 60_000) == 0
    assert stale([0, 0, 0, 0, 0], 60_000) == 2
