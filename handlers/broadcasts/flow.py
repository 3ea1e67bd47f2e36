"""/broadcast: write a notice, pick its topic and audience, preview it, choose when, confirm.

One question per screen with numbered reply-keyboard buttons and ⬅️/🏠 on each; the draft lives
in ``user_data`` so the persistent conversation survives a restart. Approval, /broadcasts and the
inline taps live in ``handlers.broadcasts.admin``; the screens' texts in ``broadcast_screens``.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.broadcasts import admin as broadcast_admin
from handlers.broadcasts.admin import request_approval
from handlers.broadcasts.screens import (
    AUDIENCE,
    AUDIENCE_KINDS,
    COMMUNITY,
    CONFIRM,
    DRAFT,
    TEXT,
    TOPIC,
    TOPIC_AUDIENCE,
    TOWN,
    WHEN,
    ask_audience,
    ask_community,
    ask_confirm,
    ask_text,
    ask_topic,
    ask_topic_audience,
    ask_town,
    community_options,
    confirm_options,
    draft,
    kind_options,
    send_at,
    show_preview,
    topic_options,
    town_options,
    when_options,
)
from handlers.kit import (
    Step,
    Wiring,
    current_scopes,
    main_menu_keyboard,
    match_option,
    message_text,
    reply,
    reply_error,
    requires,
    screen,
    show_main_menu,
)
from handlers.kit import show_help as help_command
from models.broadcasts.compose import CAPTION_MAX, TEXT_MAX, BroadcastStatus, create_broadcast
from models.core.authz import Action
from models.core.errors import DomainError
from models.core.people import Person

logger = logging.getLogger(__name__)


@requires(Action.BROADCAST)
async def start(update: Update, context: TongxinContext) -> int:
    """Entry: /broadcast (volunteers and admins)."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    return await ask_text(update, context)


async def _end_home(update: Update, context: TongxinContext, msgid: str = "home.prompt") -> int:
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await show_main_menu(update, context, msgid)
    return ConversationHandler.END


async def on_text(update: Update, context: TongxinContext) -> int:
    """The notice: text, or a photo with a caption."""
    message, t = update.message, context.t
    if message is None:
        return TEXT
    photo = message.photo[-1].file_id if message.photo else None
    body = (message.caption if photo else message.text) or ""
    limit = CAPTION_MAX if photo else TEXT_MAX
    if not body.strip() or len(body.strip()) > limit:
        msgid = "broadcast.text.invalid" if not body.strip() else "broadcast.error.text"
        return await ask_text(update, context, t(msgid, max=limit))
    draft(context).update(text=body.strip(), photo=photo)
    return await ask_topic(update, context)


async def on_topic(update: Update, context: TongxinContext) -> int:
    """The notice's topic (residents who muted it are skipped)."""
    choice = match_option(message_text(update), topic_options(context.t))
    if choice is None:
        return await ask_topic(update, context, context.t("broadcast.not_understood"))
    draft(context)["topic"] = choice.key
    return await ask_audience(update, context)


async def on_audience(update: Update, context: TongxinContext) -> int:
    """Everyone, a town, a community, or residents interested in a topic."""
    choice = match_option(message_text(update), kind_options(context.t))
    if choice is None:
        return await ask_audience(update, context, context.t("broadcast.not_understood"))
    draft(context).update(kind=choice.key, value=None, page=0)
    if choice.key == "all":
        return await show_preview(update, context)
    ask = {"town": ask_town, "community": ask_community, "topic": ask_topic_audience}
    return await ask[choice.key](update, context)


async def on_town(update: Update, context: TongxinContext) -> int:
    """Which town (only towns the author may address are offered)."""
    choice = match_option(message_text(update), await town_options(context))
    if choice is None:
        return await ask_town(update, context, context.t("broadcast.not_understood"))
    draft(context)["value"] = choice.key
    return await show_preview(update, context)


async def on_community(update: Update, context: TongxinContext) -> int:
    """Which community (paginated)."""
    options = await community_options(context)
    choice = match_option(message_text(update), options)
    if choice is None:
        return await ask_community(update, context, context.t("broadcast.not_understood"))
    if choice.key == "__more__":
        draft(context)["page"] = int(draft(context).get("page", 0)) + 1
        return await ask_community(update, context)
    draft(context)["value"] = choice.key
    return await show_preview(update, context)


