"""Result file (JSON) and Markdown summary of a benchmark, with the targets of issue 7."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from bench.loadgen import LoadResult
from bench.stats import latency_summary, median, median_of_runs, ratio
from bench.workload import repeat_share

SCHEMA_VERSION = 1
RUN_KEYS = ("throughput_mps", "median_ms", "p95_ms", "p99_ms", "errors", "empty_answers",
            "cpu_ms_per_message")
# Measures a run has when the load generator and the server reported them (None otherwise):
# latencies of typed messages alone, the share of typed messages whose exact text was sent
# before in the run, and the parse cache's hit rate in the server during the run.
WORKLOAD_KEYS = ("typed_median_ms", "typed_p95_ms", "repeat_share_typed", "cache_hit_rate")
ASSISTANTS = ("stock", "ours")  # always measured
# ours_off: the same model and project with every runtime change off (RASA_PATCHES=0, actions
# over HTTP); ours_nocache: as ``make run`` with the parse cache off (PARSE_CACHE_SIZE=0);
# cluster: this assistant as several processes behind nginx.
# relay: ``make run`` through the page's relay (/api/chat), one Rasa process; workers: the same
# with RASA_WORKERS Rasa processes (``--workers``).
OPTIONAL_ASSISTANTS = ("ours_off", "ours_nocache", "cluster", "relay", "workers")
CANDIDATES = ("ours", "cluster")  # what the targets are checked for
LABELS = {"stock": "stock `rasa init`", "ours": "this assistant (`make run`)",
          "ours_off": "runtime changes off", "ours_nocache": "parse cache off",
          "relay": "`make run` via the page relay", "workers": "`make run` RASA_WORKERS=N via the relay",
          "cluster": "this assistant, cluster"}


def run_record(load: LoadResult, cpu_s: float, load_avg: Sequence[float],
               cache_hit_rate: Optional[float] = None) -> Dict[str, Any]:
    """Turns one load run into its record in the result file.

    Args:
        load: What the load generator measured.
        cpu_s: CPU seconds the assistant's processes used during the run (warm-up included).
        load_avg: The machine's load averages (1, 5, 15 min) just before the run.
        cache_hit_rate: Hits / lookups of the server's parse cache during the run (None: the
            server has no cache or did not report it).

    Returns:
        The run's record: throughput, latency percentiles, errors, CPU per message, load.
    """
    record: Dict[str, Any] = {
        "users": load.users,
        "duration_s": load.duration_s,
        "messages": len(load.latencies_s),
        "throughput_mps": load.throughput,
        **latency_summary(load.latencies_s),
        "errors": load.error_count,
        "error_kinds": dict(load.errors),
        "empty_answers": load.empty_answers,
        "cpu_s": cpu_s,
        "cpu_ms_per_message": 1000.0 * cpu_s / load.answered if load.answered else None,
        "load_avg_before": [round(value, 2) for value in load_avg],
        "cache_hit_rate": cache_hit_rate,
        "repeat_share_typed": None,
        "typed_messages": len(load.latencies_by_kind.get("typed", [])),
        "click_messages": len(load.latencies_by_kind.get("click", [])),
    }
    typed = latency_summary(load.latencies_by_kind.get("typed", []))
    record["typed_median_ms"], record["typed_p95_ms"] = typed["median_ms"], typed["p95_ms"]
    pairs = zip(load.sent_texts, load.sent_kinds, strict=False)
    typed_texts = [text for text, kind in pairs if kind == "typed"]
    if typed_texts:
        record["repeat_share_typed"] = repeat_share(typed_texts)
    return record


def level_summary(runs: Sequence[Dict[str, Any]]) -> Dict[str, Optional[float]]:
    """Returns the median over repeated runs of every measure of ``RUN_KEYS``."""
    return {key: median_of_runs(runs, key) for key in RUN_KEYS + WORKLOAD_KEYS}


def saturation(levels: Dict[str, Dict[str, Any]]) -> Dict[str, Optional[float]]:
    """Returns the highest median throughput over the ramp of concurrency levels and where it was.

    Args:
        levels: Per user count (as a string), a dictionary with ``median``.

    Returns:
        ``throughput_mps`` and ``users`` of the best level (None values without levels).
    """
    best_users, best = None, None
    for users, level in levels.items():
        value = level["median"].get("throughput_mps")
        if value is not None and (best is None or value > best):
            best_users, best = int(users), value
    return {"throughput_mps": best, "users": best_users}


@dataclass(frozen=True)
class Target:
    """One target of issue 7: a measured value of one configuration, its limit and how they compare."""

    name: str
    measure: Callable[[Dict[str, Any], str], Optional[float]]
    limit: float
    at_least: bool
    unit: str

    def check(self, results: Dict[str, Any], who: str) -> Dict[str, Any]:
        """Returns the verdict for configuration ``who``: value, limit and met (None: not measured)."""
        value = self.measure(results, who)
        met = None if value is None else (value >= self.limit if self.at_least else value <= self.limit)
        return {"name": self.name, "assistant": who, "value": value, "limit": self.limit,
                "comparison": ">=" if self.at_least else "<=", "unit": self.unit, "met": met}


def _level(results: Dict[str, Any], who: str, users: int, key: str) -> Optional[float]:
    assistant = results["assistants"].get(who)
    level = None if assistant is None else assistant["levels"].get(str(users))
    return None if level is None else level["median"].get(key)


SERVER_ROLES = ("rasa_server", "action_server")


def _peak_rss_mib(results: Dict[str, Any], who: str) -> Optional[float]:
    peaks = [value for role, value in results["assistants"][who]["peak_rss_mib"].items()
             if role in SERVER_ROLES and value is not None]
    return max(peaks) if peaks else None


TARGETS = (
    Target("saturation throughput, this / stock",
           lambda r, who: ratio(r["assistants"][who]["saturation"]["throughput_mps"],
                                r["assistants"]["stock"]["saturation"]["throughput_mps"]), 3.0, True, "x"),
    Target("p95 latency at 50 users, this / stock",
           lambda r, who: ratio(_level(r, who, 50, "p95_ms"), _level(r, "stock", 50, "p95_ms")),
           1 / 3, False, "x"),
    Target("single user median latency", lambda r, who: _level(r, who, 1, "median_ms"), 20.0, False, "ms"),
    Target("single user p95 latency", lambda r, who: _level(r, who, 1, "p95_ms"), 100.0, False, "ms"),
    Target("peak RSS per server process (largest)", _peak_rss_mib, 1024.0, False, "MiB"),
    Target("cold start (process start to first answer)",
           lambda r, who: r["assistants"][who]["cold_start_s"], 30.0, False, "s"),
    Target("full training", lambda r, who: r["assistants"][who]["training_time_s"], 180.0, False, "s"),
)


def check_targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Returns the verdict of every target of issue 7 for every measured configuration of this assistant."""
    return [target.check(results, who) for who in CANDIDATES if who in results["assistants"]
            for target in TARGETS]


