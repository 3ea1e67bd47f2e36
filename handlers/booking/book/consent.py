"""The resident's one tap on a booking a proxy made without standing consent.

The question comes through the outbox (``models.booking.proxy_notices``) with the buttons
``px:ok|always|no:<booking>``; only the named resident may answer, anyone else's tap (or a
forged one) is refused with an alert. The answer replaces the question, and the proxy is told.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.kit import Tap, me, refuse_tap, registered, run
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