async def on_topic_audience(update: Update, context: TongxinContext) -> int:
    """Residents interested in which topic."""
    choice = match_option(message_text(update), topic_options(context.t))
    if choice is None:
        return await ask_topic_audience(update, context, context.t("broadcast.not_understood"))
    draft(context)["value"] = choice.key
    return await show_preview(update, context)


async def on_when(update: Update, context: TongxinContext) -> int:
    """Now, tomorrow 9:00 or the day after 9:00."""
    choice = match_option(message_text(update), when_options(context.t))
    if choice is None:
        return await show_preview(update, context, context.t("broadcast.not_understood"))
    draft(context)["when"] = choice.key
    return await ask_confirm(update, context)


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """Create the broadcast and give a receipt (or say it waits for approval)."""
    t = context.t
    choice = match_option(message_text(update), confirm_options(t))
    if choice is None:
        return await ask_confirm(update, context, t("broadcast.not_understood"))
    if choice.key == "edit":
        context.user_data[DRAFT] = {}  # type: ignore[index]
        return await ask_text(update, context)
    data, person = draft(context), context.person
    assert person is not None
    scopes = await current_scopes(context)
    settings = context.services.settings
    try:
        async with context.services.sessions() as session, session.begin():
            author = await session.get(Person, person.id)
            assert author is not None
            broadcast = await create_broadcast(
                session,
                author,
                scopes,
                text=str(data.get("text") or ""),
                photo_file_id=data.get("photo"),
                topic=str(data.get("topic")),
                audience_kind=str(data.get("kind")),
                audience_value=data.get("value"),
                send_at=send_at(str(data.get("when")), settings.tz),
                approval_towns=settings.broadcast_approval_towns,
            )
            if broadcast.status == BroadcastStatus.PENDING_APPROVAL.value:
                await request_approval(context, session, broadcast, author)
    except DomainError as error:
        await reply_error(update, context, error)
        return await ask_audience(update, context)
    logger.info("person %s created broadcast %s", person.id, broadcast.id)
    if broadcast.status == BroadcastStatus.PENDING_APPROVAL.value:
        msgid = "broadcast.receipt.pending"
    elif data.get("when") == "now":
        msgid = "broadcast.receipt.now"
    else:
        msgid = "broadcast.receipt.scheduled"
    when = t(f"broadcast.when.{data.get('when', 'now')}")
    receipt = t(msgid, id=broadcast.id, count=f"{broadcast.recipients:,}", when=when)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await reply(update, context, receipt, main_menu_keyboard(context))
    return ConversationHandler.END


BACK: dict[int, Step] = {
    TOPIC: ask_text,
    AUDIENCE: ask_topic,
    TOWN: ask_audience,
    COMMUNITY: ask_audience,
    TOPIC_AUDIENCE: ask_audience,
    WHEN: ask_audience,
    CONFIRM: show_preview,
}


def _screen(state: int, step: Step) -> Step:
    """A broadcast screen: ⬅️ goes to the previous question (from the first: the main menu)."""
    return screen(step, back=BACK.get(state, _end_home), home=_end_home)


async def cancel(update: Update, context: TongxinContext) -> int:
    """/cancel: drop the draft, main menu."""
    return await _end_home(update, context, "home.cancelled")


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help: leave the flow and show help."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await help_command(update, context)
    return ConversationHandler.END


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """The /broadcast conversation (persistent) and the approval, history and cancel taps."""
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    steps: dict[int, Step] = {
        TEXT: on_text,
        TOPIC: on_topic,
        AUDIENCE: on_audience,
        TOWN: on_town,
        COMMUNITY: on_community,
        TOPIC_AUDIENCE: on_topic_audience,
        WHEN: on_when,
        CONFIRM: on_confirm,
    }
    assert set(AUDIENCE_KINDS) == {"all", "town", "community", "topic"}
    conversation: ConversationHandler = ConversationHandler(  # type: ignore[type-arg]
        entry_points=[CommandHandler("broadcast", start)],
        states={s: [MessageHandler(anything, _screen(s, step))] for s, step in steps.items()},
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_inside),
            CommandHandler("menu", _end_home),
        ],
        name="broadcast",
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, *broadcast_admin.handlers(wiring)]
