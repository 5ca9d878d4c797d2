"""Runs the benchmark: ``python -m bench`` (``make bench``); ``--help`` lists the options."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bench import servers
from bench.loadgen import ConversationFactory, run_load
from bench.procstat import load_average, tree_cpu_seconds
from bench.report import (
    check_targets,
    level_summary,
    markdown,
    overall_cpu_ms,
    result_path,
    run_record,
    saturation,
    write_json,
)
from bench.scenarios import (
    CLICKS_PER_CONVERSATION,
    MESSAGES_PER_CONVERSATION,
    Conversation,
    load_faq_questions,
    ours_conversation,
    stock_conversation,
)
from bench.workload import DUTCH_FILLERS, ENGLISH_FILLERS, Perturber, load_pool

RESULTS_DIR = servers.ROOT / "bench" / "results"


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Parses the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--levels", default="1,5,10,25,50",
                        help="ramp of concurrent users (must include 1, 10 and 50 for the targets)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per level and assistant")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per run")
    parser.add_argument("--think-time", type=float, default=0.0, help="pause after each answer (s)")
    parser.add_argument("--skip-train", action="store_true",
                        help="reuse this assistant's current model (or --model) instead of `make train`")
    parser.add_argument("--model", type=Path, help="model of this assistant to serve (implies --skip-train)")
    parser.add_argument("--stock-project", type=Path,
                        help="reuse this trained stock project folder (stock training then not measured)")
    parser.add_argument("--cluster-instances", type=int, default=0,
                        help="also measure this assistant as N Rasa processes behind nginx "
                             "(make cluster on one machine); 0 leaves it out")
    parser.add_argument("--cluster-store", choices=sorted(servers.CLUSTER_ENDPOINTS), default="redis",
                        help="tracker store of the cluster (the lock store is Redis in both)")
    parser.add_argument("--arms", default="ours_off,ours,ours_nocache",
                        help="variants of this assistant beside stock: ours (as make run), ours_nocache "
                             "(PARSE_CACHE_SIZE=0), ours_off (RASA_PATCHES=0); relay (make run, loaded "
                             "through the page's /api/chat), workers (the same with RASA_WORKERS=--workers)")
    parser.add_argument("--workers", type=int, default=2,
                        help="Rasa processes of the workers arm (RASA_WORKERS)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder of the result files")
    parser.add_argument("--note", action="append", default=[], help="a note for the result file (repeatable)")
    return parser.parse_args(argv)


def git_commit() -> str:
    """Returns the commit the benchmark runs on (with ``-dirty`` if the tree has changes)."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=servers.ROOT, stdout=subprocess.PIPE,
                            text=True, check=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=servers.ROOT,
                           stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    return commit + ("-dirty" if dirty else "")


def factories(seed: int, think_time_s: float, names: Sequence[str]) -> Dict[str, ConversationFactory]:
    """Returns, per assistant, a seeded builder of the next conversation of a user.

    Every variant of this assistant gets the same sequence of conversations (same seed);
    each keeps its own record of sent texts, so no typed text repeats within its runs.
    """
    faq, pool = load_faq_questions(), load_pool()
    builders: Dict[str, ConversationFactory] = {}
    for name in names:
        rng = random.Random(seed)
        if name == "stock":
            perturber = Perturber(random.Random(seed + 1), ENGLISH_FILLERS)
            builders[name] = partial(_stock, rng, perturber, think_time_s)
        else:
            perturber = Perturber(random.Random(seed + 1), DUTCH_FILLERS)
            builders[name] = partial(_ours, rng, perturber, faq, pool, think_time_s)
    return builders


def _stock(rng: random.Random, perturber: Perturber, think_time_s: float, user: int) -> Conversation:
    return stock_conversation(rng, user, perturber, think_time_s)


def _ours(rng: random.Random, perturber: Perturber, faq: Sequence[str], pool: Sequence[str],
          think_time_s: float, user: int) -> Conversation:
    return ours_conversation(rng, user, faq, pool, perturber, think_time_s)


def measure_level(assistant: servers.RunningAssistant, factory: ConversationFactory, users: int,
                  args: argparse.Namespace) -> Dict[str, Any]:
    """Runs one load run against ``assistant`` and returns its record."""
    load_avg = load_average()
    pids = assistant.pids()
    cpu_before = sum(tree_cpu_seconds(pid) for pid in pids)
    counts_before = servers.cache_counts(assistant.logs)
    load = asyncio.run(run_load(assistant.url, factory, users, args.duration, args.warmup))
    cpu_s = sum(tree_cpu_seconds(pid) for pid in pids) - cpu_before
    record = run_record(load, cpu_s, load_avg, hit_rate(counts_before, servers.cache_counts(assistant.logs)))
    print(f"    {assistant.name:7s} {users:3d} users: {record['throughput_mps']:7.1f} msg/s, "
          f"median {record['median_ms'] or 0:7.1f} ms, p95 {record['p95_ms'] or 0:7.1f} ms, "
          f"errors {record['errors']}, load {record['load_avg_before'][0]}", flush=True)
    return record


def hit_rate(before: Optional[Tuple[int, int]], after: Optional[Tuple[int, int]]) -> Optional[float]:
    """Hits / lookups of the parse cache between two readings of its counts (None: no cache)."""
    if after is None:
        return None
    hits, misses = after[0] - (before or (0, 0))[0], after[1] - (before or (0, 0))[1]
    return hits / (hits + misses) if hits + misses > 0 else None


