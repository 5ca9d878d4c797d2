"""The uncacheable workload: realistic pool, small changes, no repeats; the cache counts read from logs."""

from __future__ import annotations

import logging
import random
from pathlib import Path

from bench.__main__ import hit_rate
from bench.servers import cache_counts
from bench.workload import Perturber, add_filler, change_end, load_pool, repeat_share, swap_letters
from runtime.parse_cache import STATS_LINE, ParseCache, configured_stats_every


def test_pool_is_held_out_and_development_messages_only():
    pool = load_pool()
    assert len(pool) >= 400
    training = set()
    for path in Path("data/nlu").rglob("*.yml"):
        training |= set(load_pool([path]))
    assert not set(pool) & training


def test_swap_letters_changes_one_word_and_keeps_its_letters():
    changed = swap_letters("Welke gegevens zijn gestolen?", random.Random(0))
    assert changed != "Welke gegevens zijn gestolen?"
    assert sorted(changed) == sorted("Welke gegevens zijn gestolen?")


def test_filler_and_end_mark_change_the_text():
    assert len(add_filler("is mijn bsn gelekt", random.Random(1), ("nou",)).split()) == 5
    assert change_end("is mijn bsn gelekt?", random.Random(3)).startswith("is mijn bsn gelekt")


def test_perturber_never_returns_a_text_twice_for_the_same_source():
    perturber = Perturber(random.Random(4))
    texts = [perturber.perturb("Is mijn BSN gelekt?") for _ in range(300)]
    assert repeat_share(texts) < 0.02
    assert perturber.repeats == round(repeat_share(texts) * 300)


def test_repeat_share_counts_texts_sent_before():
    assert repeat_share(["a", "b", "a", "a"]) == 0.5
    assert repeat_share([]) == 0.0


def test_parse_cache_logs_its_counts_every_n_lookups(caplog):
    cache = ParseCache(10, stats_every=2)
    with caplog.at_level(logging.INFO, logger="runtime.parse_cache"):
        cache.get("a")
        cache.put("a", {"intent": {}})
        cache.get("a")
        cache.get("b")
    lines = [record.getMessage() for record in caplog.records if "parse cache:" in record.getMessage()]
    assert lines == [STATS_LINE % (1, 1)]


def test_stats_setting_defaults_to_never():
    assert configured_stats_every({}) == 0
    assert configured_stats_every({"PARSE_CACHE_STATS_EVERY": "1"}) == 1
    assert configured_stats_every({"PARSE_CACHE_STATS_EVERY": "x"}) == 0


def test_cache_counts_sum_the_latest_line_of_each_server_log(tmp_path: Path):
    one, two, none = tmp_path / "1.log", tmp_path / "2.log", tmp_path / "3.log"
    one.write_text("x parse cache: 1 hits, 2 misses\nx parse cache: 3 hits, 7 misses\n")
    two.write_text("parse cache: 10 hits, 10 misses\n")
    none.write_text("nothing\n")
    assert cache_counts([one, two, none]) == (13, 17)
    assert cache_counts([none]) is None


def test_hit_rate_between_two_readings():
    assert hit_rate((3, 7), (13, 17)) == 0.5
    assert hit_rate(None, (1, 3)) == 0.25
    assert hit_rate((1, 1), None) is None
