"""The one global error handler: log the traceback, answer the user politely, never leak.

A typed ``DomainError`` that reaches here (a row that vanished between two taps, a person
erased mid-flow) is a domain outcome, not a fault: the person reads its explanation and the
log gets one INFO line. Anything else is logged with its traceback and counted in /metrics.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import TongxinContext
from handlers.kit import error_text
from models.core.errors import DomainError

logger = logging.getLogger(__name__)


async def handle_error(update: object, context: TongxinContext) -> None:
    """Log the failure and tell the user, in their language, what happened."""
    update_id = update.update_id if isinstance(update, Update) else None
    refused = isinstance(context.error, DomainError)
    if refused:
        logger.info("update %s refused: %s", update_id, type(context.error).__name__)
    else:
        context.services.metrics.errors.inc()
        logger.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    if not context.lang:
        context.lang = context.services.i18n.resolve(None, user.language_code if user else None)
    text = (
        error_text(context, context.error)
        if isinstance(context.error, DomainError)
        else context.t("error.internal")
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        logger.warning("could not tell chat about the error for update %s", update_id)
