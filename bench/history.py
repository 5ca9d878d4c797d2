"""The table of what each speed change gained, computed from the benchmark's result files.

``python -m bench.history`` writes it into ``docs/performance.md`` between the markers
``<!-- history:start -->`` and ``<!-- history:end -->``; ``--check`` only compares
(``tests/test_bench_history.py`` runs that). The runs and their labels are listed in
``bench/history.yml``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bench.stats import ratio

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HISTORY = ROOT / "bench" / "history.yml"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- history:start -->", "<!-- history:end -->"


def _level(assistant: Dict[str, Any], users: int, key: str) -> Optional[float]:
    level = assistant["levels"].get(str(users))
    return None if level is None else level["median"].get(key)


def _fmt(value: Optional[float], pattern: str) -> str:
    return "n/a" if value is None else pattern.format(value)


def row(label: str, results: Dict[str, Any], file_name: str) -> str:
    """One table row: the run's date and commit, what changed, and this assistant's figures against stock.

    Args:
        label: What changed before this run.
        results: The run's result file.
        file_name: The result file's name (cited in the row).

    Returns:
        A Markdown table row.
    """
    ours, stock = results["assistants"]["ours"], results["assistants"]["stock"]
    saturation = ours["saturation"]["throughput_mps"]
    p95, stock_p95 = _level(ours, 50, "p95_ms"), _level(stock, 50, "p95_ms")
    saturation_ratio = ratio(saturation, stock["saturation"]["throughput_mps"])
    return (f"| {results['date']} `{results['commit'][:7]}` | {label} | "
            f"{_fmt(_level(ours, 1, 'median_ms'), '{:.1f}')} ms | "
            f"{_fmt(saturation, '{:.1f}')} msg/s ({_fmt(saturation_ratio, '{:.2f}')}x) | "
            f"{_fmt(p95, '{:.0f}')} ms ({_fmt(ratio(p95, stock_p95), '{:.2f}')}x) | "
            f"{_fmt(ours['cpu_ms_per_message'], '{:.1f}')} ms | `{file_name}` |")


def table(history: Path = HISTORY, results_dir: Path = RESULTS) -> str:
    """The whole table, from ``history`` and the result files it names."""
    runs: List[Dict[str, str]] = yaml.safe_load(history.read_text(encoding="utf-8"))["runs"]
    lines = ["| run | change | 1 user median | saturation (x stock) | p95 at 50 users (x stock) "
             "| CPU per message | result file |", "|---|---|---|---|---|---|---|"]
    for run in runs:
        results = json.loads((results_dir / run["file"]).read_text(encoding="utf-8"))
        lines.append(row(run["change"], results, run["file"]))
    return "\n".join(lines)


def with_table(document: str, generated: str) -> str:
    """``document`` with the text between the history markers replaced by ``generated``.

    Raises:
        ValueError: If the markers are missing.
    """
    if START not in document or END not in document:
        raise ValueError(f"{DOC.name} lacks the markers {START} / {END}")
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{generated}\n{END}{tail}"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Writes (or with ``--check`` compares) the table in ``docs/performance.md``."""
    parser = argparse.ArgumentParser(prog="python -m bench.history")
    parser.add_argument("--check", action="store_true", help="exit 1 when the document is not up to date")
    args = parser.parse_args(argv)
    document = DOC.read_text(encoding="utf-8")
    updated = with_table(document, table())
    if args.check:
        if updated != document:
            print(f"{DOC} is not up to date: run python -m bench.history", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
