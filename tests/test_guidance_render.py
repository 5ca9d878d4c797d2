"""Guidance entries rendered per channel: URL buttons where they open a page, text lines elsewhere."""

from __future__ import annotations

import pytest

from actions.guidance import Registry
from actions.guidance_render import entry_line, render_links
from tests.extract import REGISTRY_FILE


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(REGISTRY_FILE)


def test_phone_line_has_number_and_opening_hours_in_the_readers_language(registry):
    phone = registry.get("cmi_phone")
    assert entry_line(phone) == ("Centraal Meldpunt Identiteitsfraude: 088 900 10 00 "
                                 "(maandag tot en met vrijdag, 8.30 tot 17.00 uur)")
    assert entry_line(phone, "en").endswith("088 900 10 00 (Monday to Friday, 8:30 to 17:00)")
    assert entry_line(registry.get("emergency_phone")) == "Alarmnummer (spoed): 112"


def test_web_page_channels_get_text_lines_in_priority_order(registry):
    links = registry.links_for("identity_fraud")
    for channel in ("rest", "socketio", None):
        rendered = render_links(links, channel)
        assert rendered.buttons == []
        assert rendered.text.splitlines() == [entry_line(entry) for entry in links]
    assert rendered.text.splitlines()[-1].endswith("https://www.rijksoverheid.nl/onderwerpen/identiteitsfraude")


def test_facebook_gets_url_buttons_up_to_its_limit_and_the_rest_as_text(registry):
    entries = registry.links_for("identity_fraud") + registry.phones_for("identity_fraud")
    rendered = render_links(entries, "facebook", "en")
    assert rendered.buttons == [
        {"type": "web_url", "title": entry.title["en"], "url": entry.url} for entry in entries[:3]]
    assert rendered.text.splitlines() == [entry_line(entry, "en") for entry in entries[3:]]


def test_phone_numbers_are_never_buttons(registry):
    rendered = render_links(registry.phones_for("phishing"), "facebook")
    assert rendered.buttons == []
    assert rendered.text == "Fraudehelpdesk: 088 786 73 72"
