"""Checks every response in domain/*.yml before training: ``make content-check``.

Usage: ``python -m scripts.content_check [--domain DIR] [--registry PATH] [--meta PATH]``.

Rules, per response (each text variation):

* **source**: a response that states a fact ends with a ``Bron: ...`` line
  (``Source: ...`` in an English variation). Every response states a fact unless it
  is in ``SOURCE_EXEMPT`` (greetings, questions, notices, flow steps and the link
  template), each with its reason.
* **length**: no chat bubble (bubbles are split on blank lines) has more than
  ``MAX_WORDS_PER_BUBBLE`` words.
* **links**: every link and phone number is in the guidance registry
  (``actions/data/guidance.yml``).
* **B1**: average sentence length at most ``MAX_AVERAGE_SENTENCE_WORDS`` words, and
  at most ``MAX_LONG_WORD_SHARE`` of the words longer than three syllables (judged
  from ``MIN_WORDS_FOR_SHARE`` words on). Source lines, links and numbers are not
  read. See ``scripts/content_rules.py`` for how sentences and syllables are counted.

Rules over all responses, against ``actions/data/content_meta.yml``:

* **content date**: ``content_date`` is the newest date in any ``Bron:`` or ``Source:`` line.
* **latest updates**: for each subject under ``latest_updates`` (figures, letters),
  no listed answer has a newer ``Bron:`` date than the subject's ``date``, and every
  listed answer names that date in a ``Bron:`` line.

Prints a table with one row per response, then the problems and the worst values
with their margins. Exit code 0 when every rule passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from actions.guidance import Registry
from scripts.content_rules import (
    Readability,
    bubbles,
    dutch_date,
    ends_with_source,
    readability,
    references,
    source_dates,
    word_count,
)

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_DIR = ROOT / "domain"
REGISTRY_FILE = ROOT / "actions" / "data" / "guidance.yml"
META_FILE = ROOT / "actions" / "data" / "content_meta.yml"

MAX_WORDS_PER_BUBBLE = 70
# B1 thresholds. The current content's worst values (see docs/content-updates.md):
# 18.0 words per sentence (utter_privacy_notice, one sentence) and 26% long words
# (utter_iamabot); the thresholds leave a margin of 2 words and 4 points.
MAX_AVERAGE_SENTENCE_WORDS = 20.0
MAX_LONG_WORD_SHARE = 0.30
MIN_WORDS_FOR_SHARE = 10

# Responses that state no fact, so need no "Bron:" line. Everything else does.
SOURCE_EXEMPT: Dict[str, str] = {
    # greetings and small talk
    "utter_greet": "greeting",
    "utter_goodbye": "greeting",
    "utter_thanks": "greeting",
    "utter_feedback_thanks": "greeting",
    # questions to the user
    "utter_ask_rephrase": "question",
    "utter_fallback_suggest": "question",
    "utter_ask_situation": "question",
    "utter_ask_took_part": "question",
    "utter_ask_since_2017": "question",
    "utter_ask_got_letter": "question",
    "utter_ask_data_kind": "question",
    "utter_situation_more": "question",
    "utter_affected_more": "question",
    "utter_checklist_more": "question",
    "utter_ask_feedback": "question",
    "utter_ask_feedback_reason": "question",
    # notices: what the assistant is, can or cannot do, and where to go instead
    "utter_iamabot": "notice",
    "utter_out_of_scope": "notice",
    "utter_medical": "notice",
    "utter_fallback_contact": "notice",
    "utter_privacy_notice": "notice",
    "utter_message_too_long": "notice",
    "utter_message_empty": "notice",
    "utter_message_unreadable": "notice",
    "utter_affected_intro": "notice",
    "utter_choice_unclear": "notice",
    "utter_flow_stopped": "notice",
    "utter_flow_left": "notice",
    "utter_language_changed": "notice",
    "utter_action_unavailable": "notice",
    # filled in by the actions with links from the registry (which holds their owners)
    "utter_guidance_links": "template",
}


@dataclass
class ResponseResult:
    """What the checker found in one response text.

    Attributes:
        name: Response name, with ``[i]`` for the i-th variation when there are several.
        file: The domain file it is in.
        kind: ``fact`` or its exemption category.
        longest_bubble: Words in its longest bubble.
        readability: Sentence and word counts.
        problems: One line per broken rule; empty when the response passes.
    """

    name: str
    file: str
    kind: str
    longest_bubble: int
    readability: Readability
    problems: List[str] = field(default_factory=list)


@dataclass
class Report:
    """The result of a whole check.

    Attributes:
        responses: One result per response text.
        global_problems: Problems of the content date, the latest updates and the exemption list.
    """

    responses: List[ResponseResult]
    global_problems: List[str]

    @property
    def ok(self) -> bool:
        """Whether every rule passed."""
        return not self.global_problems and not any(result.problems for result in self.responses)


def load_responses(domain_dir: Path) -> List[Tuple[str, str, str]]:
    """Reads every response text of the domain files.

    Args:
        domain_dir: Folder with the domain ``*.yml`` files.

    Returns:
        (name, file name, text) per text variation, in file order.
    """
    found: List[Tuple[str, str, str]] = []
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            texts = [variation.get("text") or "" for variation in variations or []]
            for index, text in enumerate(texts):
                label = name if len(texts) == 1 else f"{name}[{index}]"
                found.append((label, path.name, text))
    return found


def base_name(label: str) -> str:
    """The response name without a variation index."""
    return label.split("[", 1)[0]


def check_response(name: str, file: str, text: str, registry: Registry,
                   exempt: Mapping[str, str]) -> ResponseResult:
    """Applies the per-response rules to one response text.

    Args:
        name: Response name (with a variation index if any).
        file: Domain file name, for the report.
        text: The response text.
        registry: The guidance registry (allowed links and numbers).
        exempt: Response names that need no source line, with their category.

    Returns:
        The measured values and the broken rules.
    """
    kind = exempt.get(base_name(name), "fact")
    parts = bubbles(text)
    longest = max((word_count(part) for part in parts), default=0)
    measured = readability(text)
    result = ResponseResult(name, file, kind, longest, measured)
    if kind == "fact" and not ends_with_source(text):
        result.problems.append("states a fact but does not end with a 'Bron: ...' line")
    for index, part in enumerate(parts, start=1):
        words = word_count(part)
        if words > MAX_WORDS_PER_BUBBLE:
            result.problems.append(f"bubble {index} has {words} words (max {MAX_WORDS_PER_BUBBLE})")
    urls, phones = references(text)
    for url in sorted(urls):
        if registry.find_url(url) is None:
            result.problems.append(f"link not in the guidance registry: {url}")
    for phone in sorted(phones):
        if registry.find_number(phone) is None:
            result.problems.append(f"phone number not in the guidance registry: {phone}")
    if measured.average_sentence_length > MAX_AVERAGE_SENTENCE_WORDS:
        result.problems.append(f"B1: {measured.average_sentence_length:.1f} words per sentence "
                               f"(max {MAX_AVERAGE_SENTENCE_WORDS:.0f})")
    if measured.words >= MIN_WORDS_FOR_SHARE and measured.long_word_share > MAX_LONG_WORD_SHARE:
        result.problems.append(f"B1: {measured.long_word_share:.0%} long words "
                               f"(max {MAX_LONG_WORD_SHARE:.0%})")
    return result


def _as_date(value: Any, what: str, problems: List[str]) -> Optional[date]:
    """Parses an ISO date from content_meta.yml, noting a problem when it is not one."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"content_meta: {what} is not a date (YYYY-MM-DD): {value!r}")
        return None


