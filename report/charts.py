"""The report's charts, drawn with matplotlib (Agg backend) into PNG bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from report.metrics import UNKNOWN, Metrics, percentile  # noqa: E402

TOP_TOPICS = 15
DPI = 100
WIDTH, HEIGHT = 9.0, 3.6
COLOURS = ["#154273", "#e17000", "#39870c", "#a90061", "#007bc7", "#673327", "#777c00", "#94710a"]
GOOD, BAD, NEUTRAL = "#39870c", "#d52b1e", "#8fcae7"


@dataclass(frozen=True)
class Chart:
    """One chart of the page.

    Attributes:
        name: Short identifier (also the section anchor).
        title: Title shown above the image.
        png: The image.
    """

    name: str
    title: str
    png: bytes


def _figure(height: float = HEIGHT) -> Any:
    figure, axes = plt.subplots(figsize=(WIDTH, height), dpi=DPI)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _legend(axes: Any, columns: int = 5) -> None:
    axes.legend(frameon=False, ncol=columns, loc="lower left", bbox_to_anchor=(0, 1.0))


def _empty(axes: Any) -> None:
    axes.text(0.5, 0.5, "No data in this period", ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _day_labels(metrics: Metrics) -> List[str]:
    return [day.strftime("%d-%m") for day in metrics.period.days()]


def _day_axis(axes: Any, labels: Sequence[str]) -> None:
    step = max(1, len(labels) // 16)
    axes.set_xticks(range(0, len(labels), step))
    axes.set_xticklabels(labels[::step], rotation=45 if len(labels) > 8 else 0)


def activity(metrics: Metrics) -> Chart:
    """Conversations and user messages per day."""
    figure, axes = _figure()
    labels = _day_labels(metrics)
    conversations = list(metrics.per_day(metrics.conversations).values())
    messages = list(metrics.per_day(metrics.messages).values())
    positions = range(len(labels))
    axes.bar([p - 0.2 for p in positions], conversations, width=0.4, label="conversations", color=COLOURS[0])
    axes.bar([p + 0.2 for p in positions], messages, width=0.4, label="user messages", color=COLOURS[1])
    _day_axis(axes, labels)
    _legend(axes)
    return Chart("activity", "Conversations and messages per day", _png(figure))


def channels(metrics: Metrics) -> Chart:
    """Conversations per day, stacked by channel."""
    figure, axes = _figure()
    labels, days = _day_labels(metrics), metrics.period.days()
    if not metrics.channels:
        _empty(axes)
    bottom = [0] * len(days)
    for index, channel in enumerate(metrics.channels):
        values = [metrics.conversations.get((day, channel), 0) for day in days]
        axes.bar(range(len(days)), values, bottom=bottom, label=channel, color=COLOURS[index % len(COLOURS)])
        bottom = [b + v for b, v in zip(bottom, values, strict=False)]
    if metrics.channels:
        _day_axis(axes, labels)
        _legend(axes)
    return Chart("channels", "Conversations per day by channel", _png(figure))


def topics(metrics: Metrics) -> Chart:
    """The most answered FAQ topics."""
    top = metrics.topics.most_common(TOP_TOPICS)
    figure, axes = _figure(max(HEIGHT, 0.3 * len(top) + 1))
    if top:
        names = [name for name, _ in reversed(top)]
        axes.barh(names, [count for _, count in reversed(top)], color=COLOURS[0])
    else:
        _empty(axes)
    return Chart("topics", f"Top {TOP_TOPICS} FAQ topics (answers)", _png(figure))


def fallbacks(metrics: Metrics) -> Chart:
    """Fallback rate per day (percent of user messages)."""
    figure, axes = _figure()
    labels = _day_labels(metrics)
    messages = metrics.per_day(metrics.messages)
    falls = metrics.per_day(metrics.fallbacks)
    rates = [100 * falls[day] / messages[day] if messages[day] else 0 for day in metrics.period.days()]
    axes.bar(range(len(labels)), rates, color=BAD)
    axes.set_ylabel("% of user messages")
    _day_axis(axes, labels)
    return Chart("fallbacks", "Fallback rate per day", _png(figure))


def forms(metrics: Metrics) -> Chart:
    """Form runs by outcome."""
    names = [name for name, stats in metrics.forms.items()]
    figure, axes = _figure(max(2.4, 0.6 * len(names) + 1))
    parts = [("completed", GOOD, [metrics.forms[n].completed for n in names]),
             ("stopped", NEUTRAL, [sum(metrics.forms[n].stopped.values()) for n in names]),
             ("abandoned", BAD, [metrics.forms[n].abandoned for n in names])]
    left = [0] * len(names)
    for label, colour, values in parts:
        axes.barh(names, values, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, values, strict=False)]
    axes.invert_yaxis()
    _legend(axes)
    return Chart("forms", "Forms: started runs by outcome", _png(figure))


def feedback(metrics: Metrics) -> Chart:
    """Thumbs up and down per FAQ topic."""
    rated = sorted(((topic, stats) for topic, stats in metrics.feedback.items()
                    if stats.positive + stats.negative),
                   key=lambda item: (-(item[1].positive + item[1].negative), item[0]))[:TOP_TOPICS]
    figure, axes = _figure(max(HEIGHT, 0.3 * len(rated) + 1))
    if rated:
        names = [topic for topic, _ in reversed(rated)]
        positive = [stats.positive for _, stats in reversed(rated)]
        negative = [stats.negative for _, stats in reversed(rated)]
        axes.barh(names, positive, label="helpful", color=GOOD)
        axes.barh(names, negative, left=positive, label="not helpful", color=BAD)
        _legend(axes)
    else:
        _empty(axes)
    return Chart("feedback", "Feedback per FAQ topic", _png(figure))


def languages(metrics: Metrics) -> Chart:
    """Share of conversations and of messages per language."""
    figure, axes = _figure(2.8)
    names = metrics.languages()
    conversations = sum(metrics.conversation_languages.values()) or 1
    messages = sum(metrics.message_languages.values()) or 1
    positions = range(len(names))
    axes.bar([p - 0.2 for p in positions],
             [100 * metrics.conversation_languages[n] / conversations for n in names],
             width=0.4, label="conversations", color=COLOURS[0])
    axes.bar([p + 0.2 for p in positions], [100 * metrics.message_languages[n] / messages for n in names],
             width=0.4, label="user messages", color=COLOURS[1])
    axes.set_xticks(list(positions))
    axes.set_xticklabels([name if name != UNKNOWN else "?" for name in names])
    axes.set_ylabel("%")
    _legend(axes)
    return Chart("languages", "Language share", _png(figure))


def response_times(metrics: Metrics) -> Chart:
    """Histogram of response times with the median and the 95th percentile."""
    figure, axes = _figure()
    values = metrics.times()
    if values:
        axes.hist(values, bins=40, color=COLOURS[4])
        for q, style in ((50, "-"), (95, "--")):
            value = percentile(values, q)
            axes.axvline(value, color="black", linestyle=style, label=f"p{q}: {value:.2f} s")
        axes.set_xlabel("seconds from user message to first reply")
        _legend(axes)
    else:
        _empty(axes)
    return Chart("response_times", "Response time", _png(figure))


def all_charts(metrics: Metrics) -> Dict[str, Chart]:
    """Every chart of the report, by name."""
    charts = [activity(metrics), channels(metrics), topics(metrics), fallbacks(metrics),
              forms(metrics), feedback(metrics), languages(metrics), response_times(metrics)]
    return {chart.name: chart for chart in charts}
