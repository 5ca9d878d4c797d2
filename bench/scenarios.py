"""Conversations the simulated users play: this assistant's and the stock assistant's.

Each conversation has the same number of messages (``MESSAGES_PER_CONVERSATION``)
for both assistants, so their latencies and throughputs compare message for message.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Sequence

import yaml

from bench.workload import Perturber

ROOT = Path(__file__).resolve().parent.parent
FAQ_BUTTONS = ROOT / "data" / "nlu" / "faq_buttons.yml"
MESSAGES_PER_CONVERSATION = 10

STOCK_MESSAGES = (
    ("hello", "hi", "hey there", "good morning"),
    ("I am sad", "very sad", "I am feeling unhappy", "not good"),
    ("no", "nope", "not really", "no way"),
    ("are you a bot?", "am I talking to a human?", "are you a human?"),
    ("I am great", "amazing", "feeling good", "perfect"),
    ("hi", "hello", "hey"),
    ("sad", "I am unhappy", "so sad"),
    ("yes", "indeed", "of course", "that sounds good"),
    ("are you a bot?", "are you a robot?"),
    ("bye", "goodbye", "see you later", "have a nice day"),
)


@dataclass
class Conversation:
    """One simulated user's conversation: its own sender id and the messages it sends in order.

    Attributes:
        sender_id: Unique for this conversation, so no two users share a tracker.
        messages: The texts, sent one at a time; the next only after the answer came.
        think_time_s: Pause after each answer before the next message.
        kinds: Per message, "typed" or "click" (a button's canonical text).
    """

    sender_id: str
    messages: List[str] = field(default_factory=list)
    think_time_s: float = 0.0
    kinds: List[str] = field(default_factory=list)


def load_faq_questions(path: Path = FAQ_BUTTONS) -> List[str]:
    """Returns the canonical FAQ questions (the texts the FAQ buttons send, ``faq/`` intents only)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions: List[str] = []
    for block in data["nlu"]:
        if not str(block.get("intent", "")).startswith("faq/"):
            continue
        questions.extend(line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- "))
    return questions


def new_sender_id(assistant: str, user: int) -> str:
    """Returns a fresh, unique sender id for simulated user ``user``."""
    return f"bench-{assistant}-u{user}-{uuid.uuid4().hex[:12]}"


# Button clicks per conversation: the page and the messaging channels offer the main
# topics as buttons, so some messages are the buttons' canonical texts (which repeat,
# and which the parse cache may answer). Two in ten is an assumption, not a measurement
# (no real traffic exists); the result file also gives the typed messages alone.
CLICKS_PER_CONVERSATION = 2
CLICK_POSITIONS = (1, 5)
TYPED, CLICK = "typed", "click"


def ours_conversation(
    rng: random.Random, user: int, faq_questions: Sequence[str], pool: Sequence[str],
    perturber: Perturber, think_time_s: float = 0.0,
) -> Conversation:
    """Builds one conversation with this assistant that no cache can flatter.

    Eight typed messages drawn from ``pool`` (what people wrote, held-out and
    development sets), each changed a little and never repeated in the run, and
    two clicks on a topic button (canonical texts) at fixed places.

    Args:
        rng: The random source (seeded for repeatable runs).
        user: The simulated user's number.
        faq_questions: The buttons' canonical FAQ questions.
        pool: Realistic messages to draw the typed ones from.
        perturber: Changes each typed message and keeps them unique.
        think_time_s: Pause after each answer.

    Returns:
        A conversation of ``MESSAGES_PER_CONVERSATION`` messages.
    """
    messages: List[str] = []
    kinds: List[str] = []
    for position in range(MESSAGES_PER_CONVERSATION):
        if position in CLICK_POSITIONS:
            messages.append(rng.choice(list(faq_questions)))
            kinds.append(CLICK)
        else:
            messages.append(perturber.perturb(rng.choice(list(pool))))
            kinds.append(TYPED)
    return Conversation(new_sender_id("ours", user), messages, think_time_s, kinds)


def stock_conversation(rng: random.Random, user: int, perturber: Perturber,
                       think_time_s: float = 0.0) -> Conversation:
    """Builds one conversation that fits the stock ``rasa init`` assistant (greet, moods, bot, bye).

    Every message is changed a little as for this assistant (English fillers), so
    that the stock assistant, too, sees messages that do not repeat.

    Args:
        rng: The random source.
        user: The simulated user's number.
        perturber: Changes each message and keeps them unique.
        think_time_s: Pause after each answer.

    Returns:
        A conversation of ``MESSAGES_PER_CONVERSATION`` messages.
    """
    messages = [perturber.perturb(rng.choice(options)) for options in STOCK_MESSAGES]
    return Conversation(new_sender_id("stock", user), messages, think_time_s, [TYPED] * len(messages))
