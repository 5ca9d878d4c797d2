"""The pages the page server fills in: who runs the assistant, the content date, the greeting, the statements."""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import date

import pytest
from aiohttp.test_utils import TestClient, TestServer

from channels import config
from privacy.detect import find_personal_data
from tests.services import free_port
from webchat import pages
from webchat.pages import render_pages
from webchat.server import ROOT, create_app
from webchat.templating import Markup, render, script_json

HOSTILE = '</script><script>alert(1)</script><b onmouseover="x()">Gemeente & Co'
PAGE_DATA_RE = re.compile(r'<script type="application/json" id="page-data">(.*?)</script>', re.DOTALL)


def page_data(page: str) -> dict:
    return json.loads(PAGE_DATA_RE.search(page).group(1))


def fetch(paths, environ=None):
    """GETs each path from the page server (no Rasa behind it); returns (status, CSP, text) per path."""

    async def scenario():
        client = TestClient(TestServer(create_app(f"http://127.0.0.1:{free_port()}", environ)))
        await client.start_server()
        try:
            answers = [await client.get(path) for path in paths]
            return [(a.status, a.headers.get("Content-Security-Policy", ""), await a.text()) for a in answers]
        finally:
            await client.close()

    return asyncio.run(scenario())


def test_every_page_and_statement_is_served_with_the_security_headers():
    routes = list(pages.ROUTES)
    assert {"/", "/privacy", "/privacy/en", "/toegankelijkheid", "/toegankelijkheid/en"} == set(routes)
    for route, (status, csp, text) in zip(routes, fetch(routes, {}), strict=True):
        assert status == 200, route
        assert "default-src 'none'" in csp and "unsafe" not in csp
        assert "{{" not in text, route  # no template part left
    # the templates themselves are not served as files
    assert [status for status, _, _ in fetch(["/static/index.html", "/static/privacy.html"], {})] == [404, 404]


def test_without_an_organisation_the_page_calls_itself_an_information_service():
    page = render_pages({})
    assert "Deze assistent is een informatiedienst over het datalek." in page["index.html"]
    assert page_data(page["index.html"])["organisation"] is None
    # never presented as the screening organisation itself
    for text in page.values():
        assert "Deze assistent is van" not in text and "is verantwoordelijk voor deze assistent" not in text
    # the statements mark what the operator still has to fill in
    for name in ("privacy.html", "toegankelijkheid.html"):
        assert "Nog in te vullen door de beheerder" in page[name] and "ORGANISATION_NAME" in page[name]
        assert "ORGANISATION_CONTACT" in page[name]
    assert "To be filled in by the operator" in page["privacy-en.html"]


def test_the_organisation_and_its_contact_are_named_on_the_page_and_in_the_statements():
    environ = {"ORGANISATION_NAME": "  Gemeente   Voorbeeld ", "ORGANISATION_CONTACT": "privacy@voorbeeld.example"}
    page = render_pages(environ)
    assert "Deze assistent is van Gemeente Voorbeeld." in page["index.html"]
    assert page_data(page["index.html"])["organisation"] == "Gemeente Voorbeeld"
    assert "Gemeente Voorbeeld is verantwoordelijk voor deze assistent" in page["privacy.html"]
    assert "Gemeente Voorbeeld is responsible for this assistant" in page["privacy-en.html"]
    for name in ("privacy.html", "privacy-en.html", "toegankelijkheid.html", "toegankelijkheid-en.html"):
        assert "privacy@voorbeeld.example" in page[name]
        assert "ORGANISATION_NAME" not in page[name] and "ORGANISATION_CONTACT" not in page[name]
    # served as set when the server starts
    (_, _, served), = fetch(["/privacy"], environ)
    assert "Gemeente Voorbeeld is verantwoordelijk" in served


def test_the_organisation_name_is_escaped_everywhere():
    page = render_pages({"ORGANISATION_NAME": HOSTILE, "ORGANISATION_CONTACT": HOSTILE})
    for name, text in page.items():
        assert "<script>alert" not in text and "<b onmouseover" not in text, name
        assert text.count("</script>") == (2 if name == "index.html" else 0), name  # page data and main.js
    assert html.escape(HOSTILE) in page["index.html"]
    assert page_data(page["index.html"])["organisation"] == " ".join(HOSTILE.split())


def test_the_content_date_comes_from_content_meta(tmp_path, monkeypatch):
    page = render_pages({})
    meta_date = pages.content_date()
    assert f'<time datetime="{meta_date.isoformat()}">' in page["index.html"]
    assert page_data(page["index.html"])["contentDate"]["iso"] == meta_date.isoformat()
    moved = tmp_path / "content_meta.yml"
    moved.write_text('content_date: "2026-03-02"\n', encoding="utf-8")
    monkeypatch.setattr(pages, "CONTENT_META", moved)
    page = render_pages({})
    assert "Informatie bijgewerkt tot <time datetime=\"2026-03-02\">2 maart 2026</time>." in page["index.html"]
    assert page_data(page["index.html"])["contentDate"] == {"iso": "2026-03-02", "nl": "2 maart 2026",
                                                            "en": "2 March 2026"}


