"""Messaging channels without a server: signatures, settings, dedupe, numbered buttons, splitting, parsing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from types import SimpleNamespace

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from channels import config
from channels.dedupe import Deduplicator
from channels.facebook import FacebookInput, FacebookOutput, parse_batch
from channels.kv import MemoryStore, RedisStore, shared_store
from channels.messaging import Inbound
from channels.numbered import Choice, OfferedOptions, map_reply, render_numbered, split_buttons
from channels.outbound import HttpSender
from channels.signatures import (
    facebook_signature,
    facebook_valid,
    pseudonym,
    telegram_valid,
    twilio_signature,
    twilio_valid,
)
from channels.split import split_text
from channels.telegram import TelegramInput, TelegramOutput, parse_update
from channels.twilio import TwilioInput, TwilioOutput, parse_message

TWILIO_ENV = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tok"}
TELEGRAM_ENV = {"TELEGRAM_TOKEN": "1:abc", "TELEGRAM_SECRET_TOKEN": "secret_1"}
FACEBOOK_ENV = {"FACEBOOK_VERIFY_TOKEN": "v", "FACEBOOK_APP_SECRET": "s", "FACEBOOK_PAGE_ACCESS_TOKEN": "p"}
ALL_VARS = [*TWILIO_ENV, *TELEGRAM_ENV, *FACEBOOK_ENV]


# --- signatures ---------------------------------------------------------------------------------

def test_twilio_signature_matches_twilios_own_validator():
    url = "https://example.org/webhooks/twilio/webhook?x=1"
    params = {"MessageSid": "SM1", "From": "whatsapp:+31612345678", "To": "+3197010000000",
              "Body": "Hallo & dag = 1+1", "NumMedia": "0"}
    expected = RequestValidator("tok").compute_signature(url, params)
    assert twilio_signature(url, {k: [v] for k, v in params.items()}, "tok") == expected
    assert twilio_valid(expected, url, {k: [v] for k, v in params.items()}, "tok")


@pytest.mark.parametrize("change", ["token", "url", "body", "missing", "empty"])
def test_twilio_signature_rejects_any_change(change):
    url, params = "https://example.org/hook", {"Body": ["Hallo"], "From": ["+31612345678"]}
    signature = twilio_signature(url, params, "tok")
    if change == "token":
        assert not twilio_valid(signature, url, params, "other")
    elif change == "url":
        assert not twilio_valid(signature, url + "/x", params, "tok")
    elif change == "body":
        assert not twilio_valid(signature, url, {**params, "Body": ["Hallo!"]}, "tok")
    else:
        assert not twilio_valid(None if change == "missing" else "", url, params, "tok")


def test_facebook_signature_is_sha256_hmac_of_the_raw_body():
    body = b'{"object":"page","entry":[]}'
    expected = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert facebook_signature(body, "s") == expected
    assert facebook_valid(expected, body, "s")
    assert not facebook_valid(expected, body + b" ", "s")
    assert not facebook_valid(expected, body, "other")
    assert not facebook_valid("sha1=" + hmac.new(b"s", body, hashlib.sha1).hexdigest(), body, "s")
    assert not facebook_valid(None, body, "s")


def test_telegram_secret_token():
    assert telegram_valid("secret_1", "secret_1")
    assert not telegram_valid("secret_2", "secret_1")
    assert not telegram_valid(None, "secret_1") and not telegram_valid("", "secret_1")


def test_pseudonym_is_stable_and_hides_the_number():
    first = pseudonym("tok", "twilio", "+31612345678")
    assert first == pseudonym("tok", "twilio", "+31612345678")
    assert first != pseudonym("tok", "twilio", "+31612345679") != pseudonym("other", "twilio", "+31612345678")
    assert first.startswith("twilio-") and "612345678" not in first


# --- settings: off, on, refused -------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch):
    for name in ALL_VARS + ["TWILIO_API_BASE", "TWILIO_WEBHOOK_URL", "CHANNEL_REDIS_URL"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_required_settings_all_or_nothing():
    names = ["TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN"]
    assert config.required_settings("x", names, {}) is None
    both = {"TELEGRAM_TOKEN": "1", "TELEGRAM_SECRET_TOKEN": "2"}
    assert config.required_settings("x", names, both) == both
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN must be set"):
        config.required_settings("x", names, {"TELEGRAM_TOKEN": "1", "TELEGRAM_SECRET_TOKEN": " "})


@pytest.mark.parametrize("channel, env", [(TwilioInput, TWILIO_ENV), (TelegramInput, TELEGRAM_ENV),
                                          (FacebookInput, FACEBOOK_ENV)])
def test_each_channel_is_off_without_variables_and_refuses_to_start_with_some(clean_env, channel, env):
    off = channel.from_credentials(None)
    assert not off.enabled
    routes = off.blueprint(lambda message: None)._future_routes
    assert len(routes) == 1
    answer = asyncio.run(next(iter(routes)).handler(None))
    assert answer.status == 404

    first, *rest = env
    clean_env.setenv(first, env[first])
    with pytest.raises(ValueError, match=rest[0]):
        channel.from_credentials(None)
    for name in rest:
        clean_env.setenv(name, env[name])
    on = channel.from_credentials(None)
    assert on.enabled
    assert {route.uri for route in on.blueprint(lambda message: None)._future_routes} == {"/webhook"}


def test_telegram_secret_token_with_forbidden_characters_is_refused(clean_env):
    clean_env.setenv("TELEGRAM_TOKEN", "1:abc")
    clean_env.setenv("TELEGRAM_SECRET_TOKEN", "not allowed!")
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials(None)


def test_positive_numbers_are_checked():
    assert config.http_timeout_s({}) == 10.0
    assert config.http_timeout_s({"CHANNEL_HTTP_TIMEOUT_S": "2.5"}) == 2.5
    with pytest.raises(ValueError):
        config.dedupe_ttl_s({"CHANNEL_DEDUPE_TTL_S": "0"})


# --- dedupe -----------------------------------------------------------------------------------------

class FakeRedis:
    """Just enough of redis.Redis: SET with NX and EX, GET, DELETE, expiry by a clock."""

    def __init__(self, clock):
        self.clock, self.data = clock, {}

    def set(self, name, value, nx=False, ex=None):
        live = name in self.data and self.data[name][1] > self.clock()
        if nx and live:
            return None
        self.data[name] = (value.encode(), self.clock() + (ex or 10**9))
        return True

    def get(self, name):
        item = self.data.get(name)
        return item[0] if item and item[1] > self.clock() else None

    def delete(self, name):
        self.data.pop(name, None)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_message_id_is_accepted_once_until_it_expires(kind):
    clock = Clock()
    store = MemoryStore(clock) if kind == "memory" else RedisStore(FakeRedis(clock))
    dedupe = Deduplicator(store, "twilio", ttl_s=60)

    async def run():
        results = [await dedupe.first_time("SM1"), await dedupe.first_time("SM1"),
                   await dedupe.first_time("SM2"), await Deduplicator(store, "telegram", 60).first_time("SM1")]
        clock.now += 61
        results.append(await dedupe.first_time("SM1"))
        results.append(await dedupe.first_time(None))
        results.append(await dedupe.first_time(None))
        return results

    assert asyncio.run(run()) == [True, False, True, True, True, True, True]


def test_two_instances_sharing_redis_accept_a_redelivery_once():
    shared = FakeRedis(Clock())
    first = Deduplicator(RedisStore(shared), "facebook", 60)
    second = Deduplicator(RedisStore(shared), "facebook", 60)

    async def run():
        return [await first.first_time("m_1"), await second.first_time("m_1")]

    assert asyncio.run(run()) == [True, False]


def test_shared_store_reuses_the_redis_of_the_lock_store(clean_env):
    client = FakeRedis(Clock())
    agent = SimpleNamespace(lock_store=SimpleNamespace(red=client), tracker_store=None)
    assert isinstance(shared_store(agent), RedisStore)
    wrapped = SimpleNamespace(lock_store=None, tracker_store=SimpleNamespace(_tracker_store=SimpleNamespace(red=client)))
    assert isinstance(shared_store(wrapped), RedisStore)
    assert isinstance(shared_store(SimpleNamespace(lock_store=object(), tracker_store=object())), MemoryStore)
    assert isinstance(shared_store(None), MemoryStore)


# --- numbered buttons -------------------------------------------------------------------------------

@pytest.fixture
def greeting(domain):
    return domain.responses["utter_greet"][0]


def test_buttons_become_a_numbered_list_of_titles_and_links_plain_urls(greeting):
    choices, links = split_buttons(greeting["buttons"] + [
        {"type": "web_url", "title": "Bevolkingsonderzoek Nederland", "url": "https://www.bevolkingsonderzoeknederland.nl"}])
    text = render_numbered(greeting["text"], choices, links)
    lines = text.splitlines()
    assert text.startswith(greeting["text"])
    assert "1. Wat is er gebeurd?" in lines and "2. Welke gegevens?" in lines
    assert f"{len(choices)}. {choices[-1].title}" in lines
    assert "Bevolkingsonderzoek Nederland: https://www.bevolkingsonderzoeknederland.nl" in lines
    assert "Welke gegevens zijn gestolen?" not in text  # a payload, never shown


def test_command_payloads_are_unescaped_and_never_shown():
    choices, _ = split_buttons([{"title": "Checklist", "payload": '/choose{{"flow":"checklist"}}'}])
    assert choices == [Choice("Checklist", '/choose{"flow":"checklist"}')]
    assert "/choose" not in render_numbered("Kies:", choices)


@pytest.mark.parametrize("reply, index", [
    ("1", 0), ("2", 1), (" 3 ", 2), ("optie 4", 3), ("de tweede", 1), ("Welke gegevens?", 1),
    ("welke gegevens", 1), ("wat is er gebeurt", 0), ("Nepbericht herkenen", 4),
    ("Welke gegevens zijn gestolen?", 1),
])
def test_a_typed_reply_maps_to_the_offered_payload(greeting, reply, index):
    choices, _ = split_buttons(greeting["buttons"])
    assert map_reply(reply, choices) == choices[index].payload


@pytest.mark.parametrize("reply", ["0", "99", "", "Hoe lang duurt het voordat ik een brief van jullie krijg?",
                                   "banaan", None, 7])
def test_other_replies_are_not_mapped(greeting, reply):
    choices, _ = split_buttons(greeting["buttons"])
    assert map_reply(reply, choices) is None
    assert map_reply("1", []) is None


def test_offered_options_are_remembered_per_conversation_and_expire():
    clock = Clock()
    options = OfferedOptions(MemoryStore(clock), ttl_s=60)
    offered = [Choice("Ja", "/choose{\"a\":\"ja\"}"), Choice("Nee", "/choose{\"a\":\"nee\"}")]

    async def run():
        await options.remember("a", offered)
        seen = [await options.recall("a"), await options.recall("b")]
        await options.remember("a", [])
        seen.append(await options.recall("a"))
        await options.remember("a", offered)
        clock.now += 61
        seen.append(await options.recall("a"))
        return seen

    assert asyncio.run(run()) == [offered, [], [], []]


# --- splitting ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("limit", [1600, 4096, 2000])
def test_long_messages_are_split_to_the_platform_limit_at_word_boundaries(limit):
    text = ("Dit is een zin over het datalek. " * 400).strip()
    parts = split_text(text, limit)
    assert len(parts) > 1 and all(len(part) <= limit for part in parts)
    assert " ".join(parts) == text


def test_a_text_without_spaces_is_cut_hard_and_short_texts_stay_whole():
    assert split_text("x" * 3300, 1600) == ["x" * 1600, "x" * 1600, "x" * 100]
    assert split_text("Kort.", 1600) == ["Kort."]
    assert split_text("  ", 1600) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=400), st.integers(min_value=1, max_value=50))
def test_splitting_never_exceeds_the_limit_nor_loses_text(text, limit):
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


# --- parsing webhooks ---------------------------------------------------------------------------------

def fb_event(psid, **message):
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 1, "message": message}


def test_every_entry_and_every_event_of_a_facebook_batch_is_read():
    body = {"object": "page", "entry": [
        {"id": "P", "messaging": [fb_event("1", mid="m1", text="Hallo"), fb_event("2", mid="m2", text="Hoi")]},
        {"id": "P", "messaging": [
            fb_event("3", mid="m3", text="x", quick_reply={"payload": "Wat is er gebeurd?"}),
            fb_event("PAGE", mid="m4", text="echo", is_echo=True),
            {"sender": {"id": "4"}, "delivery": {"mids": ["m1"]}},
            {"sender": {"id": "5"}, "timestamp": 9, "postback": {"title": "Start", "payload": "Hallo"}},
            fb_event("6", mid="m6", attachments=[{"type": "image"}]),
        ]},
    ]}
    parsed = parse_batch(body)
    assert [(m.message_id, m.address, m.text) for m in parsed] == [
        ("m1", "1", "Hallo"), ("m2", "2", "Hoi"), ("m3", "3", "Wat is er gebeurd?"),
        ("postback:5:9", "5", "Hallo"), ("m6", "6", None)]
    assert parse_batch({"entry": "nonsense"}) == [] and parse_batch([1]) == []


def test_telegram_start_becomes_the_trusted_greeting_command():
    start = parse_update({"update_id": 7, "message": {"text": "/start campagne", "chat": {"id": 42}}})
    assert (start.message_id, start.address, start.text, start.trusted) == ("7", "42", "/greet",
                                                                            frozenset({"/greet"}))
    assert parse_update({"update_id": 8, "message": {"text": "/start@BvoBot", "chat": {"id": 42}}}).text == "/greet"
    assert parse_update({"update_id": 9, "message": {"text": "Hallo", "chat": {"id": 42}}}).trusted == frozenset()
    assert parse_update({"update_id": 10, "message": {"photo": [], "chat": {"id": 42}}}).text is None
    assert parse_update({"update_id": 11, "edited_channel_post": {}}) is None


def test_twilio_incoming_messages_are_read_and_status_callbacks_ignored():
    message = parse_message({"MessageSid": ["SM1"], "From": ["whatsapp:+31612345678"],
                             "To": ["whatsapp:+3197"], "Body": [""]})
    assert (message.message_id, message.address, message.text, message.reply_from) == (
        "SM1", "whatsapp:+31612345678", "", "whatsapp:+3197")
    assert parse_message({"MessageSid": ["SM1"], "From": ["+31612345678"], "To": ["+3197"],
                          "MessageStatus": ["delivered"]}) is None
    assert parse_message({"Body": ["Hallo"]}) is None


# --- output channels and processing -------------------------------------------------------------------

class RecordingSender(HttpSender):
    """The real sender's interface, recording instead of calling the network."""

    def __init__(self):
        super().__init__("test", timeout_s=1)
        self.sent = []

    async def post(self, url, *, json=None, form=None, params=None):
        self.sent.append({"url": url, "json": json, "form": form, "params": params})
        return True