def check_dates(texts: Mapping[str, str], meta: Mapping[str, Any]) -> List[str]:
    """Checks content_date and the latest update per subject against the answers.

    Args:
        texts: Response name (without variation index) to its texts, joined.
        meta: The parsed content_meta.yml.

    Returns:
        One line per problem.
    """
    problems: List[str] = []
    all_dates = [found for text in texts.values() for found in source_dates(text)]
    content_date = _as_date(meta.get("content_date"), "content_date", problems)
    if content_date and all_dates and max(all_dates) != content_date:
        problems.append(f"content_meta: content_date is {content_date}, but the newest 'Bron:' date "
                        f"in the answers is {max(all_dates)}")
    for subject, spec in (meta.get("latest_updates") or {}).items():
        latest = _as_date((spec or {}).get("date"), f"latest_updates.{subject}.date", problems)
        names = list((spec or {}).get("responses") or [])
        if latest is None:
            continue
        if not names:
            problems.append(f"content_meta: latest_updates.{subject} lists no responses")
        for name in names:
            if name not in texts:
                problems.append(f"content_meta: latest_updates.{subject}: no response {name}")
                continue
            dates = source_dates(texts[name])
            if dates and max(dates) > latest:
                problems.append(f"{name}: 'Bron:' date {max(dates)} is newer than latest_updates.{subject} "
                                f"({latest}); update content_meta.yml and the other {subject} answers")
            if latest not in dates:
                problems.append(f"{name}: does not show the latest {subject} update: no 'Bron:' line "
                                f"with {dutch_date(latest)}")
    return problems


