"""The benchmark's result file, Markdown summary and verdicts on the targets of issue 7."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.loadgen import LoadResult
from bench.report import (
    check_targets,
    level_summary,
    markdown,
    overall_cpu_ms,
    result_path,
    run_record,
    saturation,
    validate,
    write_json,
)


def _run(users, latency_s, messages, cpu_s=1.0):
    load = LoadResult(users=users, duration_s=10.0, latencies_s=[latency_s] * messages, answered=messages)
    return run_record(load, cpu_s, [0.5, 0.4, 0.3])


def _assistant(latency_s, messages_at, training_s, cold_s, rss_mib):
    levels = {}
    for users, messages in messages_at.items():
        runs = [_run(users, latency_s * users, messages) for _ in range(3)]
        levels[str(users)] = {"runs": runs, "median": level_summary(runs)}
    return {"training_time_s": training_s, "cold_start_s": cold_s, "levels": levels,
            "saturation": saturation(levels), "cpu_ms_per_message": overall_cpu_ms(levels),
            "peak_rss_mib": {"rasa_server": rss_mib, "action_server": 100.0}}


def _results(ours_latency_s=0.01, ours_messages=1000, cluster=False):
    results = {
        "schema_version": 1, "date": "2026-11-29", "commit": "0123456789abcdef", "notes": ["a note"],
        "config": {"levels": [1, 10, 50], "repeats": 3, "duration_s": 10.0, "warmup_s": 1.0,
                   "think_time_s": 0.0, "seed": 7, "messages_per_conversation": 10},
        "machine": {"cpus": 2, "load_avg_start": [0.1, 0.1, 0.1]},
        "assistants": {
            "stock": _assistant(0.05, {1: 200, 10: 300, 50: 250}, 60.0, 12.0, 600.0),
            "ours": _assistant(ours_latency_s, {1: ours_messages - 100, 10: ours_messages, 50: ours_messages - 50},
                               150.0, 20.0, 800.0),
        },
    }
    if cluster:  # twice as fast as ours under load, slower to start, smaller processes
        results["assistants"]["cluster"] = _assistant(
            ours_latency_s / 2, {1: ours_messages - 100, 10: 2 * ours_messages, 50: 2 * ours_messages},
            150.0, 35.0, 700.0)
    results["targets"] = check_targets(results)
    return results


def test_run_record_has_throughput_percentiles_errors_and_cpu_per_message():
    load = LoadResult(users=2, duration_s=4.0, latencies_s=[0.01, 0.02, 0.03, 0.04], answered=5,
                      errors={"timeout": 1})
    record = run_record(load, 0.5, [1.0, 2.0, 3.0])
    assert record["throughput_mps"] == 1.0
    assert record["median_ms"] == pytest.approx(25.0)
    assert record["errors"] == 1 and record["error_kinds"] == {"timeout": 1}
    assert record["cpu_ms_per_message"] == pytest.approx(100.0)
    assert record["load_avg_before"] == [1.0, 2.0, 3.0]


def test_saturation_is_the_best_median_throughput_over_the_ramp():
    levels = {"1": {"median": {"throughput_mps": 10.0}}, "10": {"median": {"throughput_mps": 30.0}},
              "50": {"median": {"throughput_mps": 25.0}}}
    assert saturation(levels) == {"throughput_mps": 30.0, "users": 10}


def test_targets_met_when_ours_is_fast_enough():
    verdicts = {v["name"]: v for v in _results()["targets"]}
    assert verdicts["saturation throughput, this / stock"]["value"] == pytest.approx(100.0 / 30.0)
    assert verdicts["saturation throughput, this / stock"]["met"] is True
    assert verdicts["p95 latency at 50 users, this / stock"]["value"] == pytest.approx(0.2)
    assert verdicts["single user median latency"]["value"] == pytest.approx(10.0)
    assert all(v["met"] for v in verdicts.values())


def test_targets_fail_when_ours_is_slow():
    verdicts = {v["name"]: v for v in _results(ours_latency_s=0.05, ours_messages=400)["targets"]}
    assert verdicts["saturation throughput, this / stock"]["met"] is False
    assert verdicts["p95 latency at 50 users, this / stock"]["met"] is False
    assert verdicts["single user median latency"]["met"] is False
    assert verdicts["full training"]["met"] is True


def test_target_not_measured_without_training_time():
    results = _results()
    results["assistants"]["ours"]["training_time_s"] = None
    verdicts = {v["name"]: v for v in check_targets(results)}
    assert verdicts["full training"]["met"] is None


def test_result_file_name_is_date_and_short_commit(tmp_path: Path):
    assert result_path(tmp_path, "2026-11-29", "0123456789abcdef") == tmp_path / "2026-11-29-0123456.json"
    assert result_path(tmp_path, "2026-11-29", "0123456789abcdef-dirty") == tmp_path / "2026-11-29-0123456-dirty.json"


def test_result_file_round_trips_as_json(tmp_path: Path):
    results = _results()
    path = tmp_path / "out" / "r.json"
    write_json(results, path)
    loaded = json.loads(path.read_text())
    validate(loaded)
    assert loaded["assistants"]["ours"]["levels"]["10"]["median"]["throughput_mps"] == 100.0
    assert len(loaded["assistants"]["stock"]["levels"]["1"]["runs"]) == 3


@pytest.mark.parametrize("breaks", [
    lambda r: r.pop("targets"),
    lambda r: r["assistants"].pop("stock"),
    lambda r: r["assistants"]["ours"].pop("cold_start_s"),
    lambda r: r["assistants"]["ours"]["levels"]["10"].update(runs=[]),
    lambda r: r["assistants"]["ours"]["levels"]["10"]["median"].pop("p99_ms"),
])
def test_validate_rejects_incomplete_results(breaks, tmp_path: Path):
    results = _results()
    breaks(results)
    with pytest.raises(ValueError):
        write_json(results, tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


def test_markdown_shows_both_assistants_ratios_and_verdicts():
    text = markdown(_results(ours_latency_s=0.05, ours_messages=400))
    assert "| 50 users: p95 ms | 2500.0 | 2500.0 | 1.00 |" in text
    assert "| this assistant (`make run`) | single user median latency | 50.00 ms | <= 20.00 ms | **no** |" in text
    assert "| this assistant (`make run`) | full training | 150.00 s | <= 180.00 s | yes |" in text
    assert "a note" in text


def test_targets_are_checked_for_each_configuration_of_this_assistant():
    verdicts = {(v["assistant"], v["name"]): v for v in _results(ours_messages=400, cluster=True)["targets"]}
    assert {who for who, _ in verdicts} == {"ours", "cluster"}
    saturation_name = "saturation throughput, this / stock"
    assert verdicts[("ours", saturation_name)]["value"] == pytest.approx(400.0 / 300.0)
    assert verdicts[("ours", saturation_name)]["met"] is False
    assert verdicts[("cluster", saturation_name)]["value"] == pytest.approx(800.0 / 300.0)
    assert verdicts[("cluster", "cold start (process start to first answer)")]["met"] is False
    assert verdicts[("cluster", "peak RSS per server process (largest)")]["value"] == 700.0


def test_peak_rss_target_counts_server_processes_not_the_stores():
    results = _results(cluster=True)
    results["assistants"]["cluster"]["peak_rss_mib"]["postgres"] = 5000.0
    verdicts = {(v["assistant"], v["name"]): v for v in check_targets(results)}
    assert verdicts[("cluster", "peak RSS per server process (largest)")]["value"] == 700.0
    results["assistants"]["cluster"]["peak_rss_mib"]["rasa_server"] = 1500.0
    verdicts = {(v["assistant"], v["name"]): v for v in check_targets(results)}
    assert verdicts[("cluster", "peak RSS per server process (largest)")]["met"] is False


def test_cluster_is_optional_but_checked_when_present(tmp_path: Path):
    write_json(_results(), tmp_path / "without.json")
    results = _results(cluster=True)
    results["assistants"]["cluster"].pop("saturation")
    with pytest.raises(ValueError):
        write_json(results, tmp_path / "broken.json")
    results = _results()
    results["assistants"]["other"] = results["assistants"]["ours"]
    with pytest.raises(ValueError):
        write_json(results, tmp_path / "unknown.json")


def test_markdown_shows_the_cluster_beside_the_single_process():
    text = markdown(_results(ours_messages=400, cluster=True))
    assert "| measure | stock `rasa init` | this assistant (`make run`) | ours / stock | " \
           "this assistant, cluster | cluster / stock |" in text
    assert "| 10 users: throughput msg/s | 30.0 | 40.0 | 1.33 | 80.0 | 2.67 |" in text
    assert "| this assistant, cluster | cold start (process start to first answer) | 35.00 s |" in text


def test_run_record_gives_typed_messages_alone_their_repeat_share_and_the_cache_hit_rate():
    load = LoadResult(users=1, duration_s=1.0, latencies_s=[0.01, 0.02, 0.5], answered=3,
                      latencies_by_kind={"typed": [0.01, 0.02], "click": [0.5]},
                      sent_texts=["a", "b", "a", "knop"], sent_kinds=["typed", "typed", "typed", "click"])
    record = run_record(load, 0.3, [0.1, 0.1, 0.1], cache_hit_rate=0.25)
    assert record["typed_messages"] == 2 and record["click_messages"] == 1
    assert record["typed_median_ms"] == pytest.approx(15.0)
    assert record["repeat_share_typed"] == pytest.approx(1 / 3)
    assert record["cache_hit_rate"] == 0.25
    assert "| 1 users: parse cache hit rate |" in markdown(_results())