def test_twilio_sends_one_numbered_message_per_response_within_1600_chars(greeting):
    sender = RecordingSender()
    output = TwilioOutput(sender, Inbound("SM1", "whatsapp:+31612345678", "x", reply_from="whatsapp:+3197"), "u")
    asyncio.run(output.send_response("conv", dict(greeting)))
    asyncio.run(output.send_response("conv", {"text": "woord " * 700}))
    bodies = [s["form"]["Body"] for s in sender.sent]
    assert "\n\n1. Wat is er gebeurd?\n" in bodies[0]
    assert len(bodies) == 1 + 3 and all(len(b) <= 1600 for b in bodies)
    assert {(s["form"]["From"], s["form"]["To"]) for s in sender.sent} == {("whatsapp:+3197", "whatsapp:+31612345678")}
    assert [c.title for c in output.offered][:2] == ["Wat is er gebeurd?", "Welke gegevens?"]


def test_telegram_and_messenger_attach_the_options_to_the_last_bubble(greeting):
    telegram, messenger = RecordingSender(), RecordingSender()
    event = Inbound("1", "42", "x")
    asyncio.run(TelegramOutput(telegram, event, "u").send_response("c", dict(greeting)))
    asyncio.run(FacebookOutput(messenger, event, "u", "tok").send_response("c", dict(greeting)))
    assert [("reply_markup" in s["json"]) for s in telegram.sent] == [False] * (len(telegram.sent) - 1) + [True]
    quick = messenger.sent[-1]["json"]["message"]["quick_replies"]
    assert [q["payload"] for q in quick] == [b["payload"] for b in greeting["buttons"]]
    assert all(len(q["title"]) <= 20 for q in quick)
    assert messenger.sent[-1]["params"] == {"access_token": "tok"}


