"""The numbers of the report, from the conversations of a period.

Counting rules (see docs/report.md):

- A conversation (one Rasa session) counts when at least one of its user
  messages falls within the period; its day and channel are those of its
  first user message in the period.
- Messages are user messages; each counts on its own day and channel.
- A fallback is a user message with intent ``nlu_fallback`` or one answered
  by a fallback action; its text is listed as an unanswered message.
- Feedback counts per FAQ topic (entity ``feedback_topic``, else the topic
  last answered in the conversation); topics not in the catalogue count as
  ``unknown``, so no typed text reaches the report through an entity.
- Response time: from a user message to the first bot message of its turn.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml

from report.conversations import ABANDONED, COMPLETED, LANGUAGES, STOPPED, Conversation, FormRun, Message
from report.period import Period

ROOT = Path(__file__).resolve().parent.parent
TOPICS_FILE = ROOT / "actions" / "data" / "topics.yml"
FORMS = ("situation_form", "affected_form", "checklist_form")
EXIT_REASONS = ("stop", "question", "switch")
HUMAN_INTENT = "request_human"
POSITIVE_INTENT = "feedback_positive"
NEGATIVE_INTENT = "feedback_negative"
REASON_INTENT = "feedback_reason"
TOPIC_ENTITY = "feedback_topic"
REASON_ENTITY = "feedback_reason"
FEEDBACK_REASONS = ("unclear", "not_my_question", "outdated", "other")
UNKNOWN = "unknown"
_TOPIC_SHAPE = re.compile(r"[a-z][a-z0-9_]{0,63}")


def load_topic_keys(path: Path = TOPICS_FILE) -> Optional[FrozenSet[str]]:
    """The FAQ topic keys of the catalogue, or None when it cannot be read.

    Args:
        path: The topic catalogue (actions/data/topics.yml).

    Returns:
        The topic keys.
    """
    try:
        topics = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("topics") or {}
    except (OSError, yaml.YAMLError, AttributeError):
        return None
    return frozenset(topics) or None


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile with linear interpolation between closest ranks.

    Args:
        values: The values, in any order.
        q: Percentile, 0 to 100.

    Returns:
        The percentile, or None without values.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class FormStats:
    """Runs of one form started in the period, by outcome.

    Attributes:
        started: Runs started.
        completed: Runs that ended after their questions.
        stopped: Runs ended early, by ``flow_exit`` reason.
        abandoned: Runs that never ended.
    """

    started: int = 0
    completed: int = 0
    stopped: Counter = field(default_factory=Counter)
    abandoned: int = 0

    @property
    def completion_rate(self) -> Optional[float]:
        """Completed runs per started run."""
        return self.completed / self.started if self.started else None


@dataclass
class FeedbackStats:
    """Feedback on one FAQ topic.

    Attributes:
        positive: Thumbs up.
        negative: Thumbs down.
        reasons: Reasons given after a thumbs down, by reason.
    """

    positive: int = 0
    negative: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def positive_ratio(self) -> Optional[float]:
        """Thumbs up per thumbs given."""
        total = self.positive + self.negative
        return self.positive / total if total else None


@dataclass
class Metrics:
    """Everything the report shows.

    Attributes:
        period: The period.
        senders: Distinct senders who wrote in the period (a count, no ids).
        conversations: Conversations per (day, channel).
        messages: User messages per (day, channel).
        fallbacks: Fallback messages per day.
        unanswered: Fallback message texts (as stored) and how often each came.
        human_requests: Messages with intent request_human per day.
        conversations_with_human_request: Conversations with at least one.
        topics: FAQ answers per topic.
        forms: Form runs per form.
        feedback: Feedback per FAQ topic.
        conversation_languages: Conversations per language (at their end).
        message_languages: User messages per language (when they arrived).
        response_times: Seconds per (day, channel) list of replies.
        unreplied: User messages in the period without any bot message in their turn.
    """

    period: Period
    senders: int = 0
    conversations: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)
    fallbacks: Counter = field(default_factory=Counter)
    unanswered: Counter = field(default_factory=Counter)
    human_requests: Counter = field(default_factory=Counter)
    conversations_with_human_request: int = 0
    topics: Counter = field(default_factory=Counter)
    forms: Dict[str, FormStats] = field(default_factory=lambda: {form: FormStats() for form in FORMS})
    feedback: Dict[str, FeedbackStats] = field(default_factory=dict)
    conversation_languages: Counter = field(default_factory=Counter)
    message_languages: Counter = field(default_factory=Counter)
    response_times: Dict[Tuple[dt.date, str], List[float]] = field(default_factory=dict)
    unreplied: int = 0

    # --- totals and views -------------------------------------------------
    @property
    def total_conversations(self) -> int:
        """Conversations in the period."""
        return sum(self.conversations.values())

    @property
    def total_messages(self) -> int:
        """User messages in the period."""
        return sum(self.messages.values())

    @property
    def total_fallbacks(self) -> int:
        """Fallback messages in the period."""
        return sum(self.fallbacks.values())

    @property
    def fallback_rate(self) -> Optional[float]:
        """Fallback messages per user message."""
        return self.total_fallbacks / self.total_messages if self.total_messages else None

    @property
    def total_human_requests(self) -> int:
        """Messages asking for a person."""
        return sum(self.human_requests.values())

    @property
    def channels(self) -> List[str]:
        """The channels seen, most messages first."""
        totals: Counter = Counter()
        for (_, channel), count in self.messages.items():
            totals[channel] += count
        return [channel for channel, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]

    def per_day(self, counter: Counter) -> Dict[dt.date, int]:
        """Sums a (day, channel) counter per day, for every day of the period."""
        totals = {day: 0 for day in self.period.days()}
        for (day, _), count in counter.items():
            totals[day] += count
        return totals

    def per_channel(self, counter: Counter) -> Dict[str, int]:
        """Sums a (day, channel) counter per channel."""
        totals: Dict[str, int] = {channel: 0 for channel in self.channels}
        for (_, channel), count in counter.items():
            totals[channel] = totals.get(channel, 0) + count
        return totals

    def times(self, day: Optional[dt.date] = None, channel: Optional[str] = None) -> List[float]:
        """Response times, optionally of one day and/or one channel."""
        return [value for (d, c), values in self.response_times.items()
                if (day is None or d == day) and (channel is None or c == channel) for value in values]

    def languages(self) -> List[str]:
        """The languages to show: nl and en first, then any other seen."""
        seen = set(self.conversation_languages) | set(self.message_languages)
        return list(LANGUAGES) + sorted(seen - set(LANGUAGES))

    def feedback_for(self, topic: str) -> FeedbackStats:
        """The feedback of a topic, created empty on first use."""
        return self.feedback.setdefault(topic, FeedbackStats())


def _feedback_topic(message: Message, topic_keys: Optional[FrozenSet[str]]) -> str:
    value = message.entities.get(TOPIC_ENTITY) or message.previous_topic or ""
    for prefix in ("utter_faq/", "faq/"):
        value = value[len(prefix):] if value.startswith(prefix) else value
    known = value in topic_keys if topic_keys is not None else bool(_TOPIC_SHAPE.fullmatch(value))
    return value if known else UNKNOWN


def _add_message(metrics: Metrics, message: Message, topic_keys: Optional[FrozenSet[str]]) -> None:
    day = metrics.period.day_of(message.timestamp)
    key = (day, message.channel)
    metrics.messages[key] += 1
    metrics.message_languages[message.language] += 1
    if message.fallback:
        metrics.fallbacks[key] += 1
        metrics.unanswered[message.text] += 1
    if message.intent == HUMAN_INTENT:
        metrics.human_requests[key] += 1
    topic = message.faq_topic
    if topic:
        metrics.topics[topic] += 1
    if message.intent == POSITIVE_INTENT:
        metrics.feedback_for(_feedback_topic(message, topic_keys)).positive += 1
    elif message.intent == NEGATIVE_INTENT:
        metrics.feedback_for(_feedback_topic(message, topic_keys)).negative += 1
    elif message.intent == REASON_INTENT:
        reason = message.entities.get(REASON_ENTITY, "")
        reason = reason if reason in FEEDBACK_REASONS else UNKNOWN
        metrics.feedback_for(_feedback_topic(message, topic_keys)).reasons[reason] += 1
    if message.response_time is None:
        metrics.unreplied += 1
    else:
        metrics.response_times.setdefault(key, []).append(message.response_time)


def _add_form_run(metrics: Metrics, run: FormRun) -> None:
    stats = metrics.forms.setdefault(run.form, FormStats())
    stats.started += 1
    if run.outcome == COMPLETED:
        stats.completed += 1
    elif run.outcome == STOPPED:
        stats.stopped[run.exit_reason if run.exit_reason in EXIT_REASONS else UNKNOWN] += 1
    elif run.outcome == ABANDONED:
        stats.abandoned += 1


def compute(period: Period, senders: Iterable[List[Conversation]],
            topic_keys: Optional[FrozenSet[str]] = None) -> Metrics:
    """Computes the report's numbers.

    Args:
        period: The period.
        senders: Per sender, that sender's conversations.
        topic_keys: The known FAQ topic keys (for feedback); None: any key-shaped value.

    Returns:
        The metrics of the period.
    """
    metrics = Metrics(period)
    for conversations in senders:
        wrote = False
        for conversation in conversations:
            in_period = [message for message in conversation.messages if period.contains(message.timestamp)]
            for run in conversation.form_runs:
                if period.contains(run.started):
                    _add_form_run(metrics, run)
            if not in_period:
                continue
            wrote = True
            first = in_period[0]
            metrics.conversations[(period.day_of(first.timestamp), first.channel)] += 1
            metrics.conversation_languages[conversation.language] += 1
            if any(message.intent == HUMAN_INTENT for message in in_period):
                metrics.conversations_with_human_request += 1
            for message in in_period:
                _add_message(metrics, message, topic_keys)
        metrics.senders += wrote
    return metrics