def result_path(directory: Path, date: str, commit: str) -> Path:
    """Returns ``<directory>/<date>-<short commit>.json`` (``-dirty`` kept: such runs are not cited)."""
    return directory / f"{date}-{commit[:7]}{'-dirty' if commit.endswith('-dirty') else ''}.json"


def validate(results: Dict[str, Any]) -> None:
    """Checks the structure of a result file.

    Raises:
        ValueError: If a required part is missing.
    """
    for key in ("schema_version", "date", "commit", "config", "machine", "assistants", "targets"):
        if key not in results:
            raise ValueError(f"result file lacks {key!r}")
    unknown = set(results["assistants"]) - set(ASSISTANTS) - set(OPTIONAL_ASSISTANTS)
    if unknown:
        raise ValueError(f"result file has unknown assistants {sorted(unknown)}")
    for who in ASSISTANTS + OPTIONAL_ASSISTANTS:
        assistant = results["assistants"].get(who)
        if assistant is None:
            if who in OPTIONAL_ASSISTANTS:
                continue
            raise ValueError(f"result file lacks assistant {who!r}")
        for key in ("training_time_s", "cold_start_s", "levels", "saturation", "peak_rss_mib",
                    "cpu_ms_per_message"):
            if key not in assistant:
                raise ValueError(f"assistant {who!r} lacks {key!r}")
        for users, level in assistant["levels"].items():
            if not level["runs"]:
                raise ValueError(f"assistant {who!r} has no runs at {users} users")
            missing = set(RUN_KEYS) - set(level["median"])
            if missing:
                raise ValueError(f"assistant {who!r}, {users} users: median lacks {sorted(missing)}")


