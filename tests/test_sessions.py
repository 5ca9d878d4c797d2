"""Conversation ids issued by the server and their tokens (channels.sessions), and their settings."""

from __future__ import annotations

import pytest

from channels import config
from channels.sessions import ID_HEADER, TOKEN_HEADER, ConversationTokens

SECRET = b"s" * 32
DAY_S = 86_400


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_an_issued_id_is_random_128_bits_and_its_token_proves_it():
    tokens = ConversationTokens(SECRET, DAY_S)
    first, second = tokens.issue(), tokens.issue()
    assert len(first.id) == 32 and int(first.id, 16) >= 0 and first.id != second.id
    assert tokens.verify(first.id, first.token)
    assert not tokens.verify(second.id, first.token), "a token proves only its own id"
    assert first.headers() == {ID_HEADER: first.id, TOKEN_HEADER: first.token}


@pytest.mark.parametrize("conversation_id, token", [
    ("1", None), ("1", "1.x"), ("x" * 100_000, "1.x"), (None, None), (5, "1.x"), (["a"], ["b"]),
])
def test_ids_that_were_not_issued_get_a_new_conversation(conversation_id, token):
    tokens = ConversationTokens(SECRET, DAY_S)
    conversation = tokens.resume(conversation_id, token)
    assert not conversation.resumed and conversation.id != conversation_id
    assert tokens.verify(conversation.id, conversation.token)


def test_someone_elses_id_without_its_token_or_with_a_forged_one_is_a_new_conversation():
    tokens = ConversationTokens(SECRET, DAY_S)
    victim = tokens.issue()
    expires, _, signature = victim.token.partition(".")
    forged = [None, "", f"{int(expires) + 1}.{signature}", f"{expires}.{signature[:-1]}{'B' if signature.endswith('A') else 'A'}",
              ConversationTokens(b"t" * 32, DAY_S).token_for(victim.id), victim.token + "x" * 100]
    for token in forged:
        assert tokens.resume(victim.id, token).id != victim.id, token
    assert tokens.resume(victim.id, victim.token).id == victim.id


def test_a_token_expires_after_its_lifetime_and_each_answer_renews_it():
    clock = Clock()
    tokens = ConversationTokens(SECRET, DAY_S, clock)
    conversation = tokens.issue()
    clock.now += DAY_S - 60
    renewed = tokens.resume(conversation.id, conversation.token)
    assert renewed.resumed and renewed.id == conversation.id
    clock.now += 120
    assert not tokens.verify(conversation.id, conversation.token), "the first token has expired"
    assert tokens.resume(conversation.id, renewed.token).id == conversation.id, "the renewed one has not"
    clock.now += DAY_S + 1
    assert tokens.resume(conversation.id, renewed.token).id != conversation.id


def test_instances_with_the_same_secret_accept_each_others_tokens():
    environ = {"SESSION_SECRET": "k" * 40}
    one, other = ConversationTokens.from_settings(environ), ConversationTokens.from_settings(environ)
    conversation = one.issue()
    assert other.verify(conversation.id, conversation.token)


def test_without_a_secret_the_process_makes_one():
    one, other = ConversationTokens.from_settings({}), ConversationTokens.from_settings({})
    conversation = one.issue()
    assert other.verify(conversation.id, conversation.token), "REST and socket.io of one process agree"
    assert not ConversationTokens.from_settings({"SESSION_SECRET": "k" * 40}).verify(
        conversation.id, conversation.token)


def test_session_settings():
    assert config.session_secret({}) is None
    assert config.session_secret({"SESSION_SECRET": " " + "k" * 32 + " "}) == b"k" * 32
    with pytest.raises(ValueError, match="SESSION_SECRET"):
        config.session_secret({"SESSION_SECRET": "short"})
    assert config.session_ttl_s({}) == DAY_S
    assert config.session_ttl_s({"SESSION_TOKEN_TTL_S": "3600"}) == 3600
    with pytest.raises(ValueError, match="SESSION_TOKEN_TTL_S"):
        config.session_ttl_s({"SESSION_TOKEN_TTL_S": "0"})