def run_process(domain, channel, event, offered=()):
    received = []

    async def on_new_message(message):
        received.append(message)

    async def run():
        state = channel._ready(app)
        await state.options.remember(channel.conversation_id(event.address), list(offered))
        await channel.process(app, event, on_new_message)
        return await state.options.recall(channel.conversation_id(event.address))

    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=domain)))
    remembered = asyncio.run(run())
    return received, remembered


def twilio_channel():
    channel = TwilioInput(dict(TWILIO_ENV), store=MemoryStore())
    channel.sender = RecordingSender()
    return channel


def test_a_number_becomes_the_offered_payload_before_the_command_filter(domain):
    offered = [Choice("Iets", '/choose{"situation":"not_in_domain"}'), Choice("Anders", "Iets anders")]
    received, _ = run_process(domain, twilio_channel(), Inbound("SM1", "+31612345678", "1"), offered)
    assert [m.text for m in received] == ['/choose{"situation":"not_in_domain"}']
    assert received[0].sender_id.startswith("twilio-") and received[0].input_channel == "twilio"


def test_a_typed_command_without_an_offer_is_still_filtered_and_personal_data_redacted(domain):
    received, _ = run_process(domain, twilio_channel(),
                              Inbound("SM2", "+31612345678", '/choose{"situation":"not_in_domain"}'))
    assert [m.text for m in received] == ['choose{"situation":"not_in_domain"}']
    channel = twilio_channel()
    received, _ = run_process(domain, channel, Inbound("SM3", "+31612345678", "Mijn BSN is 123456782", reply_from="+3197"))
    assert [m.text for m in received] == ["Mijn BSN is [BSN]"]
    sent = [s["form"]["Body"] for s in channel.sender.sent]
    assert sent == [domain.responses["utter_privacy_notice"][0]["text"]]
    assert "123456782" not in " ".join(sent)