def write_json(results: Dict[str, Any], path: Path) -> None:
    """Validates and writes the result file."""
    validate(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _fmt(value: Optional[float], digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _row(label: str, values: Sequence[Optional[float]], digits: int = 1) -> str:
    """A table row: the stock value, then each configuration with its ratio to stock."""
    stock, *others = values
    cells = [_fmt(stock, digits)]
    for value in others:
        cells += [_fmt(value, digits), _fmt(ratio(value, stock), 2)]
    return f"| {label} | " + " | ".join(cells) + " |"


def markdown(results: Dict[str, Any]) -> str:
    """Renders the side-by-side summary of a result file as Markdown."""
    names = [who for who in ASSISTANTS + OPTIONAL_ASSISTANTS if who in results["assistants"]]
    assistants = [results["assistants"][who] for who in names]
    config = results["config"]
    header = "| measure | " + " | ".join(
        [LABELS[names[0]]] + [f"{LABELS[who]} | {who} / stock" for who in names[1:]]) + " |"
    lines = [
        f"# Benchmark {results['date']} (commit {results['commit'][:7]})",
        "",
        f"Machine: {results['machine']['cpus']} CPUs, load average before the benchmark "
        f"{results['machine']['load_avg_start']}. Every level: {config['repeats']} runs of "
        f"{config['duration_s']} s after {config['warmup_s']} s warm-up; medians over runs. "
        f"Closed loop: each user waits for the answer; conversations of "
        f"{config['messages_per_conversation']} messages.",
        "",
        header,
        "|" + "---|" * (2 * len(names)),
    ]
    for users in config["levels"]:
        for key, label, digits in (("median_ms", "median ms", 1), ("p95_ms", "p95 ms", 1),
                                   ("p99_ms", "p99 ms", 1), ("throughput_mps", "throughput msg/s", 1),
                                   ("errors", "errors", 0), ("empty_answers", "empty answers", 0),
                                   ("typed_median_ms", "typed only: median ms", 1),
                                   ("typed_p95_ms", "typed only: p95 ms", 1),
                                   ("cpu_ms_per_message", "CPU ms/message", 1),
                                   ("repeat_share_typed", "repeated typed texts (share)", 3),
                                   ("cache_hit_rate", "parse cache hit rate", 3)):
            lines.append(_row(f"{users} users: {label}", [_level(results, who, users, key) for who in names],
                              digits))
    lines += [
        _row("saturation throughput msg/s", [a["saturation"]["throughput_mps"] for a in assistants]),
        "| saturation at users | " + " | ".join(
            [str(assistants[0]["saturation"]["users"])]
            + [f"{a['saturation']['users']} | " for a in assistants[1:]]) + " |",
        _row("CPU ms/message (all runs)", [a["cpu_ms_per_message"] for a in assistants]),
        _row("peak RSS Rasa server MiB (largest process)",
             [a["peak_rss_mib"].get("rasa_server") for a in assistants], 0),
        _row("peak RSS action server MiB", [a["peak_rss_mib"].get("action_server") for a in assistants], 0),
        _row("cold start s", [a["cold_start_s"] for a in assistants]),
        _row("training s", [a["training_time_s"] for a in assistants], 0),
        "",
        "## Targets (issues 7 and 17)",
        "",
        "| configuration | target | measured | limit | met |",
        "|---|---|---|---|---|",
    ]
    for verdict in results["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[verdict["met"]]
        who = LABELS.get(verdict.get("assistant", "ours"), "")
        lines.append(f"| {who} | {verdict['name']} | {_fmt(verdict['value'], 2)} {verdict['unit']} | "
                     f"{verdict['comparison']} {verdict['limit']:.2f} {verdict['unit']} | {met} |")
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results["notes"]]
    return "\n".join(lines) + "\n"


def overall_cpu_ms(levels: Dict[str, Dict[str, Any]]) -> Optional[float]:
    """Returns the median CPU ms per message over all runs of all levels."""
    values = [run["cpu_ms_per_message"] for level in levels.values() for run in level["runs"]
              if run["cpu_ms_per_message"] is not None]
    return median(values) if values else None
