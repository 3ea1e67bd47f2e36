"""The one global error handler: log the traceback, answer the user politely, never leak."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import TongxinContext

logger = logging.getLogger(__name__)


async def handle_error(update: object, context: TongxinContext) -> None:
    """Log the failure with its traceback and tell the user, in their language, to try again."""
    context.services.metrics.errors.inc()
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    if not context.lang:
        context.lang = context.services.i18n.resolve(None, user.language_code if user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, context.t("error.internal"))
    except TelegramError:
        logger.warning("could not tell chat about the error for update %s", update_id)
