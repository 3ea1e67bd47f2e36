"""/mydata (a summary, then everything stored as a file) and /deleteme (erase it all, after
confirming).

Both work for anyone the bot keeps a row for, registered or still registering: these are the
person's rights under PIPL, not features of a finished profile.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CommandHandler

from bot.context import TongxinContext
from handlers.kit import (
    END,
    Means,
    Option,
    Screen,
    Wiring,
    all_conversations,
    ask,
    chosen,
    conversation,
    forget_ui_state,
    registered,
    reply_not_registered,
    run,
    set_conversation_state,
    show_main_menu,
)
from handlers.settings.mydata import mydata
from models.settings import erase_person

logger = logging.getLogger(__name__)

CONFIRM = 0
DELETE_FLOW = "deleteme"


def _options(context: TongxinContext) -> list[Option]:
    t = context.t
    return [  # keeping comes first: a destructive choice is never choice 1
        Option("cancel", t("privacy.delete.cancel"), Means(yes=False)),
        Option("confirm", t("privacy.delete.confirm"), destructive=True),
    ]


async def ask_delete(update: Update, context: TongxinContext, first: str = "") -> int:
    """Explain what will be erased, that it cannot be undone, and ask to confirm."""
    if context.person is None:
        await reply_not_registered(update, context, "privacy.nothing_stored")
        return END
    text = context.t("privacy.delete.explain")
    return await ask(update, context, text, _options(context), CONFIRM, first=first)


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """Erase on "确认删除"; "取消" cancels; anything else asks again."""
    key = chosen(update, context)
    if key == "cancel":
        return await cancelled(update, context)
    if key != "confirm":
        return await ask_delete(update, context, context.t("privacy.delete.not_understood"))
    user, chat, person = update.effective_user, update.effective_chat, context.person
    if person is not None:
        await run(context, erase_person, person)
        context.purge_wal_after_update()  # SQLite: no old copy left in the -wal file
        context.person = None
        logger.info("erased a person on their request")
    await reply_not_registered(update, context, "privacy.delete.done")
    if user is not None and chat is not None:
        forget_ui_state(context.application, chat.id, user.id)
    # ApplicationHandlerStop: no later handler group may await between dropping the data and
    # PTB marking this update for persistence, or a flush in between would write it back.
    raise ApplicationHandlerStop(END)


async def cancelled(update: Update, context: TongxinContext) -> int:
    """Nothing was deleted; back to the main menu (or to /start for the unregistered)."""
    if registered(context.person):
        await show_main_menu(update, context, "privacy.delete.cancelled")
    else:
        await reply_not_registered(update, context, "privacy.delete.cancelled")
    return END


async def delete_from_settings(update: Update, context: TongxinContext) -> None:
    """ "🗑️ 删除我的信息" in the settings menu: the same question as /deleteme, on its screen."""
    chat, user = update.effective_chat, update.effective_user
    state = await ask_delete(update, context)
    if chat is None or user is None or state == END:
        return
    for flow in all_conversations(context.application):
        if flow.name == DELETE_FLOW:
            set_conversation_state(flow, chat.id, user.id, state)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """/mydata and the /deleteme conversation (⬅️, 🏠, /cancel and /menu all keep the data)."""
    return [
        CommandHandler("mydata", mydata),
        conversation(
            DELETE_FLOW,
            entry_points=[CommandHandler("deleteme", ask_delete)],
            screens={CONFIRM: Screen(on_confirm, back=cancelled)},
            home=cancelled,
            on_cancel=cancelled,
            on_menu=cancelled,
            registered_only=False,
        ),
    ]