def assistant_results(assistant: servers.RunningAssistant, training_s: Optional[float],
                      runs: Dict[int, List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Collects one assistant's measurements into its part of the result file."""
    levels = {str(users): {"runs": recs, "median": level_summary(recs)} for users, recs in runs.items()}
    memory = assistant.memory()
    return {
        "training_time_s": training_s,
        "cold_start_s": assistant.cold_start_s,
        "levels": levels,
        "saturation": saturation(levels),
        "cpu_ms_per_message": overall_cpu_ms(levels),
        "peak_rss_mib": {role: (mem["peak_rss_kib"] / 1024 if "peak_rss_kib" in mem else None)
                         for role, mem in memory.items()},
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Trains and starts both assistants, runs the load ramp, writes the result files."""
    args = parse_args(argv)
    levels = [int(value) for value in args.levels.split(",")]
    arms = [name.strip() for name in args.arms.split(",") if name.strip()]
    known = set(servers.OURS_VARIANTS) | set(servers.RELAY_ARMS)
    unknown = sorted(set(arms) - known)
    if unknown or "ours" not in arms:
        raise SystemExit(f"--arms: known are {sorted(known)}, 'ours' required; got {unknown}")
    started = dt.datetime.now(dt.timezone.utc)
    commit = git_commit()
    notes: List[str] = list(args.note)
    machine = {"cpus": os.cpu_count(), "load_avg_start": [round(v, 2) for v in load_average()],
               "python": sys.version.split()[0]}
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    print(f"==> benchmark on {commit[:7]}, logs in {workdir}", flush=True)

    stock_project = args.stock_project or workdir / "stock"
    stock_training: Optional[float] = None
    if args.stock_project is None:
        servers.create_stock_project(stock_project)
        print("==> training the stock assistant (rasa train)", flush=True)
        stock_training = servers.train_stock(stock_project, workdir / "stock-train.log")
        print(f"    {stock_training:.0f} s", flush=True)
    else:
        notes.append(f"stock assistant reused from {stock_project} (training not measured)")
    ours_training: Optional[float] = None
    if args.model is None and not args.skip_train:
        print("==> training this assistant (make train)", flush=True)
        ours_training = servers.train_ours(workdir / "ours-train.log")
        print(f"    {ours_training:.0f} s", flush=True)
    elif args.model is None:
        notes.append("training of this assistant not measured (--skip-train)")
    model = args.model or servers.current_ours_model()
    if args.model is not None:
        notes.append(f"this assistant served with a given model: {model.name} (training not measured)")

    print("==> cold starts", flush=True)
    running: Dict[str, servers.RunningAssistant] = {}
    try:
        running["stock"] = servers.start_stock(stock_project, workdir)
        for name in arms:
            if name in servers.RELAY_ARMS:
                workers = servers.RELAY_ARMS[name] or args.workers
                running[name] = servers.start_relay(model, workdir, name, workers)
                notes.append(f"{name}: make run (scripts/run.py) with RASA_WORKERS={workers}, loaded through "
                             "the page's /api/chat; CPU and memory of the Rasa processes and the page")
            else:
                running[name] = servers.start_ours(model, workdir, name)
        if args.cluster_instances > 0:
            running["cluster"] = servers.start_cluster(model, workdir, args.cluster_instances,
                                                       args.cluster_store)
            notes.append(f"cluster: this assistant as {args.cluster_instances} Rasa server processes "
                         f"behind nginx, conversations in {args.cluster_store}, Redis lock store, one action "
                         "server, all on this machine (make cluster); its training is the same as ours")
        for name, assistant in running.items():
            print(f"    {name}: {assistant.cold_start_s:.1f} s", flush=True)
        builders = factories(args.seed, args.think_time, list(running))
        runs: Dict[str, Dict[int, List[Dict[str, Any]]]] = {name: {u: [] for u in levels} for name in running}
        for repeat in range(args.repeats):
            print(f"==> round {repeat + 1}/{args.repeats}", flush=True)
            for users in levels:
                for name in running:  # interleaved: drift of the machine hits all alike
                    runs[name][users].append(measure_level(running[name], builders[name], users, args))
        trainings = {name: (stock_training if name == "stock" else ours_training) for name in running}
        assistants = {name: assistant_results(assistant, trainings[name], runs[name])
                      for name, assistant in running.items()}
    finally:
        for assistant in running.values():
            assistant.stop()

    results: Dict[str, Any] = {
        "schema_version": 1,
        "date": started.strftime("%Y-%m-%d"),
        "started_utc": started.isoformat(timespec="seconds"),
        "commit": commit,
        "config": {"levels": levels, "repeats": args.repeats, "duration_s": args.duration,
                   "warmup_s": args.warmup, "think_time_s": args.think_time, "seed": args.seed,
                   "messages_per_conversation": MESSAGES_PER_CONVERSATION, "arms": arms,
                   "workload": {"pool": "tests/nlu_heldout/heldout.yml + tests/nlu_dev (basics, faq_*)",
                                "pool_size": len(load_pool()),
                                "typed_per_conversation": MESSAGES_PER_CONVERSATION - CLICKS_PER_CONVERSATION,
                                "clicks_per_conversation": CLICKS_PER_CONVERSATION,
                                "perturbations": "1-3 of: swapped letters, filler word, casing, end mark; "
                                                 "a text sent before is changed again"}},
        "machine": {**machine, "load_avg_end": [round(v, 2) for v in load_average()]},
        "assistants": assistants,
        "notes": notes,
    }
    results["targets"] = check_targets(results)
    path = result_path(args.out, results["date"], commit)
    write_json(results, path)
    summary = markdown(results)
    path.with_suffix(".md").write_text(summary, encoding="utf-8")
    print(f"==> results: {path}\n\n{summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
