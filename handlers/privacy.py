"""/mydata (export everything as JSON) and /deleteme (erase it for good, after confirming)."""

from __future__ import annotations

import json
import logging

from telegram import InputFile, ReplyKeyboardRemove, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from bot.i18n import Catalogues
from handlers.common import reply
from handlers.home import show_main_menu
from handlers.ui import Option, choice_keyboard, is_nav, match_option
from models.people import find_person
from models.privacy import erase_person, export_person

logger = logging.getLogger(__name__)

CONFIRM = 0
EXPORT_NAME = "mydata.json"


async def mydata(update: Update, context: TongxinContext) -> None:
    """Send everything stored about the person as a JSON document."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    async with context.services.sessions() as session:
        person = await find_person(session, user.id)
        data = await export_person(session, person) if person is not None else None
    if data is None:
        await reply(update, context, context.t("privacy.nothing_stored"))
        return
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    logger.info("exported data of person %s", data["person"]["id"])
    await context.bot.send_document(
        chat.id,
        InputFile(body, filename=EXPORT_NAME),
        caption=context.t("privacy.export.caption"),
    )


def _options(context: TongxinContext) -> list[Option]:
    t = context.t
    return [
        Option("confirm", t("privacy.delete.confirm")),
        Option("cancel", t("privacy.delete.cancel")),
    ]


async def ask_delete(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Explain what will be erased, that it cannot be undone, and ask to confirm."""
    if context.person is None:
        await reply(update, context, context.t("privacy.nothing_stored"))
        return ConversationHandler.END
    text = context.t("privacy.delete.explain")
    keyboard = choice_keyboard(_options(context), context.t)
    await reply(update, context, f"{lead}\n\n{text}" if lead else text, keyboard)
    return CONFIRM


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """Erase on "确认删除"; anything else that is a choice cancels; the rest re-prompts."""
    text = update.message.text if update.message else None
    t = context.t
    choice = match_option(text, _options(context))
    if is_nav(text, t, "back") or is_nav(text, t, "home") or (choice and choice.key == "cancel"):
        return await cancelled(update, context)
    if choice is None:
        return await ask_delete(update, context, t("privacy.delete.not_understood"))
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    async with context.services.sessions() as session, session.begin():
        person = await find_person(session, user.id)
        if person is not None:
            await erase_person(session, person)
    logger.info("erased a person on their request")
    await reply(update, context, t("privacy.delete.done"), ReplyKeyboardRemove())
    forget_ui_state(context.application, chat.id, user.id)
    # ApplicationHandlerStop: no later handler group may await between dropping the data and
    # PTB marking this update for persistence, or a flush in between would write it back.
    raise ApplicationHandlerStop(ConversationHandler.END)


def end_conversations(
    application: Application,
    chat_id: int,
    user_id: int,
    keep: str | None = None,
) -> None:
    """End this user's state in every conversation (but ``keep``), in memory and when stored.

    Deleting a conversation key marks it for deletion at the next persistence flush, so a state
    changed moments ago (not yet flushed) cannot be written back later. Entering a flow calls
    this too, so an abandoned screen of another flow cannot swallow the new flow's answers.
    """
    keys = {(chat_id, user_id), (user_id,), (chat_id,)}
    for group in application.handlers.values():
        for handler in group:
            if not isinstance(handler, ConversationHandler) or (keep and handler.name == keep):
                continue
            states = handler._conversations  # PTB has no public way to end another conversation
            for key in [k for k in states if k in keys]:
                del states[key]


def forget_ui_state(application: Application, chat_id: int, user_id: int) -> None:
    """Drop user/chat data and this user's state in every conversation, in memory and stored."""
    end_conversations(application, chat_id, user_id)
    application.drop_user_data(user_id)
    application.drop_chat_data(chat_id)


async def cancelled(update: Update, context: TongxinContext) -> int:
    """Nothing was deleted; back to the main menu (or to /start for the unregistered)."""
    if context.person is not None and context.person.onboarded_at is not None:
        await show_main_menu(update, context, "privacy.delete.cancelled")
    else:
        await reply(update, context, context.t("privacy.delete.cancelled"), ReplyKeyboardRemove())
    return ConversationHandler.END


async def start_delete(update: Update, context: TongxinContext) -> int:
    """Entry: /deleteme (any other open screen is closed first)."""
    if update.effective_chat and update.effective_user:
        end_conversations(
            context.application, update.effective_chat.id, update.effective_user.id, keep="deleteme"
        )
    return await ask_delete(update, context)


def handlers(i18n: Catalogues) -> list[BaseHandler]:
    """/mydata and the persistent /deleteme conversation."""
    return [
        CommandHandler("mydata", mydata),
        ConversationHandler(
            entry_points=[CommandHandler("deleteme", start_delete)],
            states={
                CONFIRM: [MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, on_confirm)]
            },
            fallbacks=[CommandHandler("cancel", cancelled)],
            name="deleteme",
            persistent=True,
            allow_reentry=True,
        ),
    ]
