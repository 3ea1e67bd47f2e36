"""Answering the person: text from the catalogues, refused rules explained, one line above."""

from __future__ import annotations

from typing import Any

from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.context import TongxinContext
from bot.i18n import Catalogues
from bot.timefmt import resolve_params
from handlers.kit.ptb import SentMarkup, send_text
from models.core.errors import DomainError
from models.core.reasons import Wording

Markup = ReplyKeyboardMarkup | ReplyKeyboardRemove | Any


async def reply(
    update: Update, context: TongxinContext, text: str, markup: Markup | None = None, **kw: Any
) -> None:
    """Send ``text`` (already translated) to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if kw or not (markup is None or isinstance(markup, SentMarkup)):
        await context.bot.send_message(chat.id, text, reply_markup=markup, **kw)
        return
    await send_text(context.bot, chat.id, text, markup)


def in_their_language(context: TongxinContext, msgid: str) -> Wording:
    """A message as someone else reads it: ``msgid`` translated into the language asked for."""
    return lambda language: context.services.i18n.translator(language)(msgid)


def error_text(context: TongxinContext, error: DomainError) -> str:
    """A refused rule, explained in the person's language (structured params resolved)."""
    params = resolve_params(error.params, context.lang, context.services.settings.tz)
    if error.plural is not None:
        return context.t.n(error.message_id, int(str(params.get(error.plural, 0))), **params)
    return context.t(error.message_id, **params)


async def reply_error(
    update: Update, context: TongxinContext, error: DomainError, markup: Markup | None = None
) -> None:
    """Explain a refused domain rule in the person's language."""
    await reply(update, context, error_text(context, error), markup)


def lead(first: str | None, text: str) -> str:
    """A short remark (an answer, an error, "not understood") above the question."""
    return f"{first}\n\n{text}" if first else text


START_LABEL = "start.button"


def start_keyboard(context: TongxinContext) -> ReplyKeyboardMarkup:
    """One big "▶️ 开始" button: how someone not registered gets going (no /start to type)."""
    return ReplyKeyboardMarkup([[context.t(START_LABEL)]], resize_keyboard=True)


def start_labels(i18n: Catalogues) -> list[str]:
    """The start button's label in every language (onboarding's entry matches them)."""
    return [i18n.translator(lang)(START_LABEL) for lang in i18n.languages]


async def reply_not_registered(
    update: Update, context: TongxinContext, msgid: str = "help.text.new"
) -> None:
    """Tell someone not (or no longer) registered how to start, with the start button."""
    await reply(update, context, context.t(msgid), start_keyboard(context))
