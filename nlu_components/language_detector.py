"""Detects English messages and explicit language requests (entity ``language``).

The slot ``language`` is filled from the entity ``language`` (domain.yml), and
every response has an English variation that is chosen when the slot is ``en``. This
component is stateless, so it only emits the entity when it is sure:

* ``en`` for a message that is clearly English (at least two English-only function
  words and more English than Dutch ones). Mixed or very short messages ("ok",
  "thanks", "BSN?") emit nothing, so the language of the conversation stays.
* ``en`` or ``nl`` when the user asks for a language ("English please",
  "Nederlands graag"): the intent is ``change_language`` or the message is short,
  and the language name is not negated ("ik spreek geen Engels").

Dutch is the default (the slot's initial value), so a Dutch message needs no entity:
test stories and training data of Dutch messages stay free of annotations. A person
who wrote in English goes back to Dutch by asking for it, or with the page's switch.
The component must come after the intent classifiers in the pipeline.
"""

from __future__ import annotations

import re
from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.stateless import StatelessComponent

ENTITY = "language"
EXTRACTOR = "LanguageDetector"
REQUEST_INTENT = "change_language"
# Messages up to this many words may ask for a language without the intent.
SHORT_REQUEST_WORDS = 4

# Words that are English and not (common) Dutch words. Left out on purpose because
# Dutch has them too: is, was, had, me, we, he, in, of, over, die, want, test, data,
# e-mail, informatie, hi.
ENGLISH_WORDS = frozenset(
    """
    the a an and or but if so not no yes please thank thanks hello
    what whats how when where why who which whose
    i im i'm i've ive my mine you your yours our us they their them his him she her it its
    are were been be being do does did don't dont doesn't didn't have has having
    can can't cant could should would will won't shall may might must
    this that these those there here about with from into for to on at by than then
    some any all every just also only very much many more
    got get gets received receive sent send letter letters stolen leaked happened happen
    affected personal number phone message
    results result smear cervical cancer insurance police fraud
    know need tell say speak understand mean means
    """.split()
)

# Frequent Dutch words, used only to tell a mixed message from an English one.
DUTCH_WORDS = frozenset(
    """
    de het een en of maar als dan om te tot uit over is was ben bent zijn heb hebt heeft hebben
    ik mijn mij me je jij jouw u uw we wij ons onze ze zij hun hij haar
    wat hoe waar wanneer waarom wie welke welk
    kan kun kunt kunnen moet moeten wil wilt willen mag mogen zal zullen
    niet geen er dat die dit deze van voor met op aan bij naar ook nog al wel
    graag brief brieven gegevens gestolen gehackt uitslag bedankt dank hallo goedemorgen
    """.split()
)

LANGUAGE_NAMES = {
    "english": "en",
    "engels": "en",
    "engelse": "en",
    "dutch": "nl",
    "nederlands": "nl",
    "nederlandse": "nl",
    "hollands": "nl",
}
NEGATIONS = frozenset({"geen", "niet", "not", "don't", "dont", "no", "never", "nooit", "cannot", "can't"})
NEGATION_REACH = 3

WORD = re.compile(r"[a-zà-ÿ]+(?:'[a-z]+)?")


def words_of(text: str) -> List[str]:
    """Lower-case words of a message (letters and in-word apostrophes).

    Args:
        text: The message text.

    Returns:
        The words in order.
    """
    return WORD.findall(text.lower().replace("’", "'"))


def requested_language(words: List[str]) -> Optional[str]:
    """The language the words ask for: the last language name that is not negated.

    Args:
        words: Words of the message, see :func:`words_of`.

    Returns:
        "en", "nl" or None when no language is named (or only negated).
    """
    chosen = None
    for index, word in enumerate(words):
        language = LANGUAGE_NAMES.get(word)
        if language is None:
            continue
        before = words[max(0, index - NEGATION_REACH) : index]
        if any(previous in NEGATIONS for previous in before):
            continue
        chosen = language
    return chosen


def is_english(words: List[str]) -> bool:
    """Whether the words are clearly English.

    Args:
        words: Words of the message, see :func:`words_of`.

    Returns:
        True with at least two English-only words and more English than Dutch words.
    """
    english = sum(word in ENGLISH_WORDS for word in words)
    dutch = sum(word in DUTCH_WORDS for word in words)
    return english >= 2 and english > dutch


def detect_language(text: str, intent: Optional[str] = None) -> Optional[str]:
    """The language to set for a message, or None to keep the current one.

    Args:
        text: The message text.
        intent: The predicted intent name, if known.

    Returns:
        "en", "nl" or None.
    """
    words = words_of(text)
    if not words:
        return None
    if intent == REQUEST_INTENT or len(words) <= SHORT_REQUEST_WORDS:
        requested = requested_language(words)
        if requested is not None:
            return requested
    return "en" if is_english(words) else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(StatelessComponent):
    """Adds the entity ``language`` (``en``/``nl``) when a message settles the language."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the ``language`` entity to messages whose language is clear.

        Args:
            messages: Messages after intent classification.

        Returns:
            The same messages.
        """
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            language = detect_language(text, intent)
            if language is None:
                continue
            entity = {
                "entity": ENTITY,
                "value": language,
                "start": 0,
                "end": len(text),
                "extractor": EXTRACTOR,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages
