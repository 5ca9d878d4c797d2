"""CPU cost of the channels' defences per message, on messages that do not repeat.

``python -m bench.guard_cost`` runs, for each of ``--messages`` realistic messages
(the benchmark's uncacheable workload, ``bench/workload.py``), every check a web
message passes before Rasa sees it: the body parsed within its size and depth
limits (``channels/limits.py``), the conversation token checked and renewed
(``channels/sessions.py``), the per-sender rate limit (``channels/rate_limit.py``)
and the privacy check with redaction (``privacy/inbound.py``). It prints the
median and p95 per check and in all, over ``--repeats`` rounds (median of the
rounds' medians). These are the costs the hardening of issue 16 added to a
message; a whole message costs tens of milliseconds (``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

from bench.workload import DUTCH_FILLERS, Perturber, load_pool
from channels.limits import Limits, parse_json_object
from channels.rate_limit import RateLimiter
from channels.sessions import ConversationTokens
from privacy.inbound import inspect_message

Check = Callable[[int], object]


def checks(bodies: Sequence[bytes], texts: Sequence[str]) -> Dict[str, Check]:
    """The defences, each as a call on message number ``i``."""
    limits = Limits(262_144, 4096, 20)
    tokens = ConversationTokens(b"k" * 32, 86_400.0)
    conversations = [tokens.issue() for _ in range(64)]
    limiter = RateLimiter(per_minute=1_000_000, burst=1_000_000, max_senders=100_000)
    return {
        "body within limits (JSON, size, depth)": lambda i: parse_json_object(bodies[i], limits),
        "conversation token checked and renewed": lambda i: tokens.resume(
            conversations[i % 64].id, conversations[i % 64].token),
        "rate limit per sender": lambda i: limiter.allow(conversations[i % 64].id),
        "privacy check and redaction": lambda i: inspect_message(texts[i]),
    }


def measure(check: Check, count: int) -> List[float]:
    """Seconds per call of ``check`` for messages 0 .. count-1."""
    times = []
    for index in range(count):
        started = time.perf_counter()
        check(index)
        times.append(time.perf_counter() - started)
    return times


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Prints a Markdown table of the cost of each defence per message (microseconds)."""
    parser = argparse.ArgumentParser(prog="python -m bench.guard_cost")
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng, pool = random.Random(args.seed), load_pool()
    perturber = Perturber(random.Random(args.seed), DUTCH_FILLERS)
    texts = [perturber.perturb(rng.choice(pool)) for _ in range(args.messages)]
    bodies = [json.dumps({"sender": f"s{i}", "message": t, "metadata": {"lang": "nl"}}).encode()
              for i, t in enumerate(texts)]
    rounds: Dict[str, List[List[float]]] = {}
    for _ in range(args.repeats):
        for name, check in checks(bodies, texts).items():
            rounds.setdefault(name, []).append(measure(check, args.messages))
    print(f"{args.messages} messages that do not repeat, {args.repeats} rounds; "
          "median of the rounds' values\n")
    print("| check | median µs | p95 µs |\n|---|---|---|")
    total_median = total_p95 = 0.0
    for name, runs in rounds.items():
        median_us = statistics.median(statistics.median(run) for run in runs) * 1e6
        p95_us = statistics.median(p95(run) for run in runs) * 1e6
        total_median, total_p95 = total_median + median_us, total_p95 + p95_us
        print(f"| {name} | {median_us:.1f} | {p95_us:.1f} |")
    print(f"| all (sum) | {total_median:.1f} | {total_p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
