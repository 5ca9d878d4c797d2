"""Fuzz run (``make fuzz``): many generated requests against a running Rasa server.

Starts the action server and Rasa server (SQLite example endpoints, no debug
logs), sends ``--count`` generated request bodies (default 10,000) to the REST
webhook, and reports the status codes, transport errors, whether the server is
still alive, and the RSS of the Rasa process after warm-up and at the end.
Fails on any 5xx, any transport error, a dead server, or RSS growth above
``--max-rss-growth-mib``.

The inputs mix: ordinary questions, personal data, very long messages,
empty and whitespace, emoji, right-to-left text, HTML and script tags,
SQL-like text, typed commands, control characters, lone surrogates, invalid
UTF-8, bodies that are not JSON objects, wrong field types and random Unicode.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Counter, List, Optional, Sequence

import aiohttp

from tests.server.harness import Servers, rss_kib

QUESTIONS = ["Wat is er gebeurd?", "Welke gegevens zijn gestolen?", "Moet ik mijn BSN veranderen?",
             "Hoe herken ik een nepbericht?", "Hallo", "Ik wil met een medewerker praten.", "Dank je wel"]
PERSONAL = ["123456782", "123 456 782", "NL91 ABNA 0417 1643 00", "06-12345678", "+44 20 7946 0958",
            "jan@example.nl", "2288 ER 12", "12-03-1985", "XR1001R58"]
OFFICIAL = ["088 900 10 00", "088 786 73 72", "0900 8844", "112", "485.000", "2025", "3 tot 6 juli"]
ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --",
           "\" OR 1=1 --", "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd", "%00%0d%0a", "<b>vet</b>"]
COMMANDS = ["/greet", "/restart", "/session_start", '/faq{"x": "y"}', "/greet@0.9", '/nlu_fallback{"a":1}',
            "/", "//", '/request_human{"bsn": "123456782"}']
RTL = ["مرحبا ما الذي حدث", "שלום מה קרה", "\u202eevil\u202c", "\u200f\u200e"]
EMOJI = ["😀", "🙏🏽", "👩‍👩‍👧", "🇳🇱", "❤️", "\U0001F9FF" * 3]
SENDERS = [f"fuzz-{n:04d}" for n in range(200)]
# 10,000 bodies over 200 senders in a few minutes: far above RATE_LIMIT_PER_MINUTE, which would answer
# most of them with the rate-limit notice before the code under test; the fuzz run lifts the limit.
NO_RATE_LIMIT = {"RATE_LIMIT_PER_MINUTE": "1000000", "RATE_LIMIT_BURST": "1000000"}


def random_unicode(rng: random.Random, length: int) -> str:
    """Random code points from all planes (surrogates excluded: JSON cannot carry them raw)."""
    chars = []
    for _ in range(length):
        point = rng.choice([rng.randint(0x20, 0x7E), rng.randint(0xA0, 0x2FFF), rng.randint(0x3000, 0xD7FF),
                            rng.randint(0xE000, 0xFFFD), rng.randint(0x10000, 0x10FFFF), rng.randint(0, 0x1F)])
        chars.append(chr(point))
    return "".join(chars)


def body(message: object, rng: random.Random, **extra: object) -> bytes:
    """A JSON request body with a sender from the pool."""
    return json.dumps({"sender": rng.choice(SENDERS), "message": message, **extra}).encode()


def generators() -> List[Callable[[random.Random], bytes]]:
    """One function per kind of input; each returns a request body."""
    return [
        lambda r: body(r.choice(QUESTIONS), r),
        lambda r: body(f"{r.choice(PERSONAL)} {r.choice(QUESTIONS)}", r),
        lambda r: body(f"{r.choice(QUESTIONS)} {r.choice(OFFICIAL)}", r),
        lambda r: body(r.choice(ATTACKS) + " " + r.choice(QUESTIONS), r),
        lambda r: body(r.choice(COMMANDS), r),
        lambda r: body(r.choice(RTL), r),
        lambda r: body("".join(r.choices(EMOJI, k=r.randint(1, 20))), r),
        lambda r: body(r.choice(["", " ", "\n\t", "\u200b", "\u3000"]), r),
        lambda r: body(random_unicode(r, r.randint(1, 200)), r),
        lambda r: body("x" * r.choice([1001, 5000, 100_000]), r),
        lambda r: body(r.choice(QUESTIONS) * r.randint(50, 200), r),
        lambda r: body("".join(chr(r.randint(0, 31)) for _ in range(r.randint(1, 50))), r),
        lambda r: json.dumps({"sender": r.choice(SENDERS)}).encode()[:-1] + b', "message": "\\ud800 hoi"}',
        lambda r: b'{"sender": "fuzz-bytes", "message": "' + bytes(r.randint(0x80, 0xFF) for _ in range(20)) + b'"}',
        lambda r: bytes(r.randint(0, 255) for _ in range(r.randint(0, 300))),
        lambda r: r.choice([b"", b"null", b"[]", b"[1,2,3]", b'"tekst"', b"42", b"{", b"{}"]),
        lambda r: body(r.choice([42, 3.14, True, None, [], {}, ["a"], {"text": "hoi"}]), r),
        lambda r: json.dumps({"sender": r.choice([None, 5, "", "x" * 300, ["a"], "a\nb"]),
                              "message": r.choice(QUESTIONS)}).encode(),
        lambda r: body(r.choice(QUESTIONS), r, metadata=r.choice([{"email": "jan@example.nl"}, "x", [1], None])),
        lambda r: body(r.choice(QUESTIONS), r, input_channel=r.choice([None, 5, "rest", "x" * 500])),
    ]


async def send_all(url: str, bodies: Sequence[bytes], concurrency: int) -> tuple[Counter[str], int]:
    """Posts every body; returns the status counts and the number of transport errors."""
    statuses: Counter[str] = collections.Counter()
    errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            data = queue.get_nowait()
            try:
                async with session.post(url, data=data, headers={"Content-Type": "application/json"}) as answer:
                    await answer.read()
                    statuses[str(answer.status)] += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                errors += 1

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return statuses, errors


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(description="Fuzz the REST channel of a running Rasa server.")
    parser.add_argument("--count", type=int, default=10_000, help="number of requests (default 10000)")
    parser.add_argument("--seed", type=int, default=20250811)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=300, help="requests before the first RSS reading")
    parser.add_argument("--max-rss-growth-mib", type=float, default=150.0)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the fuzz and prints the report; returns 1 if any check fails."""
    args = parse_args(argv)
    rng = random.Random(args.seed)
    makers = generators()
    bodies = [rng.choice(makers)(rng) for _ in range(args.count)]
    warmup = [makers[0](rng) for _ in range(args.warmup)]
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder, Servers(Path(folder), debug=False, extra_env=NO_RATE_LIMIT) as servers:
        url = f"{servers.url}/webhooks/rest/webhook"
        asyncio.run(send_all(url, warmup, args.concurrency))
        rss_before = rss_kib(servers.rasa_pid)
        started = time.monotonic()
        statuses, errors = asyncio.run(send_all(url, bodies, args.concurrency))
        seconds = time.monotonic() - started
        asyncio.run(send_all(url, warmup[:50], args.concurrency))
        rss_after = rss_kib(servers.rasa_pid)
        alive = servers.procs[1].poll() is None
    server_errors = sum(n for code, n in statuses.items() if code.startswith("5"))
    growth_mib = (rss_after - rss_before) / 1024
    print(f"fuzz: {args.count} requests in {seconds:.0f} s ({args.count / seconds:.0f}/s), seed {args.seed}")
    print(f"status codes: {dict(sorted(statuses.items()))}")
    print(f"5xx: {server_errors}, transport errors: {errors}, server alive: {alive}")
    print(f"RSS of the Rasa process: {rss_before / 1024:.0f} MiB after warm-up, "
          f"{rss_after / 1024:.0f} MiB at the end ({growth_mib:+.0f} MiB)")
    ok = server_errors == 0 and errors == 0 and alive and growth_mib <= args.max_rss_growth_mib
    print("==> fuzz passed" if ok else "==> fuzz FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
