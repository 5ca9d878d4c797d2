"""The guidance registry: its content matches the brief, and broken files are refused."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
import yaml

from actions.guidance import (
    ACTION_TOPICS,
    CHECK_RESULTS,
    CHECKED,
    NOT_CHECKED,
    OWNERS,
    TOPICS,
    URL_ONLY,
    Registry,
    RegistryError,
    digits,
)
from scripts.content_rules import ANY_PHONE_RE
from tests.extract import REGISTRY_FILE
from tests.test_content import BRIEF


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(REGISTRY_FILE)


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guidance_rows() -> list:
    """Rows of the brief's section 3 table: (url, what it says, status)."""
    text = BRIEF.read_text(encoding="utf-8")
    section = text.split("## 3.", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[2].startswith("https://"):
            rows.append((cells[2], cells[3], cells[4]))
    assert len(rows) >= 13
    return rows


def write(tmp_path, data) -> str:
    path = tmp_path / "guidance.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def refused(tmp_path, data) -> str:
    with pytest.raises(RegistryError) as info:
        Registry.load(write(tmp_path, data))
    return str(info.value)


def test_the_real_registry_is_valid_and_complete(registry):
    assert len(registry.entries) == 20
    assert {entry.owner for entry in registry.entries} == OWNERS
    assert set().union(*(entry.topics for entry in registry.entries)) == TOPICS


def test_links_are_exactly_those_of_the_brief_with_its_status(registry, guidance_rows):
    expected = {url: (URL_ONLY if status.startswith("URL only") else CHECKED) for url, _, status in guidance_rows}
    links = {entry.url: entry.status for entry in registry.entries if entry.is_link}
    assert links == expected


def test_phone_numbers_are_exactly_those_of_the_brief(registry, guidance_rows):
    brief_numbers = {number.replace("-", " ") for _, says, _ in guidance_rows
                     for number in ANY_PHONE_RE.findall(says)}
    # 113 is a short number: written as "call 113" in the brief's row of 113 Zelfmoordpreventie.
    brief_numbers |= {"113" for _, says, _ in guidance_rows if re.search(r"\bcall 113\b", says)}
    assert brief_numbers == {"088 900 10 00", "0900 8844", "112", "088 786 73 72", "113", "0800 0113"}
    assert {entry.number for entry in registry.entries if not entry.is_link} == brief_numbers


def test_every_phone_number_is_checked_as_the_brief_saw_them(registry):
    # The Fraudehelpdesk row is "URL only (phone seen)": its number is checked, its page is not.
    # The 113 numbers are "general public knowledge, not checked against 113's page" (brief).
    unchecked = {entry.id for entry in registry.entries if not entry.is_link and not entry.checked}
    assert unchecked == {"suicide_prevention_113_phone", "suicide_prevention_free_phone"}
    assert registry.get("fraudehelpdesk_website").status == URL_ONLY


def test_opening_hours_only_where_the_brief_gives_them(registry):
    with_hours = {entry.id: entry.hours["nl"] for entry in registry.entries if entry.hours}
    assert with_hours == {"cmi_phone": "maandag tot en met vrijdag, 8.30 tot 17.00 uur",
                          "suicide_prevention_113_phone": "dag en nacht",
                          "suicide_prevention_free_phone": "dag en nacht"}


def test_every_action_topic_has_a_checked_entry(registry):
    for topic in ACTION_TOPICS:
        assert any(entry.checked for entry in registry.links_for(topic) + registry.phones_for(topic)), topic


def test_every_check_date_comes_with_a_recorded_check(registry):
    # make check-links writes checked_on and check together; phone numbers are never checked there.
    for entry in registry.entries:
        assert (entry.checked_on is None) == (entry.check == NOT_CHECKED), entry.id
        assert entry.check in (NOT_CHECKED, *CHECK_RESULTS), entry.id
    assert {entry.check for entry in registry.entries if not entry.is_link} == {NOT_CHECKED}


def test_links_for_gives_checked_links_before_url_only_ones(registry):
    links = registry.links_for("identity_fraud")
    assert [entry.status for entry in links] == [CHECKED, CHECKED, CHECKED, URL_ONLY]
    assert links[-1].id == "rijksoverheid_identity_fraud_topic"
    assert all(entry.is_link for entry in links)
    assert [entry.id for entry in registry.phones_for("identity_fraud")] == ["cmi_phone"]


def test_links_for_prefers_the_readers_language(registry):
    assert [entry.id for entry in registry.links_for("data_breach_victim")] == ["ap_data_breach_victim"]
    assert [entry.id for entry in registry.links_for("data_breach_victim", "en")] == [
        "ap_data_breach_victim_en", "ap_data_breach_victim"]


def test_url_only_topics_give_only_secondary_links(registry):
    assert [entry.status for entry in registry.links_for("check_link")] == [URL_ONLY]
    assert "check_link" not in ACTION_TOPICS and "bvo_contact" not in ACTION_TOPICS


def test_get_and_unknown_ids_and_topics(registry):
    assert registry.get("emergency_phone").number == "112"
    assert registry.find_number("0889001000").id == "cmi_phone"
    assert registry.find_url("https://www.fraudehelpdesk.nl/").id == "fraudehelpdesk_website"
    with pytest.raises(KeyError):
        registry.get("no_such_entry")
    with pytest.raises(KeyError):
        registry.links_for("weather")


def test_digits_ignores_spacing():
    assert digits("088 900 10 00") == digits("088-9001000") == "0889001000"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["links"][0].update(url="http://www.rijksoverheid.nl/x"), "url must be https"),
    (lambda d: d["links"][0].update(url="https:///no-host"), "url must be https"),
    (lambda d: d["links"][0].update(owner="Google"), "unknown owner 'Google'"),
    (lambda d: d["links"][1].update(id=d["links"][0]["id"]), "duplicate id"),
    (lambda d: d["phones"][0].update(number="088 786 73 72"), "duplicate number"),
    (lambda d: d["links"][0].update(topics=["weather"]), "unknown topic 'weather'"),
    (lambda d: d["links"][0].update(status="seen"), "status must be one of"),
    (lambda d: d["links"][0].update(checked_on=date(2999, 1, 1), check="ok"), "is in the future"),
    (lambda d: d["links"][0].update(checked_on="last week"), "checked_on must be a date"),
    (lambda d: d["links"][0].update(checked_on=date(2026, 2, 5), check="not checked"),
     "without a recorded check result"),
    (lambda d: d["links"][0].update(checked_on=None, check="ok"), "has no date"),
    (lambda d: d["links"][0].update(check="seen"), "check must be one of"),
    (lambda d: d["links"][0].pop("checked_on"), "missing field 'checked_on'"),
    (lambda d: d["links"][0].update(staus="checked"), "unknown field 'staus'"),
    (lambda d: d["links"][0].pop("owner"), "missing field 'owner'"),
    (lambda d: d["links"][0]["title"].pop("en"), "title needs non-empty 'nl' and 'en'"),
    (lambda d: d["phones"][0].update(number="bel ons"), "number must be digits"),
    (lambda d: d["links"][0].update(language="de"), "language must be one of"),
    (lambda d: d.pop("phones"), "section 'phones' is missing"),
    (lambda d: d.update(mails=[]), "unknown section 'mails'"),
])
def test_a_broken_registry_is_refused_with_the_reason(tmp_path, raw, mutate, message):
    data = copy.deepcopy(raw)
    mutate(data)
    assert message in refused(tmp_path, data)


def test_a_topic_without_checked_entry_is_refused(tmp_path, raw):
    data = copy.deepcopy(raw)
    for entry in data["links"] + data["phones"]:
        if "screening" in entry["topics"]:
            entry["status"] = "url-only"
    assert "topic 'screening' has no checked entry" in refused(tmp_path, data)


def test_every_problem_is_reported_at_once(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["links"][0]["owner"] = "Google"
    data["links"][1]["url"] = "http://example.org/"
    message = refused(tmp_path, data)
    assert "unknown owner" in message and "url must be https" in message


def test_an_unreadable_registry_is_refused(tmp_path):
    with pytest.raises(RegistryError, match="cannot read it"):
        Registry.load(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("links: [unclosed", encoding="utf-8")
    with pytest.raises(RegistryError, match="cannot read it"):
        Registry.load(bad)
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RegistryError, match="must be a mapping"):
        Registry.load(empty)

