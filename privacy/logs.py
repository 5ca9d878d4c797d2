"""A logging filter that redacts personal data in every log record, at every level.

The channels already pass only redacted text to Rasa; this filter catches what
reaches the logs another way (for example a message posted to the HTTP API
``/conversations/<id>/messages``, or an exception that quotes a value). It is
added to the handlers, so it sees the records of every logger that writes
through them.
"""

from __future__ import annotations

import logging
from typing import Iterable, List

from privacy.redact import redact_text

# Loggers that do not propagate to the root logger but have their own handlers.
_OWN_HANDLER_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")


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
        if message:  # names and addresses need no digit, so every record is checked
            redacted = redact_text(message)
            if redacted != message:
                record.msg, record.args = redacted, None
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
