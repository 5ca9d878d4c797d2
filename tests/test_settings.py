"""Settings: one typed catalogue, one parser, the table in docs/settings.md made from it."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

import settings
from scripts import settings_table
from settings.schema import Setting

ROOT = Path(__file__).resolve().parent.parent
# Folders whose Python code must read settings through ``settings.get`` only.
CODE = ("actions", "bench", "channels", "cluster", "nlu_components", "privacy", "report", "runtime",
        "scripts", "understanding", "webchat", "tests")


def environment_reads(path: Path) -> list[str]:
    """``os.environ.get(...)``, ``os.getenv(...)`` and ``os.environ[...]`` read in a module (not writes)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func)
            if target == "os.getenv" or (node.func.attr == "get" and "environ" in ast.unparse(node.func.value)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {target}")
        elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
              and ast.unparse(node.value) == "os.environ"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} os.environ[...]")
    return found


def test_the_table_in_docs_settings_md_is_made_from_the_catalogue():
    current = settings_table.DOC.read_text(encoding="utf-8")
    assert settings_table.render(current) == current, "run: python -m scripts.settings_table"
    for setting in settings.SETTINGS:
        assert f"| `{setting.name}` |" in current


def test_the_table_check_fails_when_a_row_differs():
    current = settings_table.DOC.read_text(encoding="utf-8")
    stale = current.replace("| `MAX_TURNS` | `200` |", "| `MAX_TURNS` | `100` |")
    assert stale != current
    assert settings_table.render(stale) != stale


def test_no_module_reads_the_environment_itself():
    reads = [read for folder in CODE for path in sorted((ROOT / folder).rglob("*.py"))
             if "node_modules" not in path.parts for read in environment_reads(path)]
    assert not reads, "read settings with settings.get(NAME) (settings/catalogue.py)"


def test_the_scan_sees_a_direct_read(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nA = os.environ.get('X')\nB = os.environ['Y']\nos.environ['Z'] = '1'\n"
                      "C = (os.environ if e is None else e).get('W', '')\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(environment_reads(module)) == 3
    finally:
        ROOT = saved


def test_the_settings_package_imports_nothing_of_the_project():
    project = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()} - {"settings"}
    for path in (ROOT / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in project, path
            if isinstance(node, ast.Import):
                assert not {alias.name.split(".")[0] for alias in node.names} & project, path


def test_unset_or_empty_gives_the_default():
    assert settings.get("ACTION_TIMEOUT_S", {}) == 1.5
    assert settings.get("ACTION_TIMEOUT_S", {"ACTION_TIMEOUT_S": "  "}) == 1.5
    assert settings.get("ACTIONS_IN_PROCESS", {}) is True
    assert settings.get("CHANNEL_REDIS_URL", {}) is None


@pytest.mark.parametrize("raw, expected", [("0.5", 0.5), ("15", 15.0), ("0", 1.5), ("15.1", 1.5), ("x", 1.5)])
def test_a_time_limit_outside_its_range_is_logged_and_the_default_used(raw, expected, caplog):
    with caplog.at_level(logging.WARNING, logger="settings.schema"):
        assert settings.get("ACTION_TIMEOUT_S", {"ACTION_TIMEOUT_S": raw}) == expected
    assert ("ACTION_TIMEOUT_S" in caplog.text) == (expected == 1.5)


@pytest.mark.parametrize("raw", ["0", "-3", "many", "2.5"])
def test_a_size_limit_that_is_not_valid_stops_with_a_clear_error(raw):
    with pytest.raises(ValueError, match=f"MAX_BODY_BYTES must be a positive whole number, not '{raw}'"):
        settings.get("MAX_BODY_BYTES", {"MAX_BODY_BYTES": raw})


@pytest.mark.parametrize("raw, expected", [("-5", 0), ("999999", 100_000), ("12", 12), ("lots", 4096)])
def test_the_parse_cache_size_is_moved_into_its_limits(raw, expected):
    assert settings.get("PARSE_CACHE_SIZE", {"PARSE_CACHE_SIZE": raw}) == expected


@pytest.mark.parametrize("raw, expected", [("0", False), ("off", False), ("YES", True), ("maybe", True)])
def test_switches(raw, expected):
    assert settings.get("RASA_PATCHES", {"RASA_PATCHES": raw}) is expected


def test_a_list_is_split_on_commas():
    assert settings.get("ALLOWED_ORIGINS", {"ALLOWED_ORIGINS": " https://a.nl, ,https://b.nl "}) == (
        "https://a.nl", "https://b.nl")


def test_an_unknown_name_and_a_shell_only_variable_are_refused():
    with pytest.raises(KeyError, match="settings/catalogue.py"):
        settings.get("NO_SUCH_SETTING", {})
    with pytest.raises(LookupError):
        settings.get("PYTHON310", {})


def test_a_wrong_entry_fails_at_once():
    with pytest.raises(ValueError):
        Setting("X", "colour", None, "", "")
    with pytest.raises(ValueError):
        Setting("X", "str", None, "", "", invalid="clamp")
