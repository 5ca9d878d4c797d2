"""Statistics of the benchmark: percentiles, medians of repeated runs and ratios."""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence


def percentile(values: Sequence[float], pct: float) -> float:
    """Returns the ``pct`` percentile of ``values`` with linear interpolation.

    This is the same definition as ``numpy.percentile`` (method "linear").

    Args:
        values: The sample; need not be sorted.
        pct: The percentile, from 0 to 100.

    Returns:
        The interpolated percentile.

    Raises:
        ValueError: If ``values`` is empty or ``pct`` is outside 0-100.
    """
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0.0 <= pct <= 100.0:
        raise ValueError(f"percentile must be within 0-100, got {pct}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """Returns the median of ``values`` (the 50th percentile)."""
    return percentile(values, 50.0)


def latency_summary(latencies_s: Sequence[float]) -> Dict[str, Optional[float]]:
    """Summarises the latencies of one run in milliseconds.

    Args:
        latencies_s: Latencies of the answered messages, in seconds.

    Returns:
        ``median_ms``, ``p95_ms`` and ``p99_ms`` (all None for an empty run).
    """
    if not latencies_s:
        return {"median_ms": None, "p95_ms": None, "p99_ms": None}
    millis = [value * 1000.0 for value in latencies_s]
    return {
        "median_ms": percentile(millis, 50.0),
        "p95_ms": percentile(millis, 95.0),
        "p99_ms": percentile(millis, 99.0),
    }


def median_of_runs(runs: Sequence[Dict[str, Optional[float]]], key: str) -> Optional[float]:
    """Returns the median of one measure over repeated runs, ignoring runs without it.

    Args:
        runs: One dictionary of measures per run.
        key: The measure to take.

    Returns:
        The median, or None when no run has the measure.
    """
    values = [run[key] for run in runs if run.get(key) is not None]
    return median(values) if values else None


def ratio(ours: Optional[float], stock: Optional[float]) -> Optional[float]:
    """Returns ``ours / stock``, or None when either is missing or ``stock`` is zero."""
    if ours is None or stock is None or stock == 0:
        return None
    return ours / stock
