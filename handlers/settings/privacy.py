"""/mydata (export everything as JSON) and /deleteme (erase it for good, after confirming)."""

from __future__ import annotations

import json
import logging

from telegram import InputFile, ReplyKeyboardRemove, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from handlers.kit import (
    Option,
    Wiring,
    choice_keyboard,
    forget_ui_state,
    is_nav,
    match_option,
    reply,
    show_main_menu,
)
from models.core.people import find_person
from models.settings.privacy import erase_person, export_person

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


async def cancelled(update: Update, context: TongxinContext) -> int:
    """Nothing was deleted; back to the main menu (or to /start for the unregistered)."""
    if context.person is not None and context.person.onboarded_at is not None:
        await show_main_menu(update, context, "privacy.delete.cancelled")
    else:
        await reply(update, context, context.t("privacy.delete.cancelled"), ReplyKeyboardRemove())
    return ConversationHandler.END


async def start_delete(update: Update, context: TongxinContext) -> int:
    """Entry: /deleteme (register_all closes any other open screen first)."""
    return await ask_delete(update, context)


def handlers(wiring: Wiring) -> list[BaseHandler]:
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
