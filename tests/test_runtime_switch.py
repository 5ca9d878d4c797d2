"""The one place where Rasa is changed: all or nothing, switchable off, undone by the tests."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from runtime import patches
from runtime.patches import CHANGES, Change, switched_on
from runtime.server_start import RuntimeChanges
from scripts.run import needs_action_server, services, settings

ROOT = Path(__file__).resolve().parent.parent


def members() -> Dict[str, Any]:
    """Every member the changes replace, as stored now (classmethod/staticmethod wrappers included)."""
    return {change.key: patches._raw(*patches._resolve(change.target)) for change in CHANGES}


@pytest.fixture
def stock():
    """Rasa as installed, before and after the test (whatever other tests did)."""
    patches.uninstall()
    yield members()
    patches.uninstall()


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("0", False), ("off", False), ("False", False)])
def test_the_switch_reads_the_environment(value, on):
    environ = {} if value is None else {"RASA_PATCHES": value}
    assert switched_on(environ) is on


def test_every_target_is_rasas_own_member(stock):
    for change in CHANGES:
        function = patches.original(change.key)
        assert function.__module__.startswith("rasa."), change.target
        assert not getattr(function, patches.MARKER, False)
    assert patches.missing_names() == []


@pytest.mark.patches
def test_install_changes_every_member_and_uninstall_puts_each_original_back(stock, monkeypatch):
    monkeypatch.delenv("PARSE_CACHE_SIZE", raising=False)
    monkeypatch.delenv("MAX_CONCURRENT_MESSAGES", raising=False)
    assert patches.install() and patches.installed()
    changed = members()
    assert all(changed[key] is not stock[key] for key in stock)
    assert all(getattr(patches._function(changed[key]), patches.MARKER) for key in stock)
    assert all(type(changed[key]) is type(stock[key]) for key in stock)  # classmethod stays classmethod
    assert patches.install() is True and members() == changed  # twice changes nothing
    patches.uninstall()
    assert not patches.installed()
    assert all(members()[key] is stock[key] for key in stock)


@pytest.mark.patches
def test_a_setting_can_leave_one_change_out(stock, monkeypatch):
    monkeypatch.setenv("PARSE_CACHE_SIZE", "0")
    assert patches.install()
    now = members()
    assert now["MessageProcessor._parse_message_with_graph"] is stock["MessageProcessor._parse_message_with_graph"]
    assert now["RemoteAction.run"] is not stock["RemoteAction.run"]


def test_with_the_switch_off_nothing_of_rasa_is_changed(stock, monkeypatch, caplog):
    monkeypatch.setenv("RASA_PATCHES", "0")
    with caplog.at_level(logging.WARNING, logger="runtime.patches"):
        assert patches.install() is False
    assert not patches.installed() and members() == stock
    assert "RASA_PATCHES=0" in caplog.text


def test_a_missing_name_installs_nothing_and_says_which(stock, monkeypatch, caplog):
    monkeypatch.delenv("RASA_PATCHES", raising=False)
    broken = CHANGES + (Change("rasa.core.processor:MessageProcessor.no_such_member", lambda f: f, "test"),)
    with caplog.at_level(logging.WARNING, logger="runtime.patches"):
        assert patches.install(changes=broken) is False
    assert not patches.installed() and members() == stock
    assert "MessageProcessor.no_such_member" in caplog.text
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_a_missing_used_name_installs_nothing(stock, monkeypatch):
    monkeypatch.delenv("RASA_PATCHES", raising=False)
    broken = CHANGES[:1] + (Change(CHANGES[1].target, CHANGES[1].build, "test",
                                   uses=("rasa_sdk.executor:NoSuchExecutor",)),)
    assert patches.install(changes=broken) is False
    assert members() == stock


@pytest.mark.parametrize("version", ["3.7.0", "4.0.1", "3.60.1", "3.5.9"])
def test_another_rasa_version_installs_nothing(stock, monkeypatch, version, caplog):
    monkeypatch.delenv("RASA_PATCHES", raising=False)
    with caplog.at_level(logging.WARNING, logger="runtime.patches"):
        assert patches.install(version) is False
    assert members() == stock
    assert version in caplog.text
    assert patches.supported("3.6.21") and patches.supported("3.6.0")


@pytest.mark.patches
def test_the_first_entry_of_credentials_yml_installs_the_changes(stock):
    entries = list(yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")))
    assert entries[0] == "runtime.server_start.RuntimeChanges"
    from rasa.core.run import _create_single_channel

    channel = _create_single_channel(entries[0], None)  # what `rasa run` does with the entry
    assert isinstance(channel, RuntimeChanges) and patches.installed()
    assert not list(channel.blueprint(lambda message: None)._future_routes)


def test_the_helm_values_name_the_same_entry():
    values = yaml.safe_load((ROOT / "deploy" / "helm" / "rasa-values.yaml").read_text(encoding="utf-8"))
    channels = values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    assert "runtime.server_start.RuntimeChanges" in channels


def test_building_a_channel_changes_nothing_of_rasa(stock):
    from channels.rest import SafeRestInput
    from channels.socket_io import SafeSocketIOInput

    SafeRestInput().blueprint(lambda message: None)
    SafeSocketIOInput().blueprint(lambda message: None)
    assert not patches.installed() and members() == stock


def test_make_run_starts_the_action_server_without_a_token_when_the_patches_are_off(monkeypatch):
    monkeypatch.setenv("RASA_PATCHES", "0")
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    monkeypatch.delenv("ACTIONS_IN_PROCESS", raising=False)
    env = settings()
    assert needs_action_server(env)
    assert "ACTION_SERVER_TOKEN" not in env  # stock Rasa could not send it
    assert [service.name for service in services(env, ROOT / "model.tar.gz")][0] == "action server"
    monkeypatch.setenv("RASA_PATCHES", "1")
    assert not needs_action_server(settings())
