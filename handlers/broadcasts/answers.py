"""/broadcast answers: each one is checked, kept in the draft, and leads to the next question.

The last one creates the broadcast (``models.broadcasts.create_broadcast``) and gives a receipt.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Literal

from telegram import Update

from bot.context import TongxinContext
from handlers.broadcasts.questions import (
    MORE,
    TEXT,
    ask_audience,
    ask_community,
    ask_confirm,
    ask_text,
    ask_topic,
    ask_topic_audience,
    ask_town,
    notice_draft,
    show_preview,
)
from handlers.kit import (
    END,
    Step,
    chosen,
    clear_draft,
    current_scopes,
    error_text,
    main_menu_keyboard,
    me,
    reply,
    run,
)
from models.broadcasts import (
    AUDIENCE_KINDS,
    WHEN_KEYS,
    BroadcastStatus,
    clean_notice,
    create_broadcast,
    send_time,
)
from models.core.errors import DomainError
from models.core.people import NOTICE_TOPICS

logger = logging.getLogger(__name__)

# After the audience kind: the question that picks its value ("all" needs none).
VALUE_QUESTIONS: dict[str, Step] = {
    "town": ask_town,
    "community": ask_community,
    "topic": ask_topic_audience,
}
Question = Callable[[Update, TongxinContext, str], Awaitable[int]]


async def _keep(
    update: Update,
    context: TongxinContext,
    field: Literal["topic", "value", "when"],
    valid: Collection[str] | None,
    again: Question,
    *,
    then: Callable[[Update, TongxinContext], Awaitable[int]],
) -> int:
    """Keep the choice in the draft's ``field`` and go on with ``then``; else ask ``again``."""
    key = chosen(update, context)
    if key is None or (valid is not None and key not in valid):
        return await again(update, context, context.t("broadcast.not_understood"))
    notice_draft(context)[field] = key
    return await then(update, context)


async def on_text(update: Update, context: TongxinContext) -> int:
    """The notice: text, or a photo with a caption."""
    message = update.message
    if message is None:
        return TEXT
    photo = message.photo[-1].file_id if message.photo else None
    try:
        text = clean_notice(message.caption if photo else message.text, photo)
    except DomainError as error:
        return await ask_text(update, context, error_text(context, error))
    data = notice_draft(context)
    data["text"], data["photo"] = text, photo
    return await ask_topic(update, context)


async def on_topic(update: Update, context: TongxinContext) -> int:
    """The notice's topic (residents who muted it are skipped)."""
    return await _keep(update, context, "topic", NOTICE_TOPICS, ask_topic, then=ask_audience)


async def on_audience(update: Update, context: TongxinContext) -> int:
    """Everyone, a town, a community, or residents interested in a topic."""
    key = chosen(update, context)
    if key not in AUDIENCE_KINDS:
        return await ask_audience(update, context, context.t("broadcast.not_understood"))
    data = notice_draft(context)
    data["kind"], data["value"], data["page"] = key, None, 0
    question = VALUE_QUESTIONS.get(key)
    if question is None:  # everyone: nothing more to choose
        return await show_preview(update, context)
    return await question(update, context)


async def on_town(update: Update, context: TongxinContext) -> int:
    """Which town."""
    return await _keep(update, context, "value", None, ask_town, then=show_preview)


async def on_community(update: Update, context: TongxinContext) -> int:
    """Which community (or the next page of them)."""
    key, data = chosen(update, context), notice_draft(context)
    if key is None:
        return await ask_community(update, context, context.t("broadcast.not_understood"))
    if key == MORE:
        data["page"] = data.get("page", 0) + 1
        return await ask_community(update, context)
    data["value"] = key
    return await show_preview(update, context)


async def on_topic_audience(update: Update, context: TongxinContext) -> int:
    """Residents interested in which topic."""
    return await _keep(
        update, context, "value", NOTICE_TOPICS, ask_topic_audience, then=show_preview
    )


async def on_when(update: Update, context: TongxinContext) -> int:
    """Now, tomorrow 9:00 or the day after 9:00."""
    return await _keep(update, context, "when", WHEN_KEYS, show_preview, then=ask_confirm)


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """Create the broadcast and give a receipt (or say it waits for approval)."""
    t, key = context.t, chosen(update, context)
    if key == "edit":
        clear_draft(context)
        return await ask_text(update, context)
    if key != "yes":
        return await ask_confirm(update, context, t("broadcast.not_understood"))
    data, settings = notice_draft(context), context.services.settings
    when = data.get("when", "now")
    try:
        broadcast = await run(
            context,
            create_broadcast,
            person=me(context),
            scopes=await current_scopes(context),
            text=data.get("text", ""),
            photo_file_id=data.get("photo"),
            topic=data.get("topic", ""),
            audience_kind=data.get("kind", ""),
            audience_value=data.get("value"),
            send_at=send_time(when, settings.tz),
            approval_towns=settings.broadcast_approval_towns,
            admin_ids=settings.admin_ids,
            tz=settings.tz,
        )
    except DomainError as error:
        return await ask_audience(update, context, error_text(context, error))
    logger.info("person %s created broadcast %s", broadcast.author_id, broadcast.id)
    if broadcast.status == BroadcastStatus.PENDING_APPROVAL.value:
        msgid = "broadcast.receipt.pending"
    elif when == "now":
        msgid = "broadcast.receipt.now"
    else:
        msgid = "broadcast.receipt.scheduled"
    receipt = t.n(
        msgid,
        broadcast.recipients,
        id=broadcast.id,
        recipients=broadcast.recipients,
        when=t(f"broadcast.when.{when}"),
    )
    clear_draft(context)
    await reply(update, context, receipt, main_menu_keyboard(context))
    return END
