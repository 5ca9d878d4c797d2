"""The history table in docs/performance.md is computed from the cited result files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bench.history import DOC, END, HISTORY, RESULTS, START, main, table, with_table


def test_performance_doc_holds_the_table_computed_from_the_result_files():
    assert main(["--check"]) == 0


def test_every_cited_result_file_exists_and_is_of_a_clean_commit():
    runs = yaml.safe_load(HISTORY.read_text(encoding="utf-8"))["runs"]
    for run in runs:
        results = json.loads((RESULTS / run["file"]).read_text(encoding="utf-8"))
        assert not results["commit"].endswith("-dirty"), run["file"]
        assert "+wip" not in run["file"]


def test_every_kept_result_file_is_cited():
    cited = HISTORY.read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in (Path(__file__).resolve().parent.parent / "docs").glob("*.md"))
    cited += "".join(path.read_text(encoding="utf-8") for path in Path("runtime").glob("*.py"))
    orphans = [p.name for p in RESULTS.iterdir()
               if not any(p.with_suffix(s).name in cited for s in (".json", ".md"))]
    assert orphans == []


def test_a_changed_figure_makes_the_check_fail(tmp_path: Path):
    generated = table()
    document = DOC.read_text(encoding="utf-8")
    tampered = document.replace(generated.splitlines()[2], generated.splitlines()[2].replace("ms |", "ms! |", 1))
    assert tampered != document
    assert with_table(tampered, generated) == document


def test_markers_are_required():
    with pytest.raises(ValueError):
        with_table("no markers here", "| a |")
    assert with_table(f"a\n{START}\nold\n{END}\nb", "new") == f"a\n{START}\nnew\n{END}\nb"
