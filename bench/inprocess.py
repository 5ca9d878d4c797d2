"""Load in one process, without HTTP: N simulated users talk to the agent as the REST channel would.

``python -m bench.inprocess --model models/bvo-....tar.gz --users 50`` loads the
model as ``rasa run`` does (the runtime's changes installed, endpoints.yml),
starts ``--users`` closed-loop users with the benchmark's uncacheable
conversations (``bench.scenarios``), and after ``--warmup`` seconds measures
``--duration`` seconds: messages per second, median and p95 latency, CPU per
message of the whole process (the NLU worker thread included). ``--profile``
adds cProfile of the event loop's thread. Custom actions run in process
(``ACTIONS_IN_PROCESS=1``, the default); with ``=0`` start the action server first.
For finding where time goes; the figures to compare with stock Rasa come from
``make bench`` (HTTP, interleaved arms, repeats).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import random
import statistics
import time
from pathlib import Path
from typing import List, Optional, Sequence

from bench.profile import load_as_rasa_run
from bench.scenarios import load_faq_questions, ours_conversation
from bench.workload import Perturber, load_pool


async def measure(model: Path, users: int, warmup_s: float, duration_s: float, profile: bool,
                  profile_out: Optional[Path] = None) -> str:
    """Runs the load; returns one result line (and the profile when asked).

    Args:
        model: The trained model to load.
        users: Closed-loop users sending at once.
        warmup_s: Seconds of load before measuring.
        duration_s: Seconds measured.
        profile: Whether to profile the event loop's thread.
        profile_out: Where to save the raw profile (``pstats`` format), if given.
    """
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    agent = await load_as_rasa_run(model)
    rng, faq, pool = random.Random(3), load_faq_questions(), load_pool()
    perturber = Perturber(random.Random(3))
    latencies: List[float] = []
    running = True

    async def user(index: int) -> None:
        number = 0
        while running:
            conversation = ours_conversation(rng, index * 100_000 + number, faq, pool, perturber)
            number += 1
            for text in conversation.messages:
                if not running:
                    return
                started = time.perf_counter()
                message = UserMessage(text, CollectingOutputChannel(), conversation.sender_id)
                await agent.handle_message(message)
                latencies.append(time.perf_counter() - started)

    tasks = [asyncio.create_task(user(index)) for index in range(users)]
    await asyncio.sleep(warmup_s)
    latencies.clear()
    profiler = cProfile.Profile()
    if profile:
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.sleep(duration_s)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if profile:
        profiler.disable()
    running = False
    count = len(latencies)
    ordered = sorted(latencies)
    await asyncio.gather(*tasks, return_exceptions=True)
    line = (f"users {users}: {count / elapsed:.1f} msg/s, median {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {ordered[int(count * 0.95)] * 1000:.0f} ms, CPU {cpu / count * 1000:.1f} ms per message "
            f"({count} messages in {elapsed:.0f} s)")
    if not profile:
        return line
    if profile_out is not None:
        profiler.dump_stats(str(profile_out))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    return line + "\n\n" + out.getvalue()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line: ``python -m bench.inprocess --model M [--users N] [--profile]``."""
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", type=Path, default=None, help="also save the raw profile (pstats)")
    args = parser.parse_args(argv)
    print(asyncio.run(measure(args.model, args.users, args.warmup, args.duration, args.profile,
                              args.profile_out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
