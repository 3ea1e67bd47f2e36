"""Telegram flows, one module per flow; each exposes ``handlers(i18n)``, its one builder."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import TongxinApplication
from handlers.booking.book import flow as booking_flow
from handlers.booking.mine import flow as my_bookings_flow
from handlers.booking.staff import flow as booking_staff_flow
from handlers.booking.venues import flow as venues_admin_flow
from handlers.broadcasts import flow as broadcast_flow
from handlers.home import commands as home_flow
from handlers.kit.common import closing_other_flows, load_person
from handlers.onboarding import flow as onboarding_flow
from handlers.roles import grants as roles_flow
from handlers.roles import invites as invites_flow
from handlers.settings import flow as settings_flow
from handlers.settings import privacy as privacy_flow

# Order matters: the first handler that accepts an update in group 0 handles it, so flows
# (conversations) come first and home's catch-all comes last.
FLOWS = (
    onboarding_flow,
    settings_flow,
    privacy_flow,
    invites_flow,
    roles_flow,
    broadcast_flow,
    booking_flow,
    my_bookings_flow,
    booking_staff_flow,
    venues_admin_flow,
    home_flow,
)
# Commands that answer without taking the user anywhere, so an open screen stays open.
PASSIVE_COMMANDS = frozenset({"help", "mydata"})
# Handler groups, run in this order: who is talking; answers that only the database can tell
# apart from menu choices (a typed "1"/"2" after a reminder: they stop the update when they
# take it, and let it through otherwise); the flows.
PERSON_GROUP, ANSWERS_GROUP, FLOWS_GROUP = -2, -1, 0
_BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    """Add the person loader and every flow's handlers to the application."""
    assert isinstance(application, TongxinApplication)
    i18n = application.services.i18n
    application.add_handler(TypeHandler(Update, load_person), group=PERSON_GROUP)
    application.add_handlers(my_bookings_flow.answer_handlers(i18n), group=ANSWERS_GROUP)
    every_flow = [flow.handlers(i18n) for flow in FLOWS]
    numbers = NumbersFromTheMenu([h for hs in every_flow for h in hs])
    for flow_handlers in every_flow:
        for handler in flow_handlers:
            _close_others_on_entry(handler)
            numbers.guard(handler)
        application.add_handlers(flow_handlers, group=FLOWS_GROUP)


def _close_others_on_entry(handler: BaseHandler) -> None:  # type: ignore[type-arg]
    """An abandoned screen of one flow must not swallow the answers meant for the next flow.

    Entering a conversation, or any navigating command, ends the user's other open screens.
    """
    if isinstance(handler, ConversationHandler) and handler.name:
        for entry in handler.entry_points:
            entry.callback = closing_other_flows(handler.name, entry.callback)
    elif isinstance(handler, CommandHandler) and not handler.commands & PASSIVE_COMMANDS:
        handler.callback = closing_other_flows("", handler.callback)


class NumbersFromTheMenu(filters.MessageFilter):
    """A bare number typed on a flow's screen is that screen's choice, never a way into a flow.

    Flows are entered by their main-menu button, whose number ("1", "4") would otherwise be
    taken by an earlier flow's entry point while the person answers a later flow's screen.
    Guarded entry points accept a bare number only from someone with no screen open.
    """

    def __init__(self, handlers: list[BaseHandler]) -> None:  # type: ignore[type-arg]
        super().__init__(name="NumbersFromTheMenu", data_filter=False)
        self._conversations = [h for h in handlers if isinstance(h, ConversationHandler)]

    def guard(self, handler: BaseHandler) -> None:  # type: ignore[type-arg]
        """Make a conversation's message entry points respect open screens."""
        if isinstance(handler, ConversationHandler):
            for entry in handler.entry_points:
                if isinstance(entry, MessageHandler):
                    entry.filters = entry.filters & self

    def filter(self, message: Message) -> bool:
        """False for a bare number from someone in any conversation."""
        if not _BARE_NUMBER.match(message.text or ""):
            return True
        user_id = message.from_user.id if message.from_user else 0
        keys = {(message.chat.id, user_id), (user_id,), (message.chat.id,)}
        return not any(
            key in conversation._conversations  # PTB has no public way to ask
            for conversation in self._conversations
            for key in keys
        )
