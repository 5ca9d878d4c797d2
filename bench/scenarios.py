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

ROOT = Path(__file__).resolve().parent.parent
FAQ_BUTTONS = ROOT / "data" / "nlu" / "faq_buttons.yml"
MESSAGES_PER_CONVERSATION = 10

GREETINGS = ("Hallo", "Goedemiddag", "Hoi", "Goedendag")
OUT_OF_SCOPE = (
    "Wat voor weer wordt het morgen in Utrecht?",
    "Kun je een pizza voor me bestellen?",
    "Wie wint het WK voetbal?",
)
GOODBYES = ("Dank u wel, dag!", "Bedankt, doei", "Oke, tot ziens")
CHECKLIST_BUTTON = '/choose{"flow":"checklist"}'
CHECKLIST_TYPED_ANSWER = "2"

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
    """

    sender_id: str
    messages: List[str] = field(default_factory=list)
    think_time_s: float = 0.0


def load_faq_questions(path: Path = FAQ_BUTTONS) -> List[str]:
    """Returns the canonical FAQ questions (the texts the FAQ buttons send, ``faq/`` intents only)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions: List[str] = []
    for block in data["nlu"]:
        if not str(block.get("intent", "")).startswith("faq/"):
            continue
        questions.extend(line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- "))
    return questions


def add_typo(text: str, rng: random.Random) -> str:
    """Returns ``text`` with one typo: two neighbouring letters of a word of 4+ letters swapped.

    Args:
        text: The message.
        rng: The random source.

    Returns:
        The changed text (or ``text`` itself if it has no word long enough).
    """
    words = text.split(" ")
    candidates = [index for index, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word = words[index]
    pos = rng.randrange(1, len(word) - 2)
    words[index] = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    return " ".join(words)


def new_sender_id(assistant: str, user: int) -> str:
    """Returns a fresh, unique sender id for simulated user ``user``."""
    return f"bench-{assistant}-u{user}-{uuid.uuid4().hex[:12]}"


def ours_conversation(
    rng: random.Random, user: int, faq_questions: Sequence[str], think_time_s: float = 0.0
) -> Conversation:
    """Builds one realistic conversation with this assistant.

    Greeting, five FAQ questions (two with a typo), the checklist flow started by
    its button and answered by typing "2", one out-of-scope question, goodbye.

    Args:
        rng: The random source (seeded for repeatable runs).
        user: The simulated user's number.
        faq_questions: The canonical FAQ questions to pick from.
        think_time_s: Pause after each answer.

    Returns:
        A conversation of ``MESSAGES_PER_CONVERSATION`` messages.
    """
    faq = rng.sample(list(faq_questions), 5)
    messages = [
        rng.choice(GREETINGS),
        faq[0],
        add_typo(faq[1], rng),
        faq[2],
        CHECKLIST_BUTTON,
        CHECKLIST_TYPED_ANSWER,
        add_typo(faq[3], rng),
        rng.choice(OUT_OF_SCOPE),
        faq[4],
        rng.choice(GOODBYES),
    ]
    return Conversation(new_sender_id("ours", user), messages, think_time_s)


def stock_conversation(rng: random.Random, user: int, think_time_s: float = 0.0) -> Conversation:
    """Builds one conversation that fits the stock ``rasa init`` assistant (greet, moods, bot, bye).

    Args:
        rng: The random source.
        user: The simulated user's number.
        think_time_s: Pause after each answer.

    Returns:
        A conversation of ``MESSAGES_PER_CONVERSATION`` messages.
    """
    messages = [rng.choice(options) for options in STOCK_MESSAGES]
    return Conversation(new_sender_id("stock", user), messages, think_time_s)
