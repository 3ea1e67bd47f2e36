"""/broadcast questions: what each screen asks and shows, with its numbered choices.

What the answers do is in ``handlers.broadcasts.answers``; the conversation (with ⬅️ for each
screen) in ``handlers.broadcasts.flow``. The notice being written is a ``BroadcastDraft``.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit import Option, ask, current_scopes, draft, error_text, page_of, reply, run
from models.broadcasts import (
    AUDIENCE_KINDS,
    NOTICE_MSGID,
    WHEN_KEYS,
    AudienceLabel,
    EmptyAudience,
    Preview,
    community_choices,
    preview_broadcast,
    town_choices,
)
from models.core.errors import DomainError
from models.core.people import NOTICE_TOPICS

TEXT, TOPIC, AUDIENCE, TOWN, COMMUNITY, TOPIC_AUDIENCE, WHEN, CONFIRM = range(8)
MORE = "__more__"  # the "more" choice kit.page_of adds to a long list


class BroadcastDraft(TypedDict, total=False):
    """The notice being written: words (and photo), topic, audience, when."""

    text: str
    photo: str | None
    topic: str
    kind: str  # an audience kind (AUDIENCE_KINDS)
    value: str | None  # the town code, community code or topic the kind needs
    page: int  # of the community list
    when: str  # WHEN_KEYS


def notice_draft(context: TongxinContext) -> BroadcastDraft:
    """The notice being written (kept with the conversation, so it survives a restart)."""
    return draft(context, BroadcastDraft)


def topic_options(t: Translator) -> list[Option]:
    """The notice topics residents can mute."""
    return [Option(k, t(f"topic.{k}")) for k in NOTICE_TOPICS]


def kind_options(t: Translator) -> list[Option]:
    """Audience kinds."""
    return [Option(k, t(f"broadcast.audience.{k}")) for k in AUDIENCE_KINDS]


def when_options(t: Translator) -> list[Option]:
    """Send now, tomorrow 9:00, the day after 9:00."""
    return [Option(k, t(f"broadcast.when.{k}")) for k in WHEN_KEYS]


def confirm_options(t: Translator) -> list[Option]:
    """Confirm, or start again."""
    return [Option("yes", t("broadcast.confirm.yes")), Option("edit", t("broadcast.confirm.edit"))]


def audience_text(t: Translator, label: AudienceLabel) -> str:
    """The audience in words: 全体居民, 崇明区D镇的居民, 崇明区D镇的全体居民 …"""
    if label.kind == "topic":
        name = t(f"topic.{label.value}")
    elif label.place is not None:
        name = label.place.name(t.language)
    else:
        name = label.value or ""
    if label.within is not None:
        town = label.within.name(t.language)
        return t(f"broadcast.audience.{label.kind}.in", name=name, town=town)
    return t(f"broadcast.audience.{label.kind}.of", name=name)


async def ask_text(update: Update, context: TongxinContext, first: str = "") -> int:
    """Write the notice (text, or a photo with a caption)."""
    return await ask(update, context, context.t("broadcast.ask_text"), [], TEXT, first=first)


async def ask_topic(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which topic the notice is about."""
    t = context.t
    return await ask(
        update, context, t("broadcast.ask_topic"), topic_options(t), TOPIC, first=first, columns=2
    )


async def ask_audience(update: Update, context: TongxinContext, first: str = "") -> int:
    """Who should receive it."""
    t = context.t
    return await ask(
        update, context, t("broadcast.ask_audience"), kind_options(t), AUDIENCE, first=first
    )


async def ask_town(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which town (only towns the author may address are offered)."""
    towns = await run(context, town_choices, scopes=await current_scopes(context))
    options = [Option(town.code, town.name(context.t.language)) for town in towns]
    return await ask(update, context, context.t("broadcast.ask_town"), options, TOWN, first=first)


async def ask_community(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which community of the towns the author may address (a page at a time)."""
    found = await run(context, community_choices, scopes=await current_scopes(context))
    options = [Option(c.code, c.name(context.t.language)) for c in found]
    page, _pages = page_of(options, notice_draft(context).get("page", 0), context)
    text = context.t("broadcast.ask_community")
    return await ask(update, context, text, page, COMMUNITY, first=first)


async def ask_topic_audience(update: Update, context: TongxinContext, first: str = "") -> int:
    """Residents interested in which topic."""
    t = context.t
    text = t("broadcast.ask_topic_audience")
    return await ask(
        update, context, text, topic_options(t), TOPIC_AUDIENCE, first=first, columns=2
    )


async def _preview(context: TongxinContext) -> Preview:
    data = notice_draft(context)
    return await run(
        context,
        preview_broadcast,
        scopes=await current_scopes(context),
        audience_kind=data.get("kind", ""),
        audience_value=data.get("value"),
        topic=data.get("topic", ""),
    )


async def _choose_again(update: Update, context: TongxinContext, error: DomainError) -> int:
    """The audience cannot be previewed: back to choosing it, saying why."""
    if isinstance(error, EmptyAudience):
        return await ask_audience(update, context, error_text(context, error))
    return await ask_audience(update, context, context.t("broadcast.not_understood"))


async def _show_notice(update: Update, context: TongxinContext, notice: str) -> None:
    """The notice exactly as residents will get it: text, or the photo with it as caption."""
    photo, chat = notice_draft(context).get("photo"), update.effective_chat
    if photo and chat is not None:
        await context.bot.send_photo(chat.id, photo, caption=notice)
    else:
        await reply(update, context, notice)


async def show_preview(update: Update, context: TongxinContext, first: str = "") -> int:
    """The notice exactly as residents will see it, the head count, and when to send."""
    t = context.t
    try:
        view = await _preview(context)
    except DomainError as error:
        return await _choose_again(update, context, error)
    await reply(update, context, t("broadcast.preview.title"))
    await _show_notice(update, context, t(NOTICE_MSGID, text=notice_draft(context).get("text", "")))
    count = t.n(
        "broadcast.preview.count",
        view.recipients,
        audience=audience_text(t, view.audience),
        recipients=view.recipients,
        skipped=view.skipped_opt_out,
    )
    text = f"{count}\n\n{t('broadcast.ask_when')}"
    return await ask(update, context, text, when_options(t), WHEN, first=first)


async def ask_confirm(update: Update, context: TongxinContext, first: str = "") -> int:
    """Restate everything and ask to confirm."""
    t, data = context.t, notice_draft(context)
    try:
        view = await _preview(context)
    except DomainError as error:
        return await _choose_again(update, context, error)
    text = t.n(
        "broadcast.confirm",
        view.recipients,
        topic=t(f"topic.{data.get('topic')}"),
        audience=audience_text(t, view.audience),
        when=t(f"broadcast.when.{data.get('when', 'now')}"),
        recipients=view.recipients,
    )
    return await ask(update, context, text, confirm_options(t), CONFIRM, first=first)