def check(domain_dir: Path = DOMAIN_DIR, registry_file: Path = REGISTRY_FILE, meta_file: Path = META_FILE,
          exempt: Optional[Mapping[str, str]] = None) -> Report:
    """Runs every rule over a domain folder.

    Args:
        domain_dir: Folder with the domain ``*.yml`` files.
        registry_file: The guidance registry.
        meta_file: content_meta.yml (content date and latest updates).
        exempt: Responses without a source line; ``SOURCE_EXEMPT`` by default.

    Returns:
        The per-response results and the problems over all responses.
    """
    exempt = SOURCE_EXEMPT if exempt is None else exempt
    registry = Registry.load(registry_file)
    meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    loaded = load_responses(domain_dir)
    results = [check_response(name, file, text, registry, exempt) for name, file, text in loaded]
    texts: Dict[str, str] = {}
    for name, _, text in loaded:
        texts[base_name(name)] = (texts.get(base_name(name), "") + "\n" + text).strip()
    problems = check_dates(texts, meta)
    problems += [f"SOURCE_EXEMPT names a response that does not exist: {name}"
                 for name in sorted(set(exempt) - set(texts))]
    return Report(results, problems)


def format_table(results: Sequence[ResponseResult]) -> Iterable[str]:
    """Yields the report table: one line per response."""
    width = max([len("response")] + [len(result.name) for result in results])
    yield (f"{'response':<{width}}  {'file':<13} {'kind':<9} {'bubble':>6} {'words/sent':>10} "
           f"{'long':>5}  result")
    for result in results:
        share = f"{result.readability.long_word_share:.0%}"
        yield (f"{result.name:<{width}}  {result.file:<13} {result.kind:<9} {result.longest_bubble:>6} "
               f"{result.readability.average_sentence_length:>10.1f} {share:>5}  "
               f"{'FAIL' if result.problems else 'ok'}")


def format_summary(report: Report) -> Iterable[str]:
    """Yields the problems, then the worst values with their margins."""
    for result in report.responses:
        for problem in result.problems:
            yield f"FAIL {result.name}: {problem}"
    for problem in report.global_problems:
        yield f"FAIL {problem}"
    if report.responses:
        longest = max(report.responses, key=lambda r: r.longest_bubble)
        slowest = max(report.responses, key=lambda r: r.readability.average_sentence_length)
        judged = [r for r in report.responses if r.readability.words >= MIN_WORDS_FOR_SHARE]
        judged = judged or list(report.responses)
        hardest = max(judged, key=lambda r: r.readability.long_word_share)
        yield (f"longest bubble: {longest.longest_bubble} words ({longest.name}); "
               f"limit {MAX_WORDS_PER_BUBBLE}, margin {MAX_WORDS_PER_BUBBLE - longest.longest_bubble}")
        average = slowest.readability.average_sentence_length
        yield (f"longest sentences: {average:.1f} words on average ({slowest.name}); "
               f"limit {MAX_AVERAGE_SENTENCE_WORDS:.0f}, margin {MAX_AVERAGE_SENTENCE_WORDS - average:.1f}")
        share = hardest.readability.long_word_share
        yield (f"most long words: {share:.0%} ({hardest.name}); "
               f"limit {MAX_LONG_WORD_SHARE:.0%}, margin {(MAX_LONG_WORD_SHARE - share) * 100:.0f} points")
    facts = sum(1 for r in report.responses if r.kind == "fact")
    yield (f"{len(report.responses)} responses, {facts} state a fact; "
           f"{'content check passed' if report.ok else 'content check FAILED'}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the check and prints the report.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when every rule passes, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", type=Path, default=DOMAIN_DIR, help="folder with the domain files")
    parser.add_argument("--registry", type=Path, default=REGISTRY_FILE, help="guidance registry")
    parser.add_argument("--meta", type=Path, default=META_FILE, help="content_meta.yml")
    args = parser.parse_args(argv)
    report = check(args.domain, args.registry, args.meta)
    for line in format_table(report.responses):
        print(line)
    print()
    for line in format_summary(report):
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
