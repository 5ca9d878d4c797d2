"""The benchmark's statistics: percentiles, medians of runs, ratios."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.stats import latency_summary, median, median_of_runs, percentile, ratio


def test_percentile_interpolates_between_ranks():
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == pytest.approx(25.0)
    assert percentile(values, 95) == pytest.approx(38.5)


def test_percentile_ignores_input_order():
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0


@given(st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=200),
       st.floats(min_value=0, max_value=100))
def test_percentile_matches_numpy(values, pct):
    assert percentile(values, pct) == pytest.approx(float(np.percentile(values, pct)), rel=1e-9, abs=1e-9)


def test_percentile_rejects_empty_sample_and_bad_pct():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_median_of_odd_and_even_samples():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([1.0, 2.0, 3.0, 4.0]) == 2.5


def test_latency_summary_is_in_milliseconds():
    summary = latency_summary([0.010] * 98 + [0.100, 0.200])
    assert summary["median_ms"] == pytest.approx(10.0)
    assert summary["p95_ms"] == pytest.approx(10.0)
    assert summary["p99_ms"] == pytest.approx(101.0)


def test_latency_summary_of_empty_run_is_none():
    assert latency_summary([]) == {"median_ms": None, "p95_ms": None, "p99_ms": None}


def test_median_of_runs_skips_runs_without_the_measure():
    runs = [{"p95_ms": 30.0}, {"p95_ms": None}, {"p95_ms": 10.0}, {"p95_ms": 20.0}]
    assert median_of_runs(runs, "p95_ms") == 20.0
    assert median_of_runs([{"p95_ms": None}], "p95_ms") is None


def test_median_of_runs_is_robust_to_one_outlier():
    runs = [{"throughput_mps": value} for value in (100.0, 101.0, 5.0)]
    assert median_of_runs(runs, "throughput_mps") == 100.0


def test_ratio():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(None, 10.0) is None
    assert ratio(1.0, None) is None
    assert ratio(1.0, 0.0) is None
