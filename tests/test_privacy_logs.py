"""The log redaction filter, on a real logging handler."""

from __future__ import annotations

import io
import logging

from privacy.logs import RedactingFilter, install_log_redaction


def logger_with_filter():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("privacy-log-test")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_messages_arguments_and_tracebacks_are_redacted():
    logger, stream = logger_with_filter()
    logger.debug("Received user message '%s'", "mijn BSN is 123456782")
    logger.info("plain text 485.000 stays")
    try:
        raise ValueError("bad value j@example.nl")
    except ValueError:
        logger.exception("failed for %s", "06-12345678")
    output = stream.getvalue()
    assert "mijn BSN is [BSN]" in output and "123456782" not in output
    assert "plain text 485.000 stays" in output
    assert "[EMAIL]" in output and "j@example.nl" not in output
    assert "[PHONE]" in output and "06-12345678" not in output


def test_names_and_addresses_without_digits_are_redacted_too():
    logger, stream = logger_with_filter()
    logger.info("Received user message '%s'", "ik heet jan de vries")
    logger.info("text %s", "mail jan apenstaartje gmail punt com")
    logger.info("Loading model from models/current.tar.gz")
    output = stream.getvalue()
    assert "ik heet [NAME]" in output and "vries" not in output
    assert "mail [EMAIL]" in output and "gmail" not in output
    assert "Loading model from models/current.tar.gz" in output


def test_install_adds_one_filter_per_handler():
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)
    try:
        install_log_redaction()
        install_log_redaction()
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
    finally:
        root.removeHandler(handler)
