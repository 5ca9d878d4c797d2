"""Cost of a turn as one conversation grows: ``python -m bench.turn_cost`` (``make bench-turns``).

Starts the Rasa server as ``make run`` does (``scripts.run.services``, the current
model, in-memory tracker store), with the turn cap raised (``MAX_TURNS=2000``, so
the measured session really grows) and the per-sender rate limit lifted (one
sender sends every message). It then sends ``--turns`` (1000) messages in one
conversation, one at a time, each with the conversation id and token the server
issued with the previous answer (without them every message would start a new
conversation; the run fails if the server ever gives another id). The messages
do not repeat: realistic questions from the held-out and development sets (never
training examples), each round with a different small change (case, punctuation),
so the NLU parse cache never answers.

Reports the median latency over windows around turns 1, 50, 200 and 1000 (turns
1-20, 41-60, 191-210, 981-1000) and the ratio turn 1000 / turn 1, and writes
``bench/results/<date>-<commit>-turn-cost.json`` and ``.md`` (with the load
average before the run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bench.procstat import load_average
from bench.servers import ROOT, bench_env, free_port, stop_processes
from bench.stats import median
from channels.sessions import ID_HEADER, TOKEN_HEADER

RESULTS_DIR = ROOT / "bench" / "results"
# Realistic questions that are not training data (tests/, not data/).
QUESTION_FILES = (
    ROOT / "tests" / "nlu_heldout" / "heldout.yml",
    ROOT / "tests" / "nlu_dev" / "faq_incident.yml",
    ROOT / "tests" / "nlu_dev" / "faq_screening.yml",
    ROOT / "tests" / "nlu_dev" / "faq_guidance.yml",
)
# Turn windows (1-based, inclusive) and their labels.
WINDOWS: Tuple[Tuple[str, int, int], ...] = (
    ("turn 1", 1, 20),
    ("turn 50", 41, 60),
    ("turn 200", 191, 210),
    ("turn 1000", 981, 1000),
)
SERVER_SETTINGS = {
    "MAX_TURNS": "2000",  # above the turns sent: the session grows for the whole run
    "RATE_LIMIT_PER_MINUTE": "1000000",
    "RATE_LIMIT_BURST": "1000000",
}


def load_questions(files: Sequence[Path] = QUESTION_FILES) -> List[str]:
    """The example texts of the NLU test files, in file order.

    Args:
        files: Rasa NLU YAML files.

    Returns:
        Every example text.
    """
    texts: List[str] = []
    for path in files:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            texts += [line[2:].strip() for line in block.get("examples", "").splitlines()
                      if line.startswith("- ")]
    return texts


VARIANTS = (
    lambda text: text,
    lambda text: text.lower(),
    lambda text: text.rstrip("?").rstrip() + " ?",
    lambda text: text[:1].lower() + text[1:].rstrip("?.!") + "??",
    lambda text: "ok, " + text[:1].lower() + text[1:],
    lambda text: "En " + text[:1].lower() + text[1:],
)


def messages(count: int, questions: Sequence[str]) -> List[str]:
    """``count`` messages that do not repeat: each round over the questions uses another variant.

    Args:
        count: How many messages.
        questions: The base texts.

    Returns:
        The messages, no two the same (duplicates among the base texts are skipped).

    Raises:
        ValueError: If the questions and variants cannot give ``count`` different messages.
    """
    seen, out = set(), []
    for variant in VARIANTS:
        for question in questions:
            text = variant(question)
            if text not in seen:
                seen.add(text)
                out.append(text)
                if len(out) == count:
                    return out
    raise ValueError(f"only {len(out)} different messages, {count} asked")


def window_medians(latencies_ms: Sequence[float]) -> Dict[str, Optional[float]]:
    """Median latency of each window in ``WINDOWS`` (None when the run was shorter).

    Args:
        latencies_ms: Latency of turn 1, 2, ... in milliseconds.

    Returns:
        Label -> median in ms.
    """
    return {label: (median(latencies_ms[first - 1:last]) if len(latencies_ms) >= last else None)
            for label, first, last in WINDOWS}


def send(url: str, conversation: Dict[str, Optional[str]], text: str) -> List[Dict[str, Any]]:
    """Posts one message to the REST webhook and returns the bot messages.

    The server issues the conversation id and its token (``channels.sessions``): a
    sender without its token starts a new conversation. ``conversation`` holds the
    ``id`` and ``token`` of the last answer (both None at first) and is updated.

    Args:
        url: The REST webhook.
        conversation: ``{"id": ..., "token": ...}``, updated in place from the answer.
        text: The message.

    Returns:
        The bot messages.
    """
    body = {"message": text, **({"sender": conversation["id"]} if conversation.get("id") else {})}
    headers = {"Content-Type": "application/json"}
    if conversation.get("token"):
        headers[TOKEN_HEADER] = str(conversation["token"])
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as answer:
        conversation.update(id=answer.headers.get(ID_HEADER), token=answer.headers.get(TOKEN_HEADER))
        return json.loads(answer.read().decode("utf-8"))


def start_server(model: Path, log: Path, extra: Dict[str, str]) -> Tuple[subprocess.Popen, str]:
    """Starts the Rasa server as ``make run`` does; returns the process and the webhook URL."""
    from scripts.run import services, settings, wait_until_up

    port = free_port()
    os.environ.update({"RASA_PORT": str(port), "WEB_PORT": str(free_port())})
    env = settings()
    rasa = next(service for service in services(env, model) if service.name == "Rasa server")
    with log.open("w") as out:
        proc = subprocess.Popen(rasa.argv, cwd=ROOT, env={**bench_env(), **rasa.env, **extra},
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(rasa.ready_url, proc, rasa.name, timeout_s=300)
    except RuntimeError:
        stop_processes([proc])
        raise
    return proc, f"http://127.0.0.1:{port}/webhooks/rest/webhook"


def run(model: Path, turns: int, extra: Dict[str, str]) -> Dict[str, Any]:
    """Starts the server, plays one conversation of ``turns`` messages, returns the record."""
    texts = messages(turns, load_questions())
    measured = commit()  # before the run: the code the server starts with
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="turn-cost-") as tmp:
        proc, url = start_server(model, Path(tmp) / "rasa.log", {**SERVER_SETTINGS, **extra})
        try:
            send(url, {"id": None, "token": None}, "Hallo")  # first message of a process loads lazily
            conversation: Dict[str, Optional[str]] = {"id": None, "token": None}
            latencies, empty, ids = [], 0, set()
            for text in texts:
                started = time.perf_counter()
                replies = send(url, conversation, text)
                latencies.append((time.perf_counter() - started) * 1000)
                empty += not replies
                ids.add(conversation["id"])
        finally:
            stop_processes([proc])
    if len(ids) != 1:
        raise RuntimeError(f"the server started {len(ids)} conversations instead of one")
    windows = window_medians(latencies)
    first, last = windows["turn 1"], windows.get("turn 1000")
    return {
        "commit": measured, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "model": model.name, "turns": turns, "settings": {**SERVER_SETTINGS, **extra},
        "load_average_before": load_before, "load_average_after": load_average(),
        "window_median_ms": windows, "ratio_turn1000_turn1": (last / first) if first and last else None,
        "empty_answers": empty, "latencies_ms": [round(value, 2) for value in latencies],
    }


def commit() -> str:
    """The current commit (short), with ``+wip`` when the work tree has changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              check=False).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + ("+wip" if git("status", "--porcelain", "--", ".") else "")


