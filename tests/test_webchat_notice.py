"""The operators' notice above the chat: the page's /api/notice, the markup and the script that shows it."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from operations.store import current
from webchat.server import create_app

STATIC = Path(__file__).resolve().parent.parent / "webchat" / "static"
NOTICE = {"text": {"nl": "De brieven zijn verstuurd."}, "date": "2026-12-07", "by": "t", "at": "t"}


def get_notice() -> dict:
    async def scenario() -> dict:
        client = TestClient(TestServer(create_app("http://127.0.0.1:9")))
        await client.start_server()
        try:
            answer = await client.get("/api/notice")
            assert answer.status == 200
            assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
            return await answer.json()
        finally:
            await client.close()

    return asyncio.run(scenario())


def test_the_page_server_gives_the_notice_and_none_after_removal():
    assert get_notice() == {"notice": None}
    current().update(lambda state: {**state, "notice": NOTICE})
    line = "Bericht van 7 december 2026: De brieven zijn verstuurd."
    assert get_notice() == {"notice": {"date": "2026-12-07", "nl": line, "en": line}}
    current().update(lambda state: {})
    assert get_notice() == {"notice": None}


def test_the_notice_has_its_place_above_the_chat():
    page = (STATIC.parent / "templates" / "index.html").read_text(encoding="utf-8")
    assert page.index('id="notice"') < page.index('<section class="chat"')
    assert '<p id="notice" class="chat__notice" role="note" hidden></p>' in page
    main = (STATIC / "js" / "main.js").read_text(encoding="utf-8")
    assert 'import { watchNotice } from "./notice.js";' in main and "watchNotice(noticeLine" in main
    assert 'fetch("/api/notice"' in (STATIC / "js" / "notice.js").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_script_shows_the_line_of_the_page_language_and_hides_an_empty_notice():
    script = f"""
    import {{ showNotice }} from {json.dumps((STATIC / "js" / "notice.js").as_uri())};
    const element = {{ textContent: "", hidden: true }};
    const out = [];
    showNotice(element, {{ date: "2026-12-07", nl: "NL-regel", en: "EN line" }}, "en");
    out.push([element.textContent, element.hidden]);
    showNotice(element, {{ date: "2026-12-07", nl: "NL-regel", en: "" }}, "en");
    out.push([element.textContent, element.hidden]);
    showNotice(element, null, "nl");
    out.push([element.textContent, element.hidden]);
    console.log(JSON.stringify(out));
    """
    result = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                            timeout=30, check=True)
    assert json.loads(result.stdout) == [["EN line", False], ["NL-regel", False], ["", True]]
