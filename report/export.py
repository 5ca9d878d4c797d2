"""The report's CSV files (UTF-8 with a byte-order mark, so Excel shows accents).

Every file has a header row; rates are fractions (0.25 = 25%), times in
seconds; an empty cell means "no data". A message text that starts with
``=``, ``+``, ``-``, ``@`` or a tab gets a leading ``'``, so that a
spreadsheet shows it as text instead of running it as a formula. The files are listed in FILES and
described in docs/report.md.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from report.metrics import EXIT_REASONS, FEEDBACK_REASONS, UNKNOWN, Metrics, percentile

ENCODING = "utf-8-sig"

FILES = {
    "summary.csv": "key figures of the period: metric, value",
    "daily.csv": "per day: conversations, user messages, fallbacks, requests for a person, response times",
    "channels.csv": "per channel: conversations, user messages, fallbacks, response times",
    "daily_channels.csv": "per day and channel: conversations and user messages",
    "topics.csv": "per FAQ topic: answers and feedback (thumbs up/down, reasons)",
    "unanswered.csv": "fallback messages as stored (already redacted), most frequent first",
    "forms.csv": "per form: runs started, completed, stopped (by reason), abandoned",
    "languages.csv": "per language: conversations and user messages",
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """The text, with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: Optional[float], digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _ratio(part: int, whole: int) -> str:
    return _number(part / whole) if whole else ""


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def summary_rows(metrics: Metrics) -> List[List[Any]]:
    """The key figures, as (metric, value) rows."""
    times = metrics.times()
    period = metrics.period
    return [
        ["first_day", period.first.isoformat()],
        ["last_day", period.last.isoformat()],
        ["time_zone", period.zone],
        ["conversations", metrics.total_conversations],
        ["senders", metrics.senders],
        ["user_messages", metrics.total_messages],
        ["fallback_messages", metrics.total_fallbacks],
        ["fallback_rate", _number(metrics.fallback_rate)],
        ["human_requests", metrics.total_human_requests],
        ["conversations_with_human_request", metrics.conversations_with_human_request],
        ["faq_answers", sum(metrics.topics.values())],
        ["forms_started", sum(stats.started for stats in metrics.forms.values())],
        ["forms_completed", sum(stats.completed for stats in metrics.forms.values())],
        ["feedback_positive", sum(stats.positive for stats in metrics.feedback.values())],
        ["feedback_negative", sum(stats.negative for stats in metrics.feedback.values())],
        ["replied_messages", len(times)],
        ["unreplied_messages", metrics.unreplied],
        ["response_time_median_s", _number(percentile(times, 50), 3)],
        ["response_time_p95_s", _number(percentile(times, 95), 3)],
    ]


def write_all(metrics: Metrics, folder: Path) -> Dict[str, Path]:
    """Writes every CSV file into ``folder``.

    Args:
        metrics: The report's numbers.
        folder: The output folder (created if needed).

    Returns:
        File name to path, in the order of FILES.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in FILES}
    days = metrics.period.days()
    conversations, messages = metrics.per_day(metrics.conversations), metrics.per_day(metrics.messages)
    falls, humans = metrics.per_day(metrics.fallbacks), metrics.per_day(metrics.human_requests)

    _write(paths["summary.csv"], ["metric", "value"], summary_rows(metrics))
    _write(paths["daily.csv"],
           ["date", "conversations", "user_messages", "fallback_messages", "fallback_rate", "human_requests",
            "response_time_median_s", "response_time_p95_s"],
           ([day.isoformat(), conversations[day], messages[day], falls[day],
             _ratio(falls[day], messages[day]), humans[day],
             _number(percentile(metrics.times(day=day), 50), 3),
             _number(percentile(metrics.times(day=day), 95), 3)] for day in days))

    channel_conversations = metrics.per_channel(metrics.conversations)
    channel_messages = metrics.per_channel(metrics.messages)
    channel_falls = metrics.per_channel(metrics.fallbacks)
    _write(paths["channels.csv"],
           ["channel", "conversations", "user_messages", "fallback_messages", "fallback_rate",
            "response_time_median_s", "response_time_p95_s"],
           ([channel, channel_conversations.get(channel, 0), channel_messages.get(channel, 0),
             channel_falls.get(channel, 0),
             _ratio(channel_falls.get(channel, 0), channel_messages.get(channel, 0)),
             _number(percentile(metrics.times(channel=channel), 50), 3),
             _number(percentile(metrics.times(channel=channel), 95), 3)] for channel in metrics.channels))
    _write(paths["daily_channels.csv"], ["date", "channel", "conversations", "user_messages"],
           ([day.isoformat(), channel, metrics.conversations.get((day, channel), 0),
             metrics.messages.get((day, channel), 0)] for day in days for channel in metrics.channels))

    topics = sorted(set(metrics.topics) | set(metrics.feedback),
                    key=lambda topic: (-metrics.topics[topic], topic == UNKNOWN, topic))
    reasons = list(FEEDBACK_REASONS) + [UNKNOWN]
    topic_rows = []
    for topic in topics:
        stats = metrics.feedback.get(topic)
        positive, negative = (stats.positive, stats.negative) if stats else (0, 0)
        topic_rows.append([topic, metrics.topics[topic], positive, negative,
                           _ratio(positive, positive + negative)]
                          + [stats.reasons[reason] if stats else 0 for reason in reasons])
    _write(paths["topics.csv"],
           ["topic", "answers", "feedback_positive", "feedback_negative", "positive_ratio"]
           + [f"reason_{reason}" for reason in reasons], topic_rows)

    _write(paths["unanswered.csv"], ["text", "count"],
           ([spreadsheet_safe(text), count]
            for text, count in sorted(metrics.unanswered.items(), key=lambda item: (-item[1], item[0]))))

    stop_reasons = list(EXIT_REASONS) + [UNKNOWN]
    _write(paths["forms.csv"],
           ["form", "started", "completed", "stopped"] + [f"stopped_{reason}" for reason in stop_reasons]
           + ["abandoned", "completion_rate"],
           ([form, stats.started, stats.completed, sum(stats.stopped.values())]
            + [stats.stopped[reason] for reason in stop_reasons]
            + [stats.abandoned, _number(stats.completion_rate)] for form, stats in metrics.forms.items()))

    total_conversations = sum(metrics.conversation_languages.values())
    total_messages = sum(metrics.message_languages.values())
    _write(paths["languages.csv"],
           ["language", "conversations", "conversation_share", "user_messages", "message_share"],
           ([language, metrics.conversation_languages[language],
             _ratio(metrics.conversation_languages[language], total_conversations),
             metrics.message_languages[language], _ratio(metrics.message_languages[language], total_messages)]
            for language in metrics.languages()))
    return paths
