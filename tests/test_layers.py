"""Shared logic sits below the layers that use it: the import rules between the folders."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent

# folder -> top-level packages its modules must not import
FORBIDDEN = {
    "channels": ("actions",),
    "understanding": ("actions", "channels", "runtime", "nlu_components", "rasa", "rasa_sdk"),
    "nlu_components": ("actions", "channels", "runtime"),
    "privacy": ("actions", "channels", "runtime", "nlu_components"),
    # operator control: below channels/, actions/ and webchat/ (the content check of scripts/ is its one reach up)
    "operations": ("actions", "channels", "runtime", "nlu_components", "webchat"),
    # handover to a person: below channels/ (which import it) and never reaching up to actions/
    "handover": ("actions", "channels", "runtime", "nlu_components", "webchat"),
}


def imported_packages(path: Path) -> Iterator[str]:
    """The top-level package of every import in a module, also of imports inside functions."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_folder_never_imports_the_layers_above_it(folder):
    wrong = [f"{path.relative_to(ROOT)} imports {package}"
             for path in sorted((ROOT / folder).glob("*.py"))
             for package in imported_packages(path) if package in FORBIDDEN[folder]]
    assert not wrong


def test_the_rule_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from actions.choices import x\n", encoding="utf-8")
    assert list(imported_packages(module)) == ["actions"]
