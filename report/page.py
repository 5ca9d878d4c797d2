"""The report's HTML page: one self-contained file, charts embedded as PNG."""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from typing import Any, Dict, Iterable, List, Optional, Sequence

from report.charts import TOP_TOPICS, Chart
from report.export import FILES
from report.metrics import EXIT_REASONS, FEEDBACK_REASONS, UNKNOWN, Metrics, percentile

TOP_UNANSWERED = 20

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
       color: #1b1b1b; }
h1 { color: #154273; } h2 { color: #154273; border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .25rem .75rem; border-bottom: 1px solid #ddd; }
th { text-align: left; background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; } .note { color: #555; font-size: .9rem; }
"""


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="n">{escape(str(value))}</td>'
    return f"<td>{escape(str(value))}</td>"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An HTML table; every value is escaped."""
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def image(chart: Chart) -> str:
    """The chart as an <img> with the PNG embedded."""
    data = base64.b64encode(chart.png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(chart.title)}">'


def percent(part: float, whole: float) -> str:
    """``part`` of ``whole`` as a percentage, or a dash."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


def seconds(value: Optional[float]) -> str:
    """Seconds with two decimals, or a dash."""
    return "-" if value is None else f"{value:.2f} s"


def _section(title: str, anchor: str, *parts: str) -> str:
    return f'<section id="{escape(anchor)}"><h2>{escape(title)}</h2>' + "".join(parts) + "</section>"


def _key_figures(metrics: Metrics) -> str:
    times = metrics.times()
    forms_started = sum(stats.started for stats in metrics.forms.values())
    forms_completed = sum(stats.completed for stats in metrics.forms.values())
    rows = [
        ("Conversations", metrics.total_conversations),
        ("Different senders (counted, not listed)", metrics.senders),
        ("User messages", metrics.total_messages),
        ("Fallback rate", percent(metrics.total_fallbacks, metrics.total_messages)),
        ("Requests for a person", metrics.total_human_requests),
        ("FAQ answers", sum(metrics.topics.values())),
        ("Forms completed / started", f"{forms_completed} / {forms_started}"),
        ("Median response time", seconds(percentile(times, 50))),
        ("95th percentile response time", seconds(percentile(times, 95))),
    ]
    return table(("figure", "value"), rows)


def _channels(metrics: Metrics) -> str:
    conversations = metrics.per_channel(metrics.conversations)
    messages = metrics.per_channel(metrics.messages)
    rows = [(channel, conversations.get(channel, 0), messages.get(channel, 0),
             percent(messages.get(channel, 0), metrics.total_messages),
             seconds(percentile(metrics.times(channel=channel), 50))) for channel in metrics.channels]
    return table(("channel", "conversations", "user messages", "share of messages", "median response"), rows)


def _topics(metrics: Metrics) -> str:
    total = sum(metrics.topics.values())
    rows = [(topic, count, percent(count, total)) for topic, count in metrics.topics.most_common(TOP_TOPICS)]
    return table(("topic", "answers", "share"), rows)


def _fallbacks(metrics: Metrics) -> str:
    summary = (f"<p>{metrics.total_fallbacks} of {metrics.total_messages} user messages were not understood "
               f"({percent(metrics.total_fallbacks, metrics.total_messages)}). "
               f"{metrics.total_human_requests} messages asked for a person, in "
               f"{metrics.conversations_with_human_request} conversations.</p>")
    top = sorted(metrics.unanswered.items(), key=lambda item: (-item[1], item[0]))[:TOP_UNANSWERED]
    return (summary + f"<h3>Most frequent unanswered messages (top {TOP_UNANSWERED})</h3>"
            + '<p class="note">As stored: personal data was already replaced by placeholders such as '
            + "[PHONE] before the message was saved.</p>" + table(("message", "times"), top))


def _forms(metrics: Metrics) -> str:
    rows = [(form, stats.started, stats.completed,
             ", ".join(f"{reason} {stats.stopped[reason]}" for reason in (*EXIT_REASONS, UNKNOWN)
                       if stats.stopped[reason]) or "0",
             stats.abandoned, percent(stats.completed, stats.started))
            for form, stats in metrics.forms.items()]
    return table(("form", "started", "completed", "stopped (reason)", "abandoned", "completion rate"), rows)


def _feedback(metrics: Metrics) -> str:
    reasons = (*FEEDBACK_REASONS, UNKNOWN)
    ordered = sorted(metrics.feedback.items(),
                     key=lambda item: (-(item[1].positive + item[1].negative), item[0] == UNKNOWN, item[0]))
    rows = [(topic, stats.positive, stats.negative, percent(stats.positive, stats.positive + stats.negative))
            + tuple(stats.reasons[reason] for reason in reasons) for topic, stats in ordered]
    return table(("topic", "helpful", "not helpful", "helpful share") + reasons, rows)


def _languages(metrics: Metrics) -> str:
    conversations = sum(metrics.conversation_languages.values())
    messages = sum(metrics.message_languages.values())
    rows = [(language, metrics.conversation_languages[language],
             percent(metrics.conversation_languages[language], conversations),
             metrics.message_languages[language], percent(metrics.message_languages[language], messages))
            for language in metrics.languages()]
    return table(("language", "conversations", "share", "user messages", "share"), rows)


def _response_times(metrics: Metrics) -> str:
    times = metrics.times()
    return (f"<p>Median {seconds(percentile(times, 50))}, 95th percentile {seconds(percentile(times, 95))} "
            f"over {len(times)} replied messages; {metrics.unreplied} user messages got no reply "
            "in their turn.</p>")


def render(metrics: Metrics, charts: Dict[str, Chart], source: str,
           generated: Optional[dt.datetime] = None) -> str:
    """The whole page.

    Args:
        metrics: The report's numbers.
        charts: The charts by name (see ``charts.all_charts``).
        source: The database, as shown (password hidden).
        generated: When the report was made; now when None.

    Returns:
        The HTML document.
    """
    period = metrics.period
    generated = generated or dt.datetime.now(period.tz)
    files: List[str] = [f"<li><a href=\"{escape(name)}\">{escape(name)}</a>: {escape(text)}</li>"
                        for name, text in FILES.items()]
    sections = [
        _section("Key figures", "key", _key_figures(metrics)),
        _section("Conversations and messages", "activity", image(charts["activity"]),
                 image(charts["channels"]), _channels(metrics)),
        _section("Top topics", "topics", image(charts["topics"]), _topics(metrics)),
        _section("Fallbacks and requests for a person", "fallbacks", image(charts["fallbacks"]),
                 _fallbacks(metrics)),
        _section("Forms", "forms", image(charts["forms"]), _forms(metrics),
                 '<p class="note">Completed: the form ended after its questions. Stopped: the user ended it '
                 "early (stop, another question, or another flow's button). Abandoned: no end in the "
                 "conversation.</p>"),
        _section("Feedback per topic", "feedback", image(charts["feedback"]), _feedback(metrics)),
        _section("Language", "languages", image(charts["languages"]), _languages(metrics)),
        _section("Response time", "response_times", image(charts["response_times"]),
                 _response_times(metrics)),
        _section("CSV files", "csv", "<ul>" + "".join(files) + "</ul>"),
    ]
    title = f"Conversation report {period.first.isoformat()} to {period.last.isoformat()}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="note">Days in time zone {escape(period.zone)}. Source: {escape(source)}. '
        f"Made {escape(generated.strftime('%Y-%m-%d %H:%M'))}. Sender ids are counted, never shown.</p>"
        + "".join(sections) + "</body></html>\n"
    )
