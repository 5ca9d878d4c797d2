"""The link checker's classification, against a local server only (no external network)."""

from __future__ import annotations

import asyncio
import socket
from datetime import date

from aiohttp import web
from aiohttp.test_utils import TestServer

from actions.guidance import Registry
from scripts.check_links import (
    BROKEN,
    NO_ANSWER,
    OK,
    REDIRECT,
    LinkResult,
    check_urls,
    main,
    record_results,
    summarise,
)
from tests.extract import REGISTRY_FILE


def site() -> web.Application:
    async def ok(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def moved(_: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/ok")

    async def loop(_: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def no_target(_: web.Request) -> web.Response:
        return web.Response(status=302)

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/moved", moved)
    app.router.add_get("/loop", loop)
    app.router.add_get("/no-target", no_target)
    app.router.add_get("/slow", slow)
    return app


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_against_site(paths, timeout=3.0):
    async def scenario():
        server = TestServer(site())
        await server.start_server()
        try:
            urls = [str(server.make_url(path)) for path in paths]
            return urls, await check_urls(urls, timeout=timeout)
        finally:
            await server.close()

    return asyncio.run(scenario())


def test_each_outcome_is_classified_with_its_status_codes():
    refused = f"http://127.0.0.1:{closed_port()}/"
    urls, results = check_against_site(["/ok", "/moved", "/missing"])
    results += asyncio.run(check_urls([refused], timeout=3.0))
    ok, moved, missing, unreachable = results

    assert (ok.outcome, ok.hops) == (OK, ((200, urls[0]),))
    assert moved.outcome == REDIRECT
    assert [status for status, _ in moved.hops] == [301, 200]
    assert moved.hops[-1][1] == urls[0]
    assert (missing.outcome, missing.detail) == (BROKEN, "HTTP 404")
    assert unreachable.outcome == NO_ANSWER and unreachable.hops == ()
    assert "ClientConnectorError" in unreachable.detail


def test_redirect_loops_missing_targets_and_timeouts():
    _, (looping, no_target, slow) = check_against_site(["/loop", "/no-target", "/slow"], timeout=0.5)
    assert looping.outcome == BROKEN and "more than 5 redirects" in looping.detail
    assert no_target.outcome == BROKEN and "Location" in no_target.detail
    assert (slow.outcome, slow.detail) == (NO_ANSWER, "timed out")


def test_report_lines_show_the_redirect_chain_and_target():
    line = LinkResult("https://a.example/", REDIRECT, ((301, "https://a.example/"), (200, "https://b.example/"))).describe()
    assert line == "REDIRECT    https://a.example/  [301 -> 200]  now at https://b.example/"


def test_offline_nothing_is_reported_ok_and_the_exit_code_says_so():
    results = [LinkResult(f"https://{name}.example/", NO_ANSWER, detail="timed out") for name in "ab"]
    lines, code = summarise(results)
    assert code == 2
    assert not any(line.startswith("OK") for line in lines)
    assert "0 ok, 0 redirect, 0 broken, 2 no answer of 2 links" in lines
    assert lines[-1] == "Could not check any link: no network access? Nothing was verified."


def test_exit_codes():
    ok = LinkResult("https://a.example/", OK, ((200, "https://a.example/"),))
    broken = LinkResult("https://b.example/", BROKEN, ((404, "https://b.example/"),), "HTTP 404")
    unknown = LinkResult("https://c.example/", NO_ANSWER, detail="timed out")
    assert summarise([ok])[1] == 0
    assert summarise([ok, unknown])[1] == 2
    assert summarise([ok, unknown, broken])[1] == 1
    assert summarise([ok, unknown])[0][-1] == "Could not check 1 link(s): their state is unknown."


def test_an_invalid_registry_is_reported_without_fetching(tmp_path, capsys):
    bad = tmp_path / "guidance.yml"
    bad.write_text("links: []\n", encoding="utf-8")
    assert main(["--registry", str(bad)]) == 3
    assert "section 'links' is missing or empty" in capsys.readouterr().err


def test_a_check_writes_its_outcome_and_date_into_the_registry(tmp_path):
    path = tmp_path / "guidance.yml"
    original = REGISTRY_FILE.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    links = [entry for entry in Registry.load(path).entries if entry.is_link]
    results = [LinkResult(links[0].url, BROKEN, ((404, links[0].url),), "HTTP 404")]
    results += [LinkResult(entry.url, NO_ANSWER, detail="timed out") for entry in links[1:]]
    assert record_results(path, results, date(2026, 12, 7)) == len(links)
    recorded = Registry.load(path)
    assert recorded.get(links[0].id).check == BROKEN
    assert {entry.check for entry in recorded.entries if entry.is_link and entry.id != links[0].id} == {NO_ANSWER}
    assert {entry.checked_on for entry in recorded.entries if entry.is_link} == {date(2026, 12, 7)}
    # Phone numbers are not checked here, and the comments stay.
    assert {(entry.checked_on, entry.check) for entry in recorded.entries if not entry.is_link} == {(None, "not checked")}
    text = path.read_text(encoding="utf-8")
    assert text.split("links:")[0] == original.split("links:")[0]


def test_the_command_records_the_outcomes_unless_told_not_to(tmp_path, monkeypatch, capsys):
    path = tmp_path / "guidance.yml"
    path.write_text(REGISTRY_FILE.read_text(encoding="utf-8"), encoding="utf-8")

    async def offline(urls, timeout):
        return [LinkResult(url, NO_ANSWER, detail="timed out") for url in urls]

    monkeypatch.setattr("scripts.check_links.check_urls", offline)
    before = path.read_text(encoding="utf-8")
    assert main(["--registry", str(path), "--no-record"]) == 2
    assert path.read_text(encoding="utf-8") == before
    assert main(["--registry", str(path)]) == 2
    links = [entry for entry in Registry.load(path).entries if entry.is_link]
    assert {(entry.checked_on, entry.check) for entry in links} == {(date.today(), NO_ANSWER)}
    assert "Recorded the outcome and today's date for 14 links" in capsys.readouterr().out
