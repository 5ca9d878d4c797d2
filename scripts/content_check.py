"""Checks every response in domain.yml and data/responses/ before training: ``make content-check``.

Usage: ``python -m scripts.content_check [--domain PATH ...] [--registry PATH] [--meta PATH]
[--languages nl,en]``.

Every response has a Dutch text (the variation without a condition) and an English
one (the conditional variation for the slot ``language`` = ``en``). Rules, per text
variation and language:

* **source**: a response that states a fact ends with a source line: ``Bron: ...``
  in Dutch, ``Source: ...`` in English. Every response states a fact unless it is in
  ``SOURCE_EXEMPT`` (greetings, questions, notices, flow steps and the link template),
  each with its reason.
* **length**: no chat bubble (bubbles are split on blank lines) has more than
  ``MAX_WORDS_PER_BUBBLE`` words.
* **links**: every link and phone number is in the guidance registry
  (``actions/data/guidance.yml``).
* **link order**: a URL-only link never comes first or alone (``URL_ONLY_FIRST_EXEMPT``).
* **wording** (``scripts/content_style.py``): no promise about results beyond "geen
  invloed op de uitslag" (text and button titles); Dutch sentences under 18 words;
  abbreviations explained at first use.
* **B1**: average sentence length at most ``MAX_AVERAGE_SENTENCE_WORDS`` words, and at
  most ``LONG_WORD_SHARE_LIMITS[language]`` long words (judged from
  ``MIN_WORDS_FOR_SHARE`` words on). A long word is, in Dutch, one of more than three
  syllables; in English, one of three or more syllables or ten or more letters. Source
  lines, links and numbers are not read. See ``scripts/content_rules.py``.

Rules between the languages of a response:

* **English variation**: every response has one (each language of ``--languages``).
* **faithful copy**: the English text has a ``Source:`` line for every ``Bron:`` line,
  with the same dates, the same links and phone numbers, the same number of bubbles,
  and the same buttons: as many, in the same order, with the same ``/...`` and
  ``{slot}`` payloads and a translated payload for a typed question.

Rules over all responses, against ``actions/data/content_meta.yml`` (Dutch texts; the
English ones follow through the faithful-copy rule):

* **content date**: ``content_date`` is the newest date in any ``Bron:`` line.
* **latest updates**: for each subject under ``latest_updates`` (figures, letters, the
  lab, ...), every listed answer names the subject's ``date`` in a ``Bron:`` line, and
  no answer has a newer ``Bron:`` date than the newest of its subjects.
* **dated subjects tracked**: see ``scripts/content_subjects.py`` (an answer that
  mentions a subject, or shows a dated update, is listed under a subject).
* **registry dates**: a ``checked_on`` date in the registry only with a recorded check
  result (``check``); see ``actions.guidance.check_record_problems``.

Prints a table with one row per response text and language, then the problems and the
worst values per language with their margins. Exit code 0 when every rule passes, 1
otherwise.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from actions.guidance import Registry, check_entries, parse_entries
from scripts.content_rules import (
    LANGUAGES,
    SOURCE_PREFIXES,
    URL_RE,
    Readability,
    bubbles,
    dutch_date,
    ends_with_source,
    readability,
    references,
    source_dates,
    source_lines,
    word_count,
)
from scripts.content_style import long_sentences, result_promises, unexplained_abbreviations
from scripts.content_subjects import check_subjects

ROOT = Path(__file__).resolve().parent.parent
# domain.yml and the long answers in data/responses/ (docs/content-updates.md).
DOMAIN_PATHS: Tuple[Path, ...] = (ROOT / "domain.yml", ROOT / "data" / "responses")
REGISTRY_FILE = ROOT / "actions" / "data" / "guidance.yml"
META_FILE = ROOT / "actions" / "data" / "content_meta.yml"

# The slot a conditional response variation names to be the text of a language;
# a variation without that condition is Dutch.
LANGUAGE_SLOT = "language"
DEFAULT_LANGUAGE = "nl"
# Languages every response must have.
REQUIRED_LANGUAGES: Tuple[str, ...] = ("nl", "en")
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}

MAX_WORDS_PER_BUBBLE = 70
# B1 thresholds. The Dutch content's worst values (see docs/content-updates.md):
# 17.0 words per sentence on average (utter_privacy_notice, one sentence; none has 18
# words or more, see content_style.MAX_SENTENCE_WORDS) and 26% long words (utter_iamabot).
MAX_AVERAGE_SENTENCE_WORDS = 20.0
MAX_LONG_WORD_SHARE = 0.30
# English counts more words as long (three syllables, not four; see
# scripts/content_rules.py), so its limit is its own. About one hard word in four is
# the most for plain English at B1; the Dutch organisation names, which stay in the
# English text, count as long words too.
EN_MAX_LONG_WORD_SHARE = 0.25
LONG_WORD_SHARE_LIMITS: Dict[str, float] = {"nl": MAX_LONG_WORD_SHARE, "en": EN_MAX_LONG_WORD_SHARE}
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
    "utter_clarify": "question",
    "utter_ask_next_question": "question",
    "utter_choose_a_button": "question",
    "utter_clarify_three": "question",
    # one short kind sentence before the answer (actions/reply_plan.py)
    "utter_ack_anger": "greeting",
    "utter_ack_fear": "greeting",
    "utter_ack_grief": "greeting",
    # notices: what the assistant is, can or cannot do, and where to go instead
    "utter_iamabot": "notice",
    "utter_out_of_scope": "notice",
    "utter_out_of_scope_other_breach": "notice",
    "utter_out_of_scope_opinion": "notice",
    "utter_medical": "notice",
    "utter_fallback_contact": "notice",
    "utter_privacy_notice": "notice",
    "utter_message_too_long": "notice",
    "utter_message_empty": "notice",
    "utter_message_unreadable": "notice",
    "utter_service_unavailable": "notice",
    "utter_affected_intro": "notice",
    "utter_choice_unclear": "notice",
    "utter_flow_stopped": "notice",
    "utter_flow_left": "notice",
    "utter_language_changed": "notice",
    "utter_action_unavailable": "notice",
    "utter_more_questions": "notice",
    "utter_emotion_grief_advice": "notice",
    # filled in by the actions with links from the registry (which holds their owners)
    "utter_guidance_links": "template",
}


@dataclass(frozen=True)
class Variation:
    """One text variation of a response, in one language.

    Attributes:
        name: Response name, with ``[i]`` for the i-th variation when its language has several.
        file: The domain file it is in.
        language: ``nl`` (no condition) or the value of its ``language`` slot condition.
        index: Its position among the variations of its language.
        text: The text.
        buttons: The buttons, as in the domain.
    """

    name: str
    file: str
    language: str
    index: int
    text: str
    buttons: Tuple[Mapping[str, Any], ...] = ()


@dataclass
class ResponseResult:
    """What the checker found in one response text.

    Attributes:
        name: Response name, with ``[i]`` for the i-th variation of its language when there are several.
        file: The domain file it is in.
        kind: ``fact`` or its exemption category.
        longest_bubble: Words in its longest bubble.
        readability: Sentence and word counts.
        problems: One line per broken rule; empty when the response passes.
        language: The text's language.
    """

    name: str
    file: str
    kind: str
    longest_bubble: int
    readability: Readability
    problems: List[str] = field(default_factory=list)
    language: str = DEFAULT_LANGUAGE

    @property
    def label(self) -> str:
        """The name with its language when that is not Dutch: ``utter_greet (en)``."""
        return self.name if self.language == DEFAULT_LANGUAGE else f"{self.name} ({self.language})"


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


def variation_language(variation: Mapping[str, Any]) -> str:
    """The language of a response variation: its ``language`` slot condition, or Dutch.

    Args:
        variation: One variation as in the domain file.

    Returns:
        The language code.
    """
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == LANGUAGE_SLOT:
            return str(condition.get("value"))
    return DEFAULT_LANGUAGE


def domain_files(paths: Path | Sequence[Path]) -> List[Path]:
    """The domain files of a file, a folder (its ``*.yml``, by name) or a list of both.

    Args:
        paths: Files and folders, in order.

    Returns:
        The files.
    """
    found: List[Path] = []
    for path in [paths] if isinstance(paths, Path) else paths:
        found.extend(sorted(path.glob("*.yml")) if path.is_dir() else [path])
    return found


def load_responses(domain: Path | Sequence[Path]) -> List[Variation]:
    """Reads every response text of the domain files.

    Args:
        domain: A domain file, a folder of them, or a list of both.

    Returns:
        One entry per text variation, in file order.
    """
    found: List[Variation] = []
    for path in domain_files(domain):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            variations = variations or []
            languages = [variation_language(variation) for variation in variations]
            seen: Dict[str, int] = {}
            for variation, language in zip(variations, languages, strict=True):
                index = seen.get(language, 0)
                seen[language] = index + 1
                label = name if languages.count(language) == 1 else f"{name}[{index}]"
                found.append(Variation(label, path.name, language, index, variation.get("text") or "",
                                       tuple(variation.get("buttons") or ())))
    return found


def base_name(label: str) -> str:
    """The response name without a variation index."""
    return label.split("[", 1)[0]


def check_response(name: str, file: str, text: str, registry: Registry,
                   exempt: Mapping[str, str], language: str = DEFAULT_LANGUAGE,
                   buttons: Sequence[Mapping[str, Any]] = ()) -> ResponseResult:
    """Applies the per-response rules to one response text.

    Args:
        name: Response name (with a variation index if any).
        file: Domain file name, for the report.
        text: The response text.
        registry: The guidance registry (allowed links and numbers).
        exempt: Response names that need no source line, with their category.
        language: The text's language: which source prefix and B1 limits apply.
        buttons: The response's buttons (their titles are checked for promises).

    Returns:
        The measured values and the broken rules.
    """
    kind = exempt.get(base_name(name), "fact")
    parts = bubbles(text)
    longest = max((word_count(part) for part in parts), default=0)
    if language not in SOURCE_PREFIXES:
        result = ResponseResult(name, file, kind, longest, readability(text), language=language)
        result.problems.append(f"unknown language '{language}' (known: {', '.join(LANGUAGES)})")
        return result
    measured = readability(text, language)
    result = ResponseResult(name, file, kind, longest, measured, language=language)
    prefix = SOURCE_PREFIXES[language]
    if kind == "fact" and not ends_with_source(text, language):
        result.problems.append(f"states a fact but does not end with a '{prefix} ...' line")
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
    limit = LONG_WORD_SHARE_LIMITS[language]
    if measured.words >= MIN_WORDS_FOR_SHARE and measured.long_word_share > limit:
        result.problems.append(f"B1: {measured.long_word_share:.0%} long words (max {limit:.0%})")
    if base_name(name) not in URL_ONLY_FIRST_EXEMPT:
        result.problems += link_order_problems(text, registry)
    result.problems += wording_problems(text, buttons, language)
    return result


# Answers whose first link may be a URL-only one, each with its reason. Everywhere
# else a URL-only link (the brief: "show those only as a secondary link") comes
# after a checked one.
URL_ONLY_FIRST_EXEMPT: Dict[str, str] = {
    "utter_distress_113": "the brief's paragraph 'People in distress' (6 December 2026) says to give 113 and "
                          "its chat at 113.nl; no checked page exists for that help",
}


def link_order_problems(text: str, registry: Registry) -> List[str]:
    """Checks that no URL-only link comes first or alone: a checked link comes before it.

    Args:
        text: A response text.
        registry: The guidance registry (each link's status).

    Returns:
        One line per URL-only link without a checked link before it.
    """
    problems = []
    checked_before = False
    for match in URL_RE.finditer(text):
        entry = registry.find_url(match.group())
        if entry is None:
            continue
        if entry.checked:
            checked_before = True
        elif not checked_before:
            problems.append(f"URL-only link {entry.url} comes first or alone; put a checked link before it")
    return problems


def wording_problems(text: str, buttons: Sequence[Mapping[str, Any]], language: str) -> List[str]:
    """The wording rules: no promise about results, short Dutch sentences, explained abbreviations.

    Args:
        text: A response text.
        buttons: Its buttons (their titles may not promise anything about results either).
        language: The text's language.

    Returns:
        One line per problem.
    """
    problems = [f"promises more about results than the source ('geen invloed op de uitslag'): {sentence!r}"
                for sentence in result_promises(text, language)]
    problems += [f"button title promises more about results than the source: {button.get('title')!r}"
                 for button in buttons if result_promises(str(button.get("title", "")), language)]
    problems += [f"sentence of 18 words or more: {sentence!r}" for sentence in long_sentences(text, language)]
    problems += [f"abbreviation not explained: {item}" for item in unexplained_abbreviations(text, language)]
    return problems


# Buttons that offer the other language: their payload differs per language on purpose.
LANGUAGE_COMMAND_PREFIX = "/change_language"


def _fixed_payload(payload: str) -> bool:
    """Whether a button payload is the same in every language: an intent (``/...``) or a ``{slot}``.

    The language buttons are the exception: each language offers the other one.
    """
    return payload.startswith(("/", "{")) and not payload.startswith(LANGUAGE_COMMAND_PREFIX)


def check_buttons(original: Sequence[Mapping[str, Any]],
                  translation: Sequence[Mapping[str, Any]]) -> List[str]:
    """Compares the buttons of a translation with the Dutch ones.

    Args:
        original: The Dutch variation's buttons.
        translation: The other language's buttons.

    Returns:
        One line per difference: the count, a changed ``/...`` or ``{slot}``
        payload, or a typed question left in Dutch.
    """
    if len(original) != len(translation):
        return [f"has {len(translation)} buttons, the Dutch has {len(original)}"]
    problems = []
    for number, (dutch, other) in enumerate(zip(original, translation, strict=True), start=1):
        dutch_payload, payload = str(dutch.get("payload", "")), str(other.get("payload", ""))
        if _fixed_payload(dutch_payload) and payload != dutch_payload:
            problems.append(f"button {number}: payload {payload!r} must be the Dutch one, {dutch_payload!r}")
        elif not _fixed_payload(dutch_payload) and payload == dutch_payload:
            problems.append(f"button {number}: payload {payload!r} is the Dutch question; translate it")
    return problems


def check_translation(dutch: Variation, other: Variation) -> List[str]:
    """Checks that a translation keeps the Dutch text's sources, dates, links, numbers, bubbles and buttons.

    Args:
        dutch: The Dutch variation.
        other: The same response in another language.

    Returns:
        One line per difference.
    """
    language = other.language
    problems: List[str] = []
    prefix = SOURCE_PREFIXES[language]
    dutch_sources = len(source_lines(dutch.text))
    sources = len(source_lines(other.text, language))
    if sources != dutch_sources:
        problems.append(f"has {sources} '{prefix}' lines, the Dutch has {dutch_sources} 'Bron:' lines")
    dutch_dates = sorted(source_dates(dutch.text))
    dates = sorted(source_dates(other.text, language))
    if dates != dutch_dates:
        problems.append(f"'{prefix}' dates {[d.isoformat() for d in dates]} differ from the Dutch "
                        f"'Bron:' dates {[d.isoformat() for d in dutch_dates]}")
    dutch_refs = set().union(*references(dutch.text))
    refs = set().union(*references(other.text))
    for item in sorted(dutch_refs - refs):
        problems.append(f"misses the link or number of the Dutch: {item}")
    for item in sorted(refs - dutch_refs):
        problems.append(f"has a link or number the Dutch does not have: {item}")
    dutch_bubbles, other_bubbles = len(bubbles(dutch.text)), len(bubbles(other.text))
    if dutch_bubbles != other_bubbles:
        problems.append(f"has {other_bubbles} bubbles, the Dutch has {dutch_bubbles}")
    return problems + check_buttons(dutch.buttons, other.buttons)


def check_languages(variations: Sequence[Variation], results: Sequence[ResponseResult],
                    languages: Sequence[str]) -> None:
    """Adds the problems between the languages of each response to its results.

    A response without a required language gets the problem on its (first) Dutch
    text; a translation that differs from the Dutch gets it on its own text.

    Args:
        variations: Every text variation, as loaded.
        results: Their results, in the same order (changed in place).
        languages: The languages every response must have.
    """
    by_response: Dict[Tuple[str, str], List[Tuple[Variation, ResponseResult]]] = {}
    for variation, result in zip(variations, results, strict=True):
        by_response.setdefault((variation.file, base_name(variation.name)), []).append((variation, result))
    for pairs in by_response.values():
        dutch = [(v, r) for v, r in pairs if v.language == DEFAULT_LANGUAGE]
        if not dutch:
            pairs[0][1].problems.append("has no Dutch variation (one without a condition)")
            continue
        present = {v.language for v, _ in pairs}
        for language in languages:
            if language not in present:
                name = LANGUAGE_NAMES.get(language, language)
                dutch[0][1].problems.append(
                    f"no {name} variation (condition: slot {LANGUAGE_SLOT} = {language})")
        for variation, result in pairs:
            if variation.language != DEFAULT_LANGUAGE and variation.language in SOURCE_PREFIXES:
                original = dutch[min(variation.index, len(dutch) - 1)][0]
                result.problems += check_translation(original, variation)


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
    # Per answer, the subjects listing it with their latest dates: its newest 'Bron:'
    # date may not be newer than the newest of them.
    covered: Dict[str, List[Tuple[str, date]]] = {}
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
            covered.setdefault(name, []).append((subject, latest))
            if latest not in source_dates(texts[name]):
                problems.append(f"{name}: does not show the latest {subject} update: no 'Bron:' line "
                                f"with {dutch_date(latest)}")
    for name, subjects in covered.items():
        dates = source_dates(texts[name])
        newest = max(latest for _, latest in subjects)
        if dates and max(dates) > newest:
            listed = ", ".join(f"latest_updates.{subject}" for subject, _ in subjects)
            problems.append(f"{name}: 'Bron:' date {max(dates)} is newer than {listed} ({newest}); "
                            f"update content_meta.yml and the other answers of that subject")
    return problems


def check(domain: Path | Sequence[Path] = DOMAIN_PATHS, registry_file: Path = REGISTRY_FILE,
          meta_file: Path = META_FILE, exempt: Optional[Mapping[str, str]] = None,
          languages: Sequence[str] = REQUIRED_LANGUAGES) -> Report:
    """Runs every rule over a domain folder.

    Args:
        domain: The domain files: a file, a folder of ``*.yml`` files, or a list of both.
        registry_file: The guidance registry.
        meta_file: content_meta.yml (content date and latest updates).
        exempt: Responses without a source line; ``SOURCE_EXEMPT`` by default.
        languages: The languages every response must have.

    Returns:
        The per-response results and the problems over all responses.
    """
    exempt = SOURCE_EXEMPT if exempt is None else exempt
    entries, registry_problems = parse_entries(yaml.safe_load(registry_file.read_text(encoding="utf-8")))
    registry_problems += check_entries(entries)
    registry = Registry(entries, source=registry_file)
    meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    loaded = load_responses(domain)
    results = [check_response(v.name, v.file, v.text, registry, exempt, v.language, v.buttons)
               for v in loaded]
    check_languages(loaded, results, languages)
    texts: Dict[str, str] = {}
    names = set()
    for variation in loaded:
        names.add(base_name(variation.name))
        if variation.language == DEFAULT_LANGUAGE:
            key = base_name(variation.name)
            texts[key] = (texts.get(key, "") + "\n" + variation.text).strip()
    problems = [f"registry {registry_file.name}: {problem}" for problem in registry_problems]
    problems += check_dates(texts, meta)
    problems += check_subjects(texts, meta)
    problems += [f"SOURCE_EXEMPT names a response that does not exist: {name}"
                 for name in sorted(set(exempt) - names)]
    return Report(results, problems)


def format_table(results: Sequence[ResponseResult]) -> Iterable[str]:
    """Yields the report table: one line per response text and language."""
    width = max([len("response")] + [len(result.name) for result in results])
    yield (f"{'response':<{width}}  {'lang':<4} {'file':<13} {'kind':<9} {'bubble':>6} {'words/sent':>10} "
           f"{'long':>5}  result")
    for result in results:
        share = f"{result.readability.long_word_share:.0%}"
        yield (f"{result.name:<{width}}  {result.language:<4} {result.file:<13} {result.kind:<9} "
               f"{result.longest_bubble:>6} {result.readability.average_sentence_length:>10.1f} {share:>5}  "
               f"{'FAIL' if result.problems else 'ok'}")


def _worst_values(results: Sequence[ResponseResult], language: str) -> Iterable[str]:
    """Yields the worst bubble, sentence length and long-word share of one language, with margins."""
    longest = max(results, key=lambda r: r.longest_bubble)
    slowest = max(results, key=lambda r: r.readability.average_sentence_length)
    judged = [r for r in results if r.readability.words >= MIN_WORDS_FOR_SHARE] or list(results)
    hardest = max(judged, key=lambda r: r.readability.long_word_share)
    yield (f"[{language}] longest bubble: {longest.longest_bubble} words ({longest.name}); "
           f"limit {MAX_WORDS_PER_BUBBLE}, margin {MAX_WORDS_PER_BUBBLE - longest.longest_bubble}")
    average = slowest.readability.average_sentence_length
    yield (f"[{language}] longest sentences: {average:.1f} words on average ({slowest.name}); "
           f"limit {MAX_AVERAGE_SENTENCE_WORDS:.0f}, margin {MAX_AVERAGE_SENTENCE_WORDS - average:.1f}")
    share = hardest.readability.long_word_share
    limit = LONG_WORD_SHARE_LIMITS.get(language, MAX_LONG_WORD_SHARE)
    yield (f"[{language}] most long words: {share:.0%} ({hardest.name}); "
           f"limit {limit:.0%}, margin {(limit - share) * 100:.0f} points")


def format_summary(report: Report) -> Iterable[str]:
    """Yields the problems, then the worst values per language with their margins."""
    for result in report.responses:
        for problem in result.problems:
            yield f"FAIL {result.label}: {problem}"
    for problem in report.global_problems:
        yield f"FAIL {problem}"
    languages = sorted({r.language for r in report.responses},
                       key=lambda code: (code != DEFAULT_LANGUAGE, code))
    for language in languages:
        yield from _worst_values([r for r in report.responses if r.language == language], language)
    facts = sum(1 for r in report.responses if r.kind == "fact")
    per_language = ", ".join(f"{sum(1 for r in report.responses if r.language == code)} {code}"
                             for code in languages)
    yield (f"{len(report.responses)} response texts ({per_language}), {facts} state a fact; "
           f"{'content check passed' if report.ok else 'content check FAILED'}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the check and prints the report.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when every rule passes, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", type=Path, nargs="+", default=list(DOMAIN_PATHS),
                        help="domain files or folders of them (default: domain.yml data/responses)")
    parser.add_argument("--registry", type=Path, default=REGISTRY_FILE, help="guidance registry")
    parser.add_argument("--meta", type=Path, default=META_FILE, help="content_meta.yml")
    parser.add_argument("--languages", default=",".join(REQUIRED_LANGUAGES),
                        help="comma-separated languages every response must have (default: %(default)s)")
    args = parser.parse_args(argv)
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    report = check(args.domain, args.registry, args.meta, languages=languages)
    for line in format_table(report.responses):
        print(line)
    print()
    for line in format_summary(report):
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
