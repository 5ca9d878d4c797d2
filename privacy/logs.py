"""A logging filter that redacts personal data in every log record, at every level.

The channels already pass only redacted text to Rasa; this filter catches what
reaches the logs another way (for example a message posted to the HTTP API
``/conversations/<id>/messages``, or an exception that quotes a value). It is
added to the handlers, so it sees the records of every logger that writes
through them.

It also keeps a client's value from forging a log line: Rasa writes ids and
texts into its messages with f-strings, so a carriage return, a line break
followed by text at the start of a line, or another control character in a
message becomes visible as an escape (a backslash sequence, an indented continuation
line) instead of starting what looks like a record of its own.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable, List

from privacy.redact import redact_text

# Loggers that do not propagate to the root logger but have their own handlers.
_OWN_HANDLER_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")
# Control characters other than tab and line feed, and the Unicode line separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
# A line break followed by something other than indentation could start a forged record.
_LINE_START = re.compile(r"\n(?=[^\s])")


def neutralise_line_breaks(message: str) -> str:
    """Escapes control characters and indents continuation lines, so that no line can pose as a record.

    Args:
        message: A formatted log message.

    Returns:
        The message unchanged when it is one clean line, else the escaped version.
    """
    if "\n" not in message and not _CONTROL.search(message):
        return message
    message = _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), message)
    return _LINE_START.sub("\n    ", message)


class RedactingFilter(logging.Filter):
    """Replaces personal data in the message and traceback of each record; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redacts the record in place.

        Args:
            record: The log record.

        Returns:
            Always True.
        """
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # malformed %-arguments: keep only the template
            message = str(record.msg)
        cleaned = neutralise_line_breaks(message)
        if cleaned:  # names and addresses need no digit, so every record is checked
            cleaned = redact_text(cleaned)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True


def _handlers(logger_names: Iterable[str]) -> List[logging.Handler]:
    handlers = list(logging.getLogger().handlers)
    for name in logger_names:
        handlers.extend(logging.getLogger(name).handlers)
    return handlers


def install_log_redaction() -> int:
    """Adds one ``RedactingFilter`` to every handler of the root logger and of Sanic's loggers.

    Safe to call more than once. Call it after logging is configured (the
    channels call it when Rasa builds their routes).

    Returns:
        The number of handlers that got the filter now.
    """
    added = 0
    for handler in _handlers(_OWN_HANDLER_LOGGERS):
        if not any(isinstance(existing, RedactingFilter) for existing in handler.filters):
            handler.addFilter(RedactingFilter())
            added += 1
    return added
