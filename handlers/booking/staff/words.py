"""What the staff screens share: how a person is named, and putting an inline screen in place."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from handlers.kit import Buttons, reply
from models.core.people import Person

logger = logging.getLogger(__name__)

Inline = tuple[str, Buttons]  # an inline screen: its text and its buttons
MessageRef = tuple[int, int]  # a message shown before: its chat and message ids


def staff_name(context: TongxinContext, person: Person | None) -> str:
    """A person's name for staff screens (their number when they gave no name)."""
    if person is None:
        return "—"
    return person.display_name or context.t("staff.unnamed", id=person.id)


async def put(
    update: Update,
    context: TongxinContext,
    screen: Inline,
    target: MessageRef | None = None,
    *,
    answer: bool = True,
) -> None:
    """Show a screen: in ``target`` (a message shown before), in the tapped message, or anew.

    ``answer`` False: the tap was answered already (with an alert).
    """
    text, buttons = screen
    markup = InlineKeyboardMarkup(buttons) if buttons else None
    query = update.callback_query
    if target is None and query is None:
        await reply(update, context, text, markup)
        return
    try:
        if target is not None:
            chat_id, message_id = target
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        elif query is not None:
            if answer:
                await query.answer()
            await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # unchanged or gone: what was decided is what matters
        logger.info("staff screen not updated: %s", exc.message)
