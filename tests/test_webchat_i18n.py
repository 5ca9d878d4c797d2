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
from webchat.pages import TEMPLATES, render_pages
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
    """Parses a page as served with the default settings."""
    markup = Markup()
    markup.feed(render_pages({})[name])
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
    html = (TEMPLATES / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    buttons = parse("index.html").languages
    assert [(b["data-language"], b["lang"], b["aria-pressed"]) for b in buttons] == [
        ("nl", "nl", "true"), ("en", "en", "false")]
    assert all(b.get("type") == "button" for b in buttons)


def test_statements_link_each_other_and_english_says_the_same_things():
    pages = render_pages({})
    for dutch_name, english_name, route in (("privacy.html", "privacy-en.html", "/privacy"),
                                            ("toegankelijkheid.html", "toegankelijkheid-en.html", "/toegankelijkheid")):
        dutch = [link["href"] for link in parse(dutch_name).links]
        english = [link["href"] for link in parse(english_name).links]
        assert f"{route}/en" in dutch and route in english
        assert {link.get("lang") for link in parse(dutch_name).links if link["href"] == f"{route}/en"} == {"en"}
        # both pages have the same structure: headings, list items and paragraphs
        for tag in ("<h2", "<li", "<p"):
            assert pages[dutch_name].count(tag) == pages[english_name].count(tag), (dutch_name, tag)
    for fact in ("30 days", "IP addresses", "sessionStorage", "No cookies", "BSN", "Autoriteit Persoonsgegevens"):
        assert fact in pages["privacy-en.html"]
    for fact in ("WCAG 2.1", "EN 301 549", "axe-core", "320"):
        assert fact in pages["toegankelijkheid-en.html"] and fact in pages["toegankelijkheid.html"]


def test_english_statements_are_served_with_the_security_headers_and_only_registered_links():
    """The privacy page links to the complaint page of the Autoriteit Persoonsgegevens.

    It used to have no address at all; the right to complain is easier to use with the
    address, which comes from the guidance registry like every link the assistant gives.
    """
    from actions.guidance import load_registry

    async def scenario():
        client = TestClient(TestServer(create_app(f"http://127.0.0.1:{free_port()}")))
        await client.start_server()
        try:
            answers = [await client.get(path) for path in ("/privacy/en", "/toegankelijkheid/en")]
            return [(a.status, a.headers, await a.text()) for a in answers]
        finally:
            await client.close()

    for status, headers, html in asyncio.run(scenario()):
        assert status == 200
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert '<html lang="en">' in html
        assert "http://" not in html
        links = re.findall(r"https://[^\s\"<>]+", html)
        assert all(load_registry().find_url(link) for link in links), links
    assert load_registry().get("ap_tip_or_complaint").url in asyncio.run(scenario())[0][2]


def test_no_page_text_left_untranslated_in_the_english_module():
    english = " ".join(strings("en").values())
    for dutch_word in ("Verstuur", "vraag", "verbinding", "gesprek", "Bron"):
        assert dutch_word not in english
    assert Path(I18N / "en.js").read_text(encoding="utf-8").count("/privacy/en") == 1
