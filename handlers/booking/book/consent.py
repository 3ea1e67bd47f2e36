"""The resident's answer to a booking a proxy made without standing consent.

The question comes through the outbox (``models.booking.proxy_notices``) and is the resident's
current screen once delivered (``handlers.kit.current``): 1 yes this once, 2 yes from now on,
3 no (refusing, which cancels the booking, comes last), typed or tapped on its keyboard
(``on_proxy_question``). Questions sent before carried inline buttons ``px:ok|always|no:<id>``,
still answered (``on_proxy_answer``): only the named resident may answer, anyone else's tap (or
a forged one) is refused with an alert. Either way the proxy is told, and a yes brings the
resident their own full receipt (address, directions, calendar file, check-in QR code).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.booking.receipts import send_receipt
from handlers.kit import (
    Tap,
    error_text,
    main_menu_keyboard,
    me,
    parse_id,
    refuse_tap,
    registered,
    reply,
    run,
)
from models.booking import NotYourBooking, ProxyAnswered, answer_proxy_question
from models.core.errors import DomainError

logger = logging.getLogger(__name__)


async def on_proxy_answer(update: Update, context: TongxinContext, tap: Tap) -> None:
    """The resident's answer: yes this once, yes from now on, or no."""
    query = update.callback_query
    if query is None or not registered(context.person):
        await refuse_tap(update, context, NotYourBooking())
        return
    try:
        answered = await run(
            context,
            answer_proxy_question,
            person=me(context),
            booking_id=tap.id(),
            answer=tap.action,
        )
    except DomainError as error:
        await refuse_tap(update, context, error)
        return
    logger.info("person %s answered %s to proxy booking %s", me(context).id, tap.action, tap.id())
    text = _answered_text(context, answered)
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=None)
    except BadRequest:
        logger.debug("proxy question could not be edited; sending the answer instead")
        await context.bot.send_message(query.from_user.id, text)
    await _receipt(context, query.from_user.id, answered)


async def on_proxy_question(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 同意这一次 / 2 以后也可以代我预约 / 3 不同意, typed or tapped on the question."""
    booking_id = parse_id(subject) or 0
    try:
        answered = await run(
            context, answer_proxy_question, person=me(context), booking_id=booking_id, answer=choice
        )
    except DomainError as error:  # answered already, lapsed, or not theirs
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    logger.info("person %s answered %s to proxy booking %s", me(context).id, choice, booking_id)
    text = _answered_text(context, answered)
    await reply(update, context, text, main_menu_keyboard(context))
    await _receipt(context, update.effective_chat.id if update.effective_chat else None, answered)


async def _receipt(context: TongxinContext, chat_id: int | None, answered: ProxyAnswered) -> None:
    """After a yes, the resident's own full receipt: address, directions, the QR code."""
    if chat_id is not None and answered.answer != "no":
        await send_receipt(context, chat_id, answered.view)


def _answered_text(context: TongxinContext, answered: ProxyAnswered) -> str:
    view, tz = answered.view, context.services.settings.tz
    msgid = (
        "proxy.answered.no"
        if answered.answer == "no"
        else "proxy.answered.always"
        if answered.answer == "always"
        else "proxy.answered.ok"
    )
    return context.t(
        msgid,
        proxy=answered.proxy_name or "—",
        venue=view.venue.name(context.lang),
        centre=view.centre.name(context.lang),
        when=format_span(view.slot.starts_at, view.slot.ends_at, context.lang, tz),
    )