def markdown(record: Dict[str, Any]) -> str:
    """The record as a short Markdown table."""
    medians = record["window_median_ms"]
    rows = "\n".join(f"| {label} (turns {first}-{last}) | "
                     + ("-" if medians[label] is None else f"{medians[label]:.1f}") + " |"
                     for label, first, last in WINDOWS)
    ratio = record["ratio_turn1000_turn1"]
    return (f"# Cost of a turn in one long conversation ({record['date']}, commit {record['commit']})\n\n"
            f"Model {record['model']}, {record['turns']} turns in one conversation, settings "
            f"{record['settings']}, load average before {record['load_average_before']}, "
            f"empty answers {record['empty_answers']}.\n\n"
            f"| window | median ms |\n|---|---|\n{rows}\n\n"
            f"Ratio turn 1000 / turn 1: {'-' if ratio is None else f'{ratio:.2f}'}\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the measurement and writes the result files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the current one, scripts.model_key)")
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--label", default="", help="added to the result file names")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra setting for the server, e.g. RASA_PATCHES=0 (repeatable)")
    args = parser.parse_args(argv)
    from bench.servers import current_ours_model

    model = args.model or current_ours_model()
    if not model.exists():
        sys.exit(f"error: no model at {model}; run `make train`")
    extra = dict(item.split("=", 1) for item in args.env)
    record = run(model, args.turns, extra)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"{dt.date.today().isoformat()}-{record['commit']}-turn-cost"
    stem += f"-{args.label}" if args.label else ""
    (RESULTS_DIR / f"{stem}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    text = markdown(record)
    (RESULTS_DIR / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
