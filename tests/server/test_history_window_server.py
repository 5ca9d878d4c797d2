"""With the trained model, a long conversation gets the same actions with and without the history window.

Loads the current model in this process with the runtime patches installed and
plays one conversation of 150 turns (FAQ questions of the blind set, flow buttons
and typed flow answers, feedback buttons, greetings, out of scope, gibberish for
the fallback) twice: with ``runtime.history_window`` (the policies read the newest
actions only) and with Rasa's own ``Policy._prediction_states`` (the whole session).
Every action, the policy that chose it, its confidence, whether the turn is hidden
from ML policies, and every response template must be the same.
"""

from __future__ import annotations

import asyncio
from typing import Any, List, Tuple

import pytest

from runtime import history_window, patches
from scripts.nlu_data import heldout_examples
from tests.server.harness import model_path

pytestmark = pytest.mark.server

TURNS = 150
EXTRA = ['/choose{"flow":"checklist"}', "2", '/choose{"flow":"situation"}', "weet ik niet", "Hallo",
         "Wat voor weer wordt het morgen?", "asdf qwer", "nee", '/feedback_positive{"feedback_topic":"which_lab"}',
         "ik ben bang", "stop", "Dank u wel"]


def _messages() -> List[str]:
    questions = [text for _, text in heldout_examples()]
    out = []
    for turn in range(TURNS):
        out.append(EXTRA[turn // 2 % len(EXTRA)] if turn % 3 == 2 else questions[turn % len(questions)])
    return out


def _play(agent: Any, sender: str, texts: List[str]) -> List[Tuple[Any, ...]]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.events import ActionExecuted, BotUttered

    async def run() -> List[Tuple[Any, ...]]:
        for text in texts:
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
        tracker = await agent.tracker_store.retrieve(sender)
        return [(type(event).__name__, event.action_name, event.policy, event.confidence, event.hide_rule_turn)
                if isinstance(event, ActionExecuted) else ("bot", (event.metadata or {}).get("utter_action"))
                for event in tracker.events if isinstance(event, ActionExecuted | BotUttered)]

    return asyncio.run(run())


@pytest.mark.patches
def test_a_long_conversation_gets_the_same_actions_with_the_window(runtime_changes):
    from rasa.core.agent import Agent
    from rasa.core.policies.policy import Policy

    windowed = Policy._prediction_states
    assert getattr(windowed, patches.MARKER, False), "runtime.history_window is not installed"
    agent = Agent.load(str(model_path()))
    texts = _messages()
    used = []
    find = history_window.window

    def counting(tracker, min_actions):
        view = find(tracker, min_actions)
        used.append(view is not None)
        return view

    history_window.window = counting
    try:
        with_window = _play(agent, "window-on", texts)
    finally:
        history_window.window = find
    Policy._prediction_states = patches.original("Policy._prediction_states")
    try:
        without = _play(agent, "window-off", texts)
    finally:
        Policy._prediction_states = windowed
    assert len(with_window) > 3 * TURNS
    assert with_window == without
    assert sum(used) > 2 * TURNS  # the window was really read, in most predictions
