"""What the Twilio, Telegram and Facebook channels share: settings, acknowledging, dedupe, replies.

A webhook is handled in this order: the platform's authenticity check (403
on failure, nothing else happens), 503 while the model is still loading
(the platform retries), parsing, claiming each message id
(``Deduplicator``), then the answer to the platform (HTTP 200) while each new
message is processed in a background task: an offered option typed as a
number or title becomes its payload, ``MessageGuard`` checks and redacts the
text, Rasa answers, and the replies go to the platform's API
(``HttpSender``, with timeouts). Conversation ids are pseudonyms of the
phone number or platform id (``signatures.pseudonym``); the real address
stays in memory for the replies only.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.shared.core.domain import Domain
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import config, live_agent, transport
from channels.dedupe import Deduplicator
from channels.guard import MessageGuard, OnNewMessage
from channels.kv import KeyValueStore, shared_store
from channels.numbered import Choice, OfferedOptions, map_reply, render_numbered, split_buttons
from channels.outbound import HttpSender
from channels.signatures import pseudonym
from channels.split import split_text
from channels.startup import start as start_server

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbound:
    """One message from a webhook, before any check of its text.

    Attributes:
        message_id: The platform's id (Twilio ``MessageSid``, Telegram
            ``update_id``, Facebook ``mid``), used for dedupe.
        address: Where replies go (phone number, chat id, page-scoped id).
        text: The text as received; None for a message without text.
        trusted: Commands this message may send although no button in the
            domain has them (Telegram's ``/start`` becomes ``/greet``).
        reply_from: The platform's own address to send from (Twilio ``To``).
    """

    message_id: Optional[str]
    address: str
    text: object
    trusted: FrozenSet[str] = frozenset()
    reply_from: Optional[str] = None


class PlatformOutput(OutputChannel):
    """Replies of one message, sent to the platform's API; remembers the options it offered.

    Subclasses set ``limit`` and ``paragraph_bubbles`` and implement ``deliver``.

    Args:
        sender: The HTTP sender of the channel.
        event: The message being answered (for the reply address).
    """

    limit = 1600
    # Send each paragraph (blank line) as its own message, as chat apps show bubbles.
    paragraph_bubbles = True

    def __init__(self, sender: HttpSender, event: Inbound) -> None:
        self.sender = sender
        self.event = event
        self.offered: List[Choice] = []

    async def deliver(self, text: str, choices: Sequence[Choice]) -> None:
        """Sends one message of at most ``limit`` characters, with the options if the platform shows them."""
        raise NotImplementedError

    def render(self, text: str, choices: Sequence[Choice], links: Sequence[Tuple[str, str]]) -> str:
        """The text as sent: options as a numbered list, links as plain URLs."""
        return render_numbered(text, choices, links)

    async def send_parts(self, text: str, choices: Sequence[Choice] = ()) -> None:
        """Splits a text to the platform's limit and sends it; the options go with the last part."""
        chunks = text.split("\n\n") if self.paragraph_bubbles else [text]
        parts = [part for chunk in chunks for part in split_text(chunk, self.limit)]
        for index, part in enumerate(parts):
            await self.deliver(part, choices if index == len(parts) - 1 else ())

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Sends a text."""
        await self.send_parts(text)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Sends a text with its options (numbered) and links (plain URLs); remembers the options."""
        choices, links = split_buttons(buttons)
        if choices:
            self.offered = list(choices)
        await self.send_parts(self.render(text, choices, links), choices)

    async def send_quick_replies(self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]],
                                 **kwargs: Any) -> None:
        """Quick replies are buttons too."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Sends the image's URL as text."""
        await self.send_parts(str(image))

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """Sends a text attachment (a URL) as text; other attachments are skipped."""
        if isinstance(attachment, str):
            await self.send_parts(attachment)

    async def send_elements(self, recipient_id: str, elements: Any, **kwargs: Any) -> None:
        """Carousels are not used by this assistant: skipped."""
        logger.debug("elements are not sent on this channel")

    async def send_custom_json(self, recipient_id: str, json_message: Any, **kwargs: Any) -> None:
        """Custom payloads are not used by this assistant: skipped."""
        logger.debug("custom payloads are not sent on this channel")


def _agent_domain(app: Any) -> Optional[Domain]:
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "domain", None)


@dataclass
class _State:
    """Stores created on the first webhook, when the agent (and its lock store) is known."""

    dedupe: Deduplicator
    options: OfferedOptions
    tasks: Set[asyncio.Task] = field(default_factory=set)


