"""Bounds on client input (channels.limits) and the depth-limited redaction (privacy.redact)."""

from __future__ import annotations

import json

import pytest

from channels.limits import (
    InputRejected,
    Limits,
    checked_metadata,
    deeper_than,
    parse_json,
    parse_json_object,
)
from privacy.redact import MAX_REDACT_DEPTH, redact_value

LIMITS = Limits(body_bytes=1000, metadata_bytes=100, json_depth=5)


def nested(depth, leaf="x"):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def test_depth_is_counted_without_recursion():
    assert not deeper_than(nested(5), 5)
    assert deeper_than(nested(6), 5)
    assert deeper_than(nested(100_000), 5)  # would exhaust the stack if walked recursively
    assert not deeper_than({"a": 1, "b": [1, 2]}, 2)


@pytest.mark.parametrize(("body", "status"), [
    (b"{" + b" " * 20_000 + b"}", 413),
    (b"[" * 9000 + b"]" * 9000, 400),  # json.loads itself would raise RecursionError
    (b"[[[[[[1]]]]]]", 400),
    (b"{", 400),
])
def test_hostile_bodies_are_client_errors(body, status):
    with pytest.raises(InputRejected) as rejected:
        parse_json(body, Limits(body_bytes=20_000, metadata_bytes=100, json_depth=5))
    assert rejected.value.status == status


def test_a_body_that_is_not_an_object_is_refused():
    for body in (b"[1]", b'"x"', b"42", b"null"):
        with pytest.raises(InputRejected) as rejected:
            parse_json_object(body, LIMITS)
        assert rejected.value.status == 400


def test_invalid_utf8_inside_strings_is_kept_for_the_message_check():
    assert parse_json_object(b'{"message": "\xff"}', LIMITS)["message"] == "\udcff"


def test_metadata_within_the_bounds_passes_and_outside_is_refused():
    assert checked_metadata({"a": "b"}, LIMITS) == {"a": "b"}
    assert checked_metadata('{"a": "b"}', LIMITS) == {"a": "b"}
    assert checked_metadata(None, LIMITS) is None
    for metadata, status in (({"a": "x" * 200}, 413), ({"a": nested(10)}, 400), ("{not json", 400),
                             ([1, 2], 400), (json.dumps({"a": nested(10)}), 400)):
        with pytest.raises(InputRejected) as rejected:
            checked_metadata(metadata, LIMITS)
        assert rejected.value.status == status, metadata


def test_redaction_stops_at_its_depth_limit():
    value = nested(5000, "bel 0612345678")
    redacted = redact_value(value)
    depth = 0
    while isinstance(redacted, list):
        redacted, depth = redacted[0], depth + 1
    assert depth == MAX_REDACT_DEPTH and redacted is None
    assert redact_value(nested(3, "bel 0612345678")) == nested(3, "bel [PHONE]")
