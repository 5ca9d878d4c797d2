"""A seeded sample tracker store for trying and testing the report.

Usage::

    python -m report.sample FILE.db [--seed N] [--conversations N] [--days N] [--start YYYY-MM-DD]

Plans a few hundred conversations over some days on the five channels (rest,
socketio, twilio, telegram, facebook) and writes them with real Rasa events
through the project's redacting SQL tracker store, so the table and the event
JSON are exactly what a running assistant stores (and typed personal data is
redacted on the way in). The same seed gives the same database. The plan
(``Plan``) records what each message was meant to be, so tests can compute
the expected numbers from it without the report's own code.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.tracker_stores import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parent.parent
ZONE = "Europe/Amsterdam"
START = dt.date(2026, 11, 2)
DAYS = 7
CONVERSATIONS = 300
SEED = 2025
CHANNELS = ("rest", "socketio", "twilio", "telegram", "facebook")
CHANNEL_WEIGHTS = (2, 5, 2, 1, 1)
# Channels whose sender id belongs to a person (phone number, account), so they come back.
RETURNING_CHANNELS = ("twilio", "telegram", "facebook")

# Messages the assistant does not understand: (language, text, weight). Some hold
# personal data, which the redacting store replaces before saving.
UNANSWERED = (
    ("nl", "Kan ik een schadevergoeding krijgen?", 6),
    ("nl", "Hoe lang duurt het onderzoek nog?", 4),
    ("nl", "Mijn telefoonnummer is 0612345678, bel me terug", 3),
    ("nl", "Is mijn huisarts ook gehackt?", 2),
    ("nl", "mail me op jan.jansen@example.nl", 2),
    ("nl", "asdfgh", 1),
    ("en", "Can I sue the lab?", 3),
    ("en", "My email is jane@example.com, please reply", 2),
    ("en", "What about my insurance?", 1),
)
FEEDBACK_REASONS = ("unclear", "not_my_question", "outdated", "other")
# Each form: the flow that starts it, its questions (slot, ask response, answers)
# and its closing action with the advice it sends.
FORMS: Dict[str, Dict[str, Any]] = {
    "situation_form": {
        "flow": "situation",
        "slots": [("situation", "utter_ask_situation", ("message", "phone_call", "letter", "bsn"))],
        "intro": None, "closing": "action_share_guidance", "advice": "utter_situation_message",
    },
    "affected_form": {
        "flow": "affected_check",
        "slots": [("took_part", "utter_ask_took_part", ("yes", "unknown")),
                  ("since_2017", "utter_ask_since_2017", ("yes", "no", "unknown")),
                  ("got_letter", "utter_ask_got_letter", ("yes", "no"))],
        "intro": "utter_affected_intro", "closing": "action_share_affected_result",
        "advice": "utter_affected_letter",
    },
    "checklist_form": {
        "flow": "checklist",
        "slots": [("data_kind", "utter_ask_data_kind", ("bsn", "address", "test_result", "contact"))],
        "intro": None, "closing": "action_share_checklist", "advice": "utter_checklist_bsn",
    },
}
THANKS_STEPS = (("action", "utter_feedback_thanks"), ("bot", "utter_feedback_thanks"))
FLOW_SLOTS = ("flow", "flow_exit", "situation", "data_kind", "took_part", "since_2017", "got_letter")


@dataclass
class PlannedMessage:
    """What one user message was meant to be.

    Attributes:
        at: When it was sent (seconds since the epoch).
        channel: Its input channel.
        language: The ``language`` slot when it was sent.
        intent: Its intent.
        text: The text as typed (the store saves it redacted).
        topic: The FAQ topic answered in its turn.
        fallback: Whether the assistant did not understand it.
        delay: Seconds until the first bot message; None without a reply.
        feedback: For feedback: (kind, topic, reason) with kind positive, negative or reason.
    """

    at: float
    channel: str
    language: str
    intent: str
    text: str
    topic: Optional[str] = None
    fallback: bool = False
    delay: Optional[float] = None
    feedback: Optional[Tuple[str, str, Optional[str]]] = None


@dataclass
class PlannedForm:
    """One planned form run: which form, when it started, how it ended.

    Attributes:
        form: The form's name.
        started: When it was activated.
        outcome: completed, stopped or abandoned.
        reason: For stopped runs: stop, question or switch.
    """

    form: str
    started: float
    outcome: str
    reason: Optional[str] = None


@dataclass
class PlannedConversation:
    """One planned session and the Rasa events that make it.

    Attributes:
        sender: The sender id (stored, never reported).
        channel: Its channel.
        start: When the session started.
        messages: Its user messages.
        forms: Its form runs.
        language: The ``language`` slot at its end.
        events: The Rasa events, in order.
    """

    sender: str
    channel: str
    start: float
    messages: List[PlannedMessage] = field(default_factory=list)
    forms: List[PlannedForm] = field(default_factory=list)
    language: str = "nl"
    events: List[Event] = field(default_factory=list)


@dataclass
class Plan:
    """The whole sample: its settings and its conversations in time order.

    Attributes:
        seed: The random seed.
        start: First day.
        days: Number of days.
        zone: Time zone of the days.
        conversations: The conversations.
    """

    seed: int
    start: dt.date
    days: int
    zone: str
    conversations: List[PlannedConversation]


def _topics() -> List[Tuple[str, str, str]]:
    catalogue = yaml.safe_load((ROOT / "actions" / "data" / "topics.yml").read_text(encoding="utf-8"))
    return [(key, entry["question"], entry.get("question_en") or entry["question"])
            for key, entry in catalogue["topics"].items()]


class _Writer:
    """Writes the events of one conversation, turn by turn, and records the plan."""

    def __init__(self, rng: random.Random, conversation: PlannedConversation, responses: Dict[str, Any],
                 topics: List[Tuple[str, str, str]]) -> None:
        self.rng, self.conversation, self.responses, self.topics = rng, conversation, responses, topics
        self.now = conversation.start
        self.language = conversation.language
        self.last_topic: Optional[str] = None
        self.gaps: List[float] = []  # fixed pauses before the next user messages, else random

    # --- low level ------------------------------------------------------
    def add(self, event: Event) -> None:
        self.conversation.events.append(event)

    def bot(self, response: str, at: float) -> None:
        text = ((self.responses.get(response) or [{}])[0]).get("text") or response
        self.add(BotUttered(text, {}, {"utter_action": response}, timestamp=at))

    def delay(self) -> float:
        slow = self.rng.random() < 0.08
        return round(self.rng.uniform(3.0, 15.0) if slow else self.rng.uniform(0.2, 2.5), 3)

    def turn(self, text: str, intent: str, steps: Sequence[Tuple[str, ...]],
             entities: Optional[Dict[str, str]] = None, selector_topic: Optional[str] = None,
             **plan: Any) -> PlannedMessage:
        """Writes one user message and the assistant's steps, returns the planned message.

        Steps: ("action", name), ("bot", response), ("slot", name, value), ("loop", name or ""),
        ("revert",). The first bot message comes ``delay`` seconds after the user message.
        """
        self.now += self.gaps.pop(0) if self.gaps else round(self.rng.uniform(5, 90), 3)
        at, language = self.now, self.language
        found = [{"entity": name, "value": value, "start": 0, "end": 0, "confidence_entity": 1.0}
                 for name, value in (entities or {}).items()]
        parse: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.93},
                                 "entities": found}
        if selector_topic:
            parse["response_selector"] = {"all_retrieval_intents": ["faq"], "faq": {
                "response": {"id": 1, "responses": [], "confidence": 0.9,
                             "intent_response_key": f"faq/{selector_topic}",
                             "utter_action": f"utter_faq/{selector_topic}"},
                "ranking": []}}
        self.add(UserUttered(text, parse["intent"], parse["entities"], parse, timestamp=at,
                             input_channel=self.conversation.channel,
                             message_id=f"{self.rng.getrandbits(64):016x}"))
        replies = any(step[0] == "bot" for step in steps)
        delay = self.delay() if replies else None
        moment = at + (delay or 0.3) / 2
        for step in steps:
            if step[0] == "bot" and moment < at + (delay or 0):
                moment = at + (delay or 0)
            self._step(step, moment)
            moment += 0.001
        self.add(ActionExecuted("action_listen", timestamp=moment))
        self.now = moment
        message = PlannedMessage(at=at, channel=self.conversation.channel, language=language, intent=intent,
                                 text=text, delay=delay, **plan)
        self.conversation.messages.append(message)
        return message

    def _step(self, step: Tuple[str, ...], at: float) -> None:
        kind = step[0]
        if kind == "action":
            self.add(ActionExecuted(step[1], policy="RulePolicy", confidence=1.0, timestamp=at))
        elif kind == "bot":
            self.bot(step[1], at)
        elif kind == "slot":
            self.add(SlotSet(step[1], step[2], timestamp=at))
            if step[1] == "language":
                self.language = step[2]
                self.conversation.language = step[2]
        elif kind == "loop":
            self.add(ActiveLoop(step[1] or None, timestamp=at))
        elif kind == "revert":
            self.add(UserUtteranceReverted(timestamp=at))

    def en(self, dutch: str, english: str) -> str:
        return english if self.language == "en" else dutch

    # --- turns ----------------------------------------------------------
    def session_start(self, carried_language: Optional[str]) -> None:
        at = self.now
        self.add(ActionExecuted("action_session_start", timestamp=at))
        self.add(SessionStarted(timestamp=at))
        if carried_language:
            self.add(SlotSet("language", carried_language, timestamp=at))
        self.add(ActionExecuted("action_listen", timestamp=at))

    def simple(self, dutch: str, english: str, intent: str, response: str) -> None:
        self.turn(self.en(dutch, english), intent, [("action", response), ("bot", response)])

    def change_language(self, language: str) -> None:
        text = "English please" if language == "en" else "Nederlands graag"
        self.turn(text, "change_language", [("slot", "language", language), ("action", "utter_greet"),
                                            ("bot", "utter_greet")], entities={"language": language})

    def faq(self) -> str:
        weights = [1 / (rank + 1) for rank in range(len(self.topics))]
        key, dutch, english = self.rng.choices(self.topics, weights)[0]
        self.turn(self.en(dutch, english), "faq", [("action", "utter_faq"), ("bot", f"utter_faq/{key}")],
                  selector_topic=key, topic=key)
        self.last_topic = key
        return key

    def feedback(self, topic: str) -> None:
        if self.rng.random() < 0.6:
            with_entity = self.rng.random() < 0.85
            text = f'/feedback_positive{{"feedback_topic":"{topic}"}}' if with_entity else "\U0001f44d"
            self.turn(text, "feedback_positive", THANKS_STEPS,
                      entities={"feedback_topic": topic} if with_entity else None,
                      feedback=("positive", topic, None))
            return
        self.turn(f'/feedback_negative{{"feedback_topic":"{topic}"}}', "feedback_negative",
                  [("action", "utter_feedback_ask_reason"), ("bot", "utter_feedback_ask_reason")],
                  entities={"feedback_topic": topic}, feedback=("negative", topic, None))
        if self.rng.random() < 0.6:
            reason = self.rng.choice(FEEDBACK_REASONS)
            self.turn(f'/feedback_reason{{"feedback_reason":"{reason}","feedback_topic":"{topic}"}}',
                      "feedback_reason", THANKS_STEPS,
                      entities={"feedback_reason": reason, "feedback_topic": topic},
                      feedback=("reason", topic, reason))

    def fallback(self) -> None:
        pool = [(text, weight) for language, text, weight in UNANSWERED if language == self.language]
        text = self.rng.choices([t for t, _ in pool], [w for _, w in pool])[0]
        if self.rng.random() < 0.2:  # understood as something, but no rule fits: the core fallback
            self.turn(text, "thanks", [("action", "action_default_fallback"), ("bot", "utter_default"),
                                       ("revert",)], fallback=True)
            return
        stage = "contact" if self.rng.random() < 0.3 else "suggest"
        self.turn(text, "nlu_fallback",
                  [("action", "action_handle_fallback"), ("slot", "fallback_stage", stage),
                   ("action", f"utter_fallback_{stage}"), ("bot", f"utter_fallback_{stage}")], fallback=True)

    def human(self) -> None:
        self.simple("Ik wil met een medewerker praten.", "I want to talk to a person.", "request_human",
                    "utter_human")

    def other(self) -> None:
        choice = self.rng.choice([
            ("Is dit een robot?", "Is this a bot?", "bot_challenge", "utter_iamabot"),
            ("Ik heb pijn in mijn buik", "My stomach hurts", "medical_question", "utter_medical"),
            ("Wat is het weer morgen?", "What is the weather like tomorrow?", "out_of_scope",
             "utter_out_of_scope"),
        ])
        self.simple(*choice)

    def thanks(self) -> None:
        if self.rng.random() < 0.1:  # no reply in its turn
            self.turn(self.en("Dank je", "Thanks"), "thanks", [])
        else:
            self.simple("Dank je", "Thanks", "thanks", "utter_thanks")

    # --- forms ----------------------------------------------------------
    def _start_steps(self, form: str) -> List[Tuple[str, ...]]:
        spec = FORMS[form]
        steps: List[Tuple[str, ...]] = [("slot", "flow", spec["flow"])]
        if spec["intro"]:
            steps += [("action", spec["intro"]), ("bot", spec["intro"])]
        slot, ask, _ = spec["slots"][0]
        return steps + [("action", form), ("loop", form), ("slot", "requested_slot", slot), ("bot", ask)]

    def _close_steps(self, form: str, exit_reason: Optional[str]) -> List[Tuple[str, ...]]:
        spec = FORMS[form]
        steps: List[Tuple[str, ...]] = [("loop", ""), ("slot", "requested_slot", None),
                                        ("action", spec["closing"])]
        if exit_reason is None:
            steps += [("bot", spec["advice"]), ("bot", "utter_guidance_links")]
        elif exit_reason == "stop":
            steps += [("bot", "utter_flow_stopped")]
        keep = {"flow"} if exit_reason == "switch" else set()
        return steps + [("slot", slot, None) for slot in FLOW_SLOTS if slot not in keep]

    def form_run(self, form: Optional[str] = None, may_switch: bool = True) -> bool:
        """Runs a form with a random outcome; returns False when the conversation ends in it."""
        form = form or self.rng.choice(list(FORMS))
        spec = FORMS[form]
        roll = self.rng.random()
        outcome = "completed" if roll < 0.55 else "stopped" if roll < 0.82 else "abandoned"
        reason = None
        if outcome == "stopped":
            reason = self.rng.choice(("stop", "question", "switch") if may_switch else ("stop", "question"))
        slots = spec["slots"]
        answers = len(slots) if outcome == "completed" else self.rng.randint(0, len(slots) - 1)
        if may_switch:  # the start, by a button; after a switch the previous turn started it
            self.turn(f'/choose{{"flow":"{spec["flow"]}"}}', "choose", self._start_steps(form),
                      entities={"flow": spec["flow"]})
        run = PlannedForm(form, self._loop_time(form), outcome, reason)
        self.conversation.forms.append(run)
        for index in range(answers):
            slot, _, options = slots[index]
            value = self.rng.choice(options)
            steps: List[Tuple[str, ...]] = [("action", form), ("slot", slot, value)]
            if index + 1 < len(slots):
                steps += [("slot", "requested_slot", slots[index + 1][0]), ("bot", slots[index + 1][1])]
            else:
                steps += self._close_steps(form, None)
            entity = "answer" if form == "affected_form" else slot
            self.turn(f'/choose{{"{entity}":"{value}"}}', "choose", steps, entities={entity: value})
        if outcome == "abandoned":
            return False
        if outcome == "stopped":
            self._stop(form, reason or "stop")
        return True

    def _loop_time(self, form: str) -> float:
        for event in reversed(self.conversation.events):
            if isinstance(event, ActiveLoop) and event.name == form:
                return event.timestamp
        raise AssertionError(f"{form} was not started")

    def _stop(self, form: str, reason: str) -> None:
        exit_steps: List[Tuple[str, ...]] = [("action", form), ("slot", "flow_exit", reason)]
        if reason == "stop":
            self.turn(self.en("stop", "stop"), "choose", exit_steps + self._close_steps(form, "stop"))
        elif reason == "question":
            weights = [1 / (rank + 1) for rank in range(len(self.topics))]
            key, dutch, english = self.rng.choices(self.topics, weights)[0]
            self.turn(self.en(dutch, english), "faq",
                      exit_steps + self._close_steps(form, "question")
                      + [("bot", "utter_flow_left"), ("bot", f"utter_faq/{key}")],
                      selector_topic=key, topic=key)
            self.last_topic = key
        else:
            other = self.rng.choice([name for name in FORMS if name != form])
            flow = FORMS[other]["flow"]
            self.turn(f'/choose{{"flow":"{flow}"}}', "choose",
                      [("slot", "flow", flow)] + exit_steps + self._close_steps(form, "switch")
                      + self._start_steps(other)[1:], entities={"flow": flow})
            self.form_run(other, may_switch=False)


def _write_conversation(writer: _Writer, carried_language: Optional[str], across_midnight: bool) -> None:
    rng = writer.rng
    writer.session_start(carried_language)
    if across_midnight:  # starts 30 s before midnight: a greeting before it, a question after it
        writer.gaps = [10.0, 30.0]
        writer.simple("Hallo", "Hello", "greet", "utter_greet")
        writer.faq()
    elif rng.random() < 0.4:
        writer.simple("Hallo", "Hello", "greet", "utter_greet")
    if writer.language == "nl" and rng.random() < 0.18:
        writer.change_language("en")
    elif writer.language == "en" and rng.random() < 0.3:
        writer.change_language("nl")
    for _ in range(rng.randint(1, 4)):
        kind = rng.choices(("faq", "fallback", "human", "form", "other"), (50, 16, 6, 12, 6))[0]
        if kind == "faq":
            topic = writer.faq()
            if rng.random() < 0.35:
                writer.feedback(topic)
        elif kind == "fallback":
            writer.fallback()
        elif kind == "human":
            writer.human()
        elif kind == "other":
            writer.other()
        elif not writer.form_run():
            return
    if rng.random() < 0.4:
        writer.thanks()


def _start_times(rng: random.Random, start: dt.date, days: int, count: int,
                 zone: str) -> List[Tuple[float, bool]]:
    """Start times in order, each with whether it is the one conversation that runs past midnight."""
    tz = ZoneInfo(zone)
    times = []
    for index in range(count):
        day = start + dt.timedelta(days=rng.randrange(days))
        moment = dt.time(rng.randint(7, 23), rng.randrange(60), rng.randrange(60))
        if index == 0:
            day, moment = start + dt.timedelta(days=min(2, days - 1)), dt.time(23, 59, 30)
        times.append((dt.datetime.combine(day, moment, tz).timestamp(), index == 0))
    return sorted(times)


def plan_sample(seed: int = SEED, start: dt.date = START, days: int = DAYS,
                conversations: int = CONVERSATIONS, zone: str = ZONE,
                responses: Optional[Dict[str, Any]] = None) -> Plan:
    """Plans the sample conversations and their events.

    Args:
        seed: Random seed; the same seed gives the same plan.
        start: First day.
        days: Number of days.
        conversations: Number of conversations (sessions).
        zone: Time zone of the days.
        responses: The domain's responses (for the bot texts); names only when None.

    Returns:
        The plan.
    """
    rng = random.Random(seed)
    topics = _topics()
    planned: List[PlannedConversation] = []
    last_of_sender: Dict[str, PlannedConversation] = {}
    for at, across_midnight in _start_times(rng, start, days, conversations, zone):
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        earlier = [conv for conv in last_of_sender.values()
                   if conv.channel == channel and at - conv.events[-1].timestamp > 2 * 3600]
        previous = earlier[rng.randrange(len(earlier))] if channel in RETURNING_CHANNELS and earlier \
            and rng.random() < 0.3 else None
        sender = previous.sender if previous else f"{rng.getrandbits(96):024x}"
        language = previous.language if previous else "nl"
        conversation = PlannedConversation(sender=sender, channel=channel, start=at, language=language)
        writer = _Writer(rng, conversation, responses or {}, topics)
        _write_conversation(writer, language if previous else None, across_midnight)
        last_of_sender[sender] = conversation
        planned.append(conversation)
    return Plan(seed, start, days, zone, planned)


async def _save_all(store: RedactingSQLTrackerStore, domain: Domain, plan: Plan) -> None:
    by_sender: Dict[str, List[Event]] = {}
    for conversation in plan.conversations:
        by_sender.setdefault(conversation.sender, []).extend(conversation.events)
    for sender, events in by_sender.items():
        await store.save(DialogueStateTracker.from_events(sender, events, domain.slots))


def write_sample(path: Path, seed: int = SEED, start: dt.date = START, days: int = DAYS,
                 conversations: int = CONVERSATIONS) -> Plan:
    """Writes a fresh sample database (an existing file is replaced).

    Args:
        path: The SQLite file.
        seed: Random seed.
        start: First day.
        days: Number of days.
        conversations: Number of conversations.

    Returns:
        The plan that was written.
    """
    domain = Domain.load([str(ROOT / "domain.yml"), str(ROOT / "data" / "responses")])
    plan = plan_sample(seed, start, days, conversations, responses=domain.responses)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(path))
    try:
        asyncio.run(_save_all(store, domain, plan))
    finally:
        store.engine.dispose()
    return plan


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="SQLite file to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--conversations", type=int, default=CONVERSATIONS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=START, help="first day, YYYY-MM-DD")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Writes the sample database and says which period it covers."""
    args = parse_args(argv)
    plan = write_sample(args.path, args.seed, args.start, args.days, args.conversations)
    last = args.start + dt.timedelta(days=args.days - 1)
    print(json.dumps({"file": str(args.path), "conversations": len(plan.conversations),
                      "from": args.start.isoformat(), "to": last.isoformat()}))
    print(f"make report DB=sqlite:///{args.path} FROM={args.start} TO={last}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