class MessagingInput(InputChannel):
    """Base of the messaging channels; off when none of ``required`` is set.

    Args:
        settings: The required variables by name; None when the channel is off.
        store: Key-value store for message ids and options; chosen on first
            use when None (see ``kv.shared_store``).
    """

    required: Tuple[str, ...] = ()
    secret_setting = ""

    def __init__(self, settings: Optional[Dict[str, str]], store: Optional[KeyValueStore] = None) -> None:
        self.settings = settings
        self._store = store
        self._state: Optional[_State] = None
        self.sender: Optional[HttpSender] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> MessagingInput:
        """Reads the settings from environment variables (credentials.yml holds none).

        Raises:
            ValueError: Only some of the required variables are set.
        """
        return cls(config.required_settings(cls.name(), cls.required))

    @property
    def enabled(self) -> bool:
        """Whether all required variables are set."""
        return self.settings is not None

    def add_routes(self, blueprint: Blueprint, on_new_message: OnNewMessage) -> None:
        """Adds the webhook routes of an enabled channel."""
        raise NotImplementedError

    def make_output(self, event: Inbound) -> PlatformOutput:
        """Returns the output channel that answers one message."""
        raise NotImplementedError

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The webhook routes; a channel that is off answers 404 on its webhook.

        Also runs the server's start-up steps (``channels.startup``).

        Args:
            on_new_message: Rasa's handler for a user message.

        Returns:
            The Sanic blueprint (mounted at ``/webhooks/<name>/``).
        """
        start_server()
        blueprint = Blueprint(f"channel_{self.name()}", __name__)
        transport.harden(blueprint)
        if not self.enabled:
            logger.info("channel %s off (set %s to turn it on)", self.name(), ", ".join(self.required))

            @blueprint.route("/webhook", methods=["GET", "POST"])
            async def off(_: Request) -> HTTPResponse:
                return response.text("channel off", status=404)

            return blueprint
        logger.info("channel %s on", self.name())
        self.add_routes(blueprint, on_new_message)
        live_agent.register_delivery(self.name(), self.deliver_agent_messages)

        @blueprint.listener("before_server_stop")
        async def close_sender(*_: Any) -> None:
            if self.sender is not None:
                await self.sender.close()

        return blueprint

    async def deliver_agent_messages(self, handover: Any, messages: List[Dict[str, Any]]) -> None:
        """Sends a person's messages during a handover (``live_agent``) to the user's platform address."""
        if not handover.address:
            logger.warning("channel %s: handover without an address; message not delivered", self.name())
            return
        output = self.make_output(Inbound(None, handover.address, None, reply_from=handover.reply_from))
        for message in messages:
            await output.send_response(handover.sender, message)

    def _ready(self, app: Any) -> _State:
        if self._state is None:
            store = self._store or shared_store(getattr(app.ctx, "agent", None))
            self._state = _State(Deduplicator(store, self.name(), config.dedupe_ttl_s()),
                                 OfferedOptions(store, config.options_ttl_s()))
        return self._state

    @staticmethod
    def agent_ready(request: Request) -> bool:
        """Whether the model is loaded; before that a webhook gets 503 and the platform retries."""
        agent = getattr(request.app.ctx, "agent", None)
        return agent is not None and agent.is_ready()

    def conversation_id(self, address: str) -> str:
        """The pseudonymous conversation id of a platform address."""
        assert self.settings is not None
        return pseudonym(self.settings[self.secret_setting], self.name(), address)

    async def accept(self, request: Request, events: Sequence[Inbound], on_new_message: OnNewMessage) -> int:
        """Claims each message id and starts processing the new messages in the background.

        Args:
            request: The webhook request (for the app and agent).
            events: The messages of the webhook, in order.
            on_new_message: Rasa's handler.

        Returns:
            How many messages were new.
        """
        state = self._ready(request.app)
        new = 0
        for event in events:
            if not await state.dedupe.first_time(event.message_id):
                logger.debug("channel %s: re-delivered message ignored", self.name())
                continue
            new += 1
            task = asyncio.create_task(self.process(request.app, event, on_new_message))
            state.tasks.add(task)
            task.add_done_callback(state.tasks.discard)
        return new

    async def process(self, app: Any, event: Inbound, on_new_message: OnNewMessage) -> None:
        """Maps an option reply, checks the text with ``MessageGuard``, lets Rasa answer, remembers options.

        Args:
            app: The Sanic app (for the agent's domain).
            event: The message.
            on_new_message: Rasa's handler.
        """
        state = self._ready(app)
        sender_id = self.conversation_id(event.address)
        output = self.make_output(event)
        text, trusted = event.text, set(event.trusted)
        try:
            payload = map_reply(text, await state.options.recall(sender_id))
            if payload is not None:
                text = payload
                trusted.add(payload)
            guard = MessageGuard(lambda: _agent_domain(app))
            await guard.handle(text, output, sender_id, on_new_message, input_channel=self.name(),
                               message_id=event.message_id, trusted_commands=frozenset(trusted))
            await state.options.remember(sender_id, output.offered)
        except Exception as error:  # noqa: BLE001 - a background task must log, never raise (no text logged)
            logger.error("channel %s: processing a message failed: %s", self.name(), type(error).__name__)