def test_the_options_of_the_last_answer_are_remembered(domain, greeting):
    async def answer_with_greeting(message):
        await message.output_channel.send_response(message.sender_id, dict(greeting))

    channel = twilio_channel()
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=domain)))

    async def run():
        event = Inbound("SM4", "+31612345678", "Hallo")
        await channel.process(app, event, answer_with_greeting)
        return await channel._ready(app).options.recall(channel.conversation_id(event.address))

    assert [c.payload for c in asyncio.run(run())] == [b["payload"] for b in greeting["buttons"]]


# --- time limits on outgoing calls --------------------------------------------------------------------

def test_a_slow_platform_api_is_given_up_after_the_timeout():
    async def slow(request):
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def run():
        app = web.Application()
        app.router.add_post("/send", slow)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        sender = HttpSender("test", timeout_s=0.5)
        started = time.monotonic()
        ok = await sender.post(f"http://127.0.0.1:{port}/send", json={"text": "x"})
        elapsed = time.monotonic() - started
        await sender.close()
        await runner.cleanup()
        return ok, elapsed

    ok, elapsed = asyncio.run(run())
    assert not ok and elapsed < 2


def test_two_instances_on_a_real_redis_accept_a_redelivery_once_and_it_expires(clean_env):
    from rasa.core.lock_store import RedisLockStore

    from tests.services import redis_server

    with redis_server() as port:
        # Two server instances that share Rasa's Redis lock store (its default
        # database is 1) must share message ids, also with an instance that is
        # given the same Redis as CHANNEL_REDIS_URL.
        def instance():
            agent = SimpleNamespace(lock_store=RedisLockStore(host="127.0.0.1", port=port), tracker_store=None)
            return Deduplicator(shared_store(agent), "twilio", 1)

        first, second = instance(), instance()
        third = Deduplicator(shared_store(redis_url=f"redis://127.0.0.1:{port}/1"), "twilio", 1)

        async def run():
            seen = [await first.first_time("SM1"), await second.first_time("SM1"),
                    await third.first_time("SM1"), await second.first_time("SM2")]
            await asyncio.sleep(1.2)
            return seen + [await first.first_time("SM1")]

        assert asyncio.run(run()) == [True, False, False, True, True]
