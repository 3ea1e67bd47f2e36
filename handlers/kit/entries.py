"""How flows are entered: entering one closes the others, and a bare number never enters.

The registry applies both to every feature's handlers (``guard_entries``):

- Entering a conversation, or any navigating command, ends the person's other open screens, so
  an abandoned screen of one flow cannot swallow the answers meant for the next.
- A bare number typed on a flow's screen is that screen's choice, never a way into another flow.
  Flows are entered by their main-menu button, whose number ("1", "4") would otherwise be taken
  by an earlier flow's entry point while the person answers a later flow's screen.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.kit.drafts import clear_draft
from handlers.kit.ptb import conversations, end_conversations, open_conversation
from models.core.phrases import choice_number

# Commands that answer without taking the person anywhere, so an open screen stays open.
PASSIVE_COMMANDS = frozenset({"help", "mydata"})
Callback = TypeVar("Callback", bound=Callable[..., Awaitable[Any]])


def closing_other_flows(name: str, callback: Callback) -> Callback:
    """Wrap an entry point so entering it ends the person's other half-finished flows."""

    @functools.wraps(callback)
    async def entered(update: Update, context: TongxinContext, *args: Any) -> Any:
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and user is not None:
            end_conversations(context.application, chat.id, user.id, keep=name)
            clear_draft(context)
        return await callback(update, context, *args)

    return entered  # type: ignore[return-value]


class NotOnAScreen(filters.MessageFilter):
    """False for a bare number from someone who has a screen open in any conversation."""

    def __init__(self, handlers: Sequence[BaseHandler]) -> None:  # type: ignore[type-arg]
        super().__init__(name="NotOnAScreen", data_filter=False)
        self._conversations = conversations(handlers)

    def filter(self, message: Message) -> bool:
        """True unless the message is a choice number typed on an open screen."""
        if choice_number(message.text or "") is None:  # "3", "三", "第三个" alike
            return True
        user_id = message.from_user.id if message.from_user else 0
        return open_conversation(self._conversations, message.chat.id, user_id) is None


def guard_entries(handlers: Sequence[BaseHandler]) -> None:  # type: ignore[type-arg]
    """Apply both entry rules to every handler of every feature (registered in group 0)."""
    not_on_a_screen = NotOnAScreen(handlers)
    for handler in handlers:
        if isinstance(handler, ConversationHandler) and handler.name:
            for entry in handler.entry_points:
                entry.callback = closing_other_flows(handler.name, entry.callback)
                if isinstance(entry, MessageHandler):
                    entry.filters = entry.filters & not_on_a_screen
        elif isinstance(handler, CommandHandler) and not handler.commands & PASSIVE_COMMANDS:
            handler.callback = closing_other_flows("", handler.callback)
