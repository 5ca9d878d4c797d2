"""Runs the realistic test set against a real server through the REST channel.

Usage: ``python -m tests.realistic [--url URL] [--min-score 0.92] [--only KIND]``.
Without ``--url`` it starts the Rasa server with the model of ``BVO_MODEL`` (or
the newest in models/). Every case is a fresh conversation: its earlier turns,
then the scored message. Prints the score per kind and every failure, writes
``reports/realistic/`` (JSON and a confusion table), and exits 1 below the bar.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional

from channels.sessions import ID_HEADER, TOKEN_HEADER
from tests.realistic.score import ROOT, ResponseIndex, Verdict, judge, load_cases, load_topic_map, summarise

DEFAULT_MIN_SCORE = 0.92
CLIENTS = 4


def send(url: str, conversation: Dict[str, str], text: str) -> List[Dict[str, Any]]:
    """Posts one message to the REST channel and returns the bot messages.

    ``conversation`` holds the sender id and token; it takes the ones the server
    issues with the answer (``channels.sessions``), so the next message continues it.
    """
    body = json.dumps({"sender": conversation["id"], "message": text}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if conversation.get("token"):
        headers[TOKEN_HEADER] = conversation["token"]
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as answer:
        if answer.headers.get(ID_HEADER):
            conversation.update(id=answer.headers[ID_HEADER], token=answer.headers[TOKEN_HEADER])
        return json.loads(answer.read().decode("utf-8"))


def run_case(url: str, case, index, topic_map) -> Verdict:
    """Plays one case in a fresh conversation and judges the reply to its last message."""
    conversation = {"id": f"realistic-{uuid.uuid4().hex}"}
    for earlier in case.history:
        send(url, conversation, earlier)
    replies = send(url, conversation, case.message)
    verdict = judge(case, replies, index, topic_map)
    verdict.replies = replies  # type: ignore[attr-defined]
    return verdict


def report(verdicts: List[Verdict], out: Path) -> None:
    """Writes every verdict and the confusions (expected topic -> answers given) to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rows = [{"id": v.case.id, "kind": v.case.kind, "passed": v.passed, "problems": v.problems,
             "history": list(v.case.history), "message": v.case.message, "expect": list(v.case.expect),
             "keys": v.keys, "texts": [r.get("text") for r in getattr(v, "replies", [])]} for v in verdicts]
    (out / "verdicts.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    confusion: Counter = Counter()
    for v in verdicts:
        if v.passed:
            continue
        for problem in v.problems:
            if problem.startswith("missing ") and not problem.startswith("missing fact"):
                given = ",".join(sorted({k for k in v.keys if k})) or "-"
                confusion[(problem.removeprefix("missing "), given)] += 1
    lines = ["expected topic | responses given | count", "---|---|---"]
    lines += [f"{a} | {b} | {n}" for (a, b), n in confusion.most_common()]
    (out / "confusion.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the set and returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running Rasa server; else one is started")
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    parser.add_argument("--only", help="run only the cases of this kind")
    parser.add_argument("--cases", type=Path, default=None,
                        help="cases file (default: the blind test set tests/realistic/cases.yml)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "realistic")
    parser.add_argument("--verbose", action="store_true", help="print the reply of every failure")
    args = parser.parse_args(argv)
    cases = [c for c in (load_cases(args.cases) if args.cases else load_cases())
             if not args.only or c.kind == args.only]
    index, topic_map = ResponseIndex(), load_topic_map()

    def play(url: str) -> List[Verdict]:
        with ThreadPoolExecutor(CLIENTS) as pool:
            return list(pool.map(lambda case: run_case(url, case, index, topic_map), cases))

    if args.url:
        verdicts = play(args.url)
    else:
        from tests.server.harness import Servers
        with tempfile.TemporaryDirectory() as workdir, Servers(Path(workdir), debug=False) as servers:
            verdicts = play(servers.url)
    report(verdicts, args.out)
    for v in verdicts:
        if not v.passed:
            print(f"FAIL {v.case.id} [{v.case.kind}] {v.case.message[:90]!r}: {'; '.join(v.problems)}"
                  f" (got {[k for k in v.keys]})")
            if args.verbose:
                for r in getattr(v, "replies", []):
                    print("     >", (r.get("text") or "")[:160].replace("\n", " "))
    table = summarise(verdicts)
    print("\nkind        passed / cases   score")
    for kind, (passed, total) in table.items():
        print(f"{kind:<11} {passed:>6} / {total:<6} {passed / total:6.1%}")
    score = table["all"][0] / table["all"][1]
    if score < args.min_score:
        print(f"realistic test set: {score:.1%} is below the bar of {args.min_score:.0%}")
        return 1
    print(f"realistic test set: {score:.1%} (bar {args.min_score:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
