"""Profiles this assistant's message path in-process: cProfile around ``Agent.handle_message``.

``python -m bench.profile --model models/bvo-....tar.gz`` starts the action server,
loads the model as ``rasa run`` does (same endpoints.yml), plays benchmark
conversations, and writes the top functions to ``bench/results/profile.md``.
The REST channel's own work (privacy check, HTTP) is not inside this path. The NLU
runs on the profiled thread (``NLU_BATCH_SIZE=1`` unless set): with batches it runs
in a worker thread that cProfile would not see.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, List, Optional, Sequence

from bench import servers
from bench.scenarios import TYPED, load_faq_questions, ours_conversation
from bench.stats import latency_summary
from bench.workload import Perturber, load_pool
from scripts.run import wait_until_up

OUT = servers.ROOT / "bench" / "results" / "profile.md"


async def play(agent: object, conversations: int, seed: int) -> List[float]:
    """Plays ``conversations`` benchmark conversations through ``agent``; returns latencies (s).

    Only the typed messages (which no cache can answer) are sent: the profile is of
    the cache-miss path.
    """
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    rng, faq, pool, latencies = random.Random(seed), load_faq_questions(), load_pool(), []
    perturber = Perturber(random.Random(seed))
    for user in range(conversations):
        conversation = ours_conversation(rng, user, faq, pool, perturber)
        typed = [text for text, kind in zip(conversation.messages, conversation.kinds, strict=True)
                 if kind == TYPED]
        for text in typed:
            started = time.perf_counter()
            await agent.handle_message(  # type: ignore[attr-defined]
                UserMessage(text, CollectingOutputChannel(), conversation.sender_id))
            latencies.append(time.perf_counter() - started)
    return latencies


async def load_as_rasa_run(model: Path) -> Any:
    """Loads the agent as ``rasa run`` does: its logging, the runtime's changes, endpoints.yml.

    Args:
        model: The trained model.

    Returns:
        The loaded ``Agent``.
    """
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from runtime import install as install_runtime_patches

    configure_logging_and_warnings(logging.INFO)  # as `rasa run` without --debug
    configure_structlog(logging.INFO)
    install_runtime_patches()  # as `rasa run` does through the first entry of credentials.yml
    endpoints = AvailableEndpoints.read_endpoints(str(servers.ROOT / "endpoints.yml"))
    return await load_agent(model_path=str(model), endpoints=endpoints)


async def profile(model: Path, warmup: int, conversations: int, top: int) -> str:
    """Loads the agent, warms it up, profiles ``conversations`` conversations; returns Markdown."""
    # A message alone is parsed alone either way; NLU_BATCH_SIZE=1 keeps the parse on this
    # thread (not in the batches' worker thread), so that the one profile sees all of it.
    os.environ.setdefault("NLU_BATCH_SIZE", "1")
    agent = await load_as_rasa_run(model)
    await play(agent, warmup, seed=1)
    profiler = cProfile.Profile()
    profiler.enable()
    latencies = await play(agent, conversations, seed=2)
    profiler.disable()
    summary = latency_summary(latencies)
    report = []
    for key, label in (("tottime", "own time"), ("cumulative", "cumulative time")):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(key).print_stats(top)
        report.append(f"## Top {top} by {label}\n\n```\n{stream.getvalue().strip()}\n```\n")
    return (
        f"# Profile of one request path: `Agent.handle_message` (model {model.name})\n\n"
        f"{len(latencies)} typed messages, none repeated ({conversations} benchmark conversations without "
        f"their button clicks, one at a time, after "
        f"{warmup} warm-up conversations), action server running, in-memory tracker store. "
        f"Under cProfile: median {summary['median_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms per message "
        "(cProfile adds overhead; compare shares, not absolute times).\n\n" + "\n".join(report)
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Starts the action server, profiles, writes ``bench/results/profile.md``."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    port = servers.free_port()
    os.environ.update(servers.bench_env(ACTION_PORT=str(port)))
    with (Path("/tmp") / f"bench-profile-actions-{port}.log").open("w") as log:
        actions = subprocess.Popen(
            [str(servers.BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
            cwd=servers.ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", actions, "action server",
                      timeout_s=servers.STARTUP_TIMEOUT_S, interval_s=0.2)
        text = asyncio.run(profile(args.model.resolve(), args.warmup, args.conversations, args.top))
    finally:
        actions.terminate()
        actions.wait(timeout=20)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