def test_the_page_greets_with_the_assistants_own_greeting_and_topics(domain):
    greeting = page_data(render_pages({})["index.html"])["greeting"]
    dutch, english = domain.responses["utter_greet"][0], domain.responses["utter_greet"][1]
    assert english["condition"][0]["value"] == "en"
    for shown, variation in ((greeting["nl"], dutch), (greeting["en"], english)):
        assert shown["text"] == variation["text"]
        assert shown["buttons"] == [{"title": b["title"], "payload": b["payload"]} for b in variation["buttons"]]
    assert len(greeting["nl"]["buttons"]) >= 3


def test_the_privacy_statement_shows_the_retention_setting():
    page = render_pages({"RETENTION_DAYS": "14"})
    assert "Wij wissen een gesprek 14 dagen na het laatste bericht." in page["privacy.html"]
    assert "We delete a conversation 14 days after the last message." in page["privacy-en.html"]
    assert "30 dagen" in render_pages({})["privacy.html"]


# What the privacy statement says is removed, and what not: the examples it gives, as the detectors
# see them. When detection changes, this fails until the statement says what the code does.
REMOVED = {"Kerkstraat 12": "address", "3 maart 1970": "birth_date", "1234 AB": "postcode",
           "naam apenstaartje gmail punt com": "email", "ik heet Jan": "name", "mevrouw Jansen": "name",
           "mijn dochter Lisa": "name", "NL91ABNA0417164300": "iban", "jan@example.nl": "email",
           "111222333": "bsn", "06-12345678": "phone", "paspoort NW1234567": "id_number"}
KEPT = ["mijn uitslag was afwijkend", "ik heb klachten", "ik woon in Utrecht", "ik woon in de Kerkstraat",
        "ik ben 54 jaar", "ik ben geboren in 1970", "ik ben mees"]


@pytest.mark.parametrize("text, kind", sorted(REMOVED.items()))
def test_what_the_statement_says_is_removed_is_removed(text, kind):
    assert kind in {span.kind for span in find_personal_data(text)}


@pytest.mark.parametrize("text", KEPT)
def test_what_the_statement_says_is_kept_is_not_detected(text):
    assert find_personal_data(text) == []


def test_the_privacy_statement_gives_those_examples():
    page = render_pages({})["privacy.html"]
    for example in ("Kerkstraat 12", "3 maart 1970", "naam apenstaartje gmail punt com", "ik heet", "mevrouw",
                    "mijn dochter", "gezondheid", "woonplaats", "alleen uw geboortejaar"):
        assert example in page, example


def test_the_accessibility_statement_shows_the_recorded_test_run():
    record = pages.accessibility_test()
    package = json.loads((ROOT / "webchat" / "package.json").read_text(encoding="utf-8"))
    assert record["axe_core"] == package["devDependencies"]["axe-core"]
    assert isinstance(record["tested_on"], date) and record["checks"]
    assert re.fullmatch(r"[0-9a-f]{7,40}", record["commit"])
    page = render_pages({})
    assert f"met {record['browser']} en axe-core {record['axe_core']}" in page["toegankelijkheid.html"]
    assert f'<time datetime="{record["tested_on"].isoformat()}">' in page["toegankelijkheid-en.html"]
    for check in record["checks"]:
        assert check in page["toegankelijkheid.html"]


def test_page_settings_are_normalised_and_bounded():
    assert config.organisation_name({}) is None
    assert config.organisation_name({"ORGANISATION_NAME": " \t "}) is None
    assert config.organisation_name({"ORGANISATION_NAME": "A\nB  C"}) == "A B C"
    assert config.organisation_contact({"ORGANISATION_CONTACT": "postbus 1"}) == "postbus 1"
    with pytest.raises(ValueError, match="ORGANISATION_NAME"):
        config.organisation_name({"ORGANISATION_NAME": "x" * 201})


def test_templates_escape_values_and_refuse_missing_ones():
    assert render("<p title=\"{{a}}\">{{a}}</p>", {"a": '"<&>'}) == "<p title=\"&quot;&lt;&amp;&gt;\">&quot;&lt;&amp;&gt;</p>"
    assert render("{{#a}}yes {{a}}{{/a}}{{^a}}no{{/a}}", {"a": None}) == "no"
    assert render("{{#a}}yes {{a}}{{/a}}{{^a}}no{{/a}}", {"a": 3}) == "yes 3"
    # a value is never read as template text
    assert render("{{a}}", {"a": "{{b}}"}) == "{{b}}"
    assert render("{{a}}", {"a": Markup("<i>")}) == "<i>"
    with pytest.raises(KeyError):
        render("{{missing}}", {})
    with pytest.raises(KeyError):
        render("{{#a}}never closed", {"a": 1})


def test_script_json_cannot_close_the_script_element():
    text = script_json({"x": "</script><!--&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><!--&"}
