"""The chat page in two languages: string modules, page markup, English privacy page."""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Set

from aiohttp.test_utils import TestClient, TestServer

from channels.socket_io import LANGUAGE_COMMANDS
from tests.services import free_port
from webchat.server import STATIC, create_app

I18N = STATIC / "js" / "i18n"
ENTRY = re.compile(r"^  (\w+): (.+),$", re.MULTILINE)


def strings(language: str) -> Dict[str, str]:
    """Reads a string module (``js/i18n/<language>.js``) as key -> JavaScript literal."""
    return dict(ENTRY.findall((I18N / f"{language}.js").read_text(encoding="utf-8")))


class Markup(HTMLParser):
    """Collects the string keys an HTML page refers to, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: Set[str] = set()
        self.links: List[Dict[str, str]] = []
        self.languages: List[Dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {name: value or "" for name, value in attrs}
        if "data-i18n" in found:
            self.keys.add(found["data-i18n"])
        for pair in found.get("data-i18n-attr", "").split():
            self.keys.add(pair.split(":", 1)[1])
        if tag == "a":
            self.links.append(found)
        if "data-language" in found:
            self.languages.append(found)


def parse(name: str) -> Markup:
    markup = Markup()
    markup.feed((STATIC / name).read_text(encoding="utf-8"))
    return markup


def test_both_languages_have_the_same_strings_and_the_page_uses_only_those():
    dutch, english = strings("nl"), strings("en")
    assert len(dutch) > 25
    assert dutch.keys() == english.keys()
    assert parse("index.html").keys <= dutch.keys()
    assert dutch["lang"] == '"nl"' and english["lang"] == '"en"'
    # every string is translated: none is left the same
    assert {key for key in dutch if dutch[key] == english[key]} == set()


def test_the_language_switch_sends_exactly_the_commands_the_channel_lets_through():
    sent = {strings(language)["switchCommand"].strip("'") for language in ("nl", "en")}
    assert sent == LANGUAGE_COMMANDS


def test_index_page_is_dutch_by_default_and_has_a_language_switch():
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    buttons = parse("index.html").languages
    assert [(b["data-language"], b["lang"], b["aria-pressed"]) for b in buttons] == [
        ("nl", "nl", "true"), ("en", "en", "false")]
    assert all(b.get("type") == "button" for b in buttons)


def test_privacy_pages_link_each_other_and_english_says_the_same_things():
    dutch = [link["href"] for link in parse("privacy.html").links]
    english = [link["href"] for link in parse("privacy-en.html").links]
    assert "/privacy/en" in dutch and "/privacy" in english
    assert {link.get("lang") for link in parse("privacy.html").links if link["href"] == "/privacy/en"} == {"en"}
    english_text = (STATIC / "privacy-en.html").read_text(encoding="utf-8")
    for fact in ("30 days", "IP addresses", "sessionStorage", "No cookies", "BSN"):
        assert fact in english_text
    # both pages have the same structure: headings and list items
    for tag in ("<h2", "<li", "<p"):
        assert (STATIC / "privacy.html").read_text(encoding="utf-8").count(tag) == english_text.count(tag)


def test_english_privacy_page_is_served_with_the_security_headers():
    async def scenario():
        client = TestClient(TestServer(create_app(f"http://127.0.0.1:{free_port()}")))
        await client.start_server()
        try:
            response = await client.get("/privacy/en")
            return response.status, response.headers, await response.text()
        finally:
            await client.close()

    status, headers, html = asyncio.run(scenario())
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert '<html lang="en">' in html
    assert "http://" not in html and "https://" not in html


def test_no_page_text_left_untranslated_in_the_english_module():
    english = " ".join(strings("en").values())
    for dutch_word in ("Verstuur", "vraag", "verbinding", "gesprek", "Bron"):
        assert dutch_word not in english
    assert Path(I18N / "en.js").read_text(encoding="utf-8").count("/privacy/en") == 1
