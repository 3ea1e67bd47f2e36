"""/broadcast screens: each question with its numbered choices, the preview and the summary.

The conversation wiring (answers, Back and Main menu) lives in ``handlers.broadcasts.flow``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from telegram import Update

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit import Option, choice_keyboard, current_scopes, page_of, reply
from models.broadcasts.audiences import count_audience
from models.broadcasts.sending import NOTICE_MSGID, number
from models.core.authz import Action, can
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.people import NOTICE_TOPICS
from models.core.places import Community, list_communities, list_towns

TEXT, TOPIC, AUDIENCE, TOWN, COMMUNITY, TOPIC_AUDIENCE, WHEN, CONFIRM = range(8)
DRAFT = "broadcast.draft"
AUDIENCE_KINDS = ("all", "town", "community", "topic")
WHEN_KEYS = ("now", "tomorrow", "after")
SEND_HOUR = time(9, 0)


def draft(context: TongxinContext) -> dict[str, Any]:
    """The notice being written (kept in user_data, so it survives a restart)."""
    data = context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]
    assert isinstance(data, dict)
    return data


def _lead(lead: str, text: str) -> str:
    return f"{lead}\n\n{text}" if lead else text


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


def send_at(when: str, tz: ZoneInfo) -> datetime:
    """The moment to send: now, or 9:00 local time tomorrow / the day after."""
    if when not in WHEN_KEYS[1:]:
        return utcnow()
    days = 1 if when == "tomorrow" else 2
    local = datetime.now(tz).date() + timedelta(days=days)
    return datetime.combine(local, SEND_HOUR, tzinfo=tz)


async def town_options(context: TongxinContext) -> list[Option]:
    """Towns the author may address."""
    scopes = await current_scopes(context)
    async with context.services.sessions() as session:
        towns = await list_towns(session)
    lang = context.t.language
    return [Option(t.code, t.name(lang)) for t in towns if can(scopes, Action.BROADCAST, t.id)]


async def community_options(context: TongxinContext) -> list[Option]:
    """Communities of the towns the author may address, one page."""
    scopes = await current_scopes(context)
    options: list[Option] = []
    async with context.services.sessions() as session:
        for town in await list_towns(session):
            if town.id is None or not can(scopes, Action.BROADCAST, town.id):
                continue
            for community in await list_communities(session, town.id):
                options.append(Option(community.code, community.name(context.t.language)))
    page, _ = page_of(options, int(draft(context).get("page", 0)), context.t)
    return page


async def ask_text(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Write the notice (text, or a photo with a caption)."""
    t = context.t
    await reply(update, context, _lead(lead, t("broadcast.ask_text")), choice_keyboard([], t))
    return TEXT


async def ask_topic(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Which topic the notice is about."""
    t = context.t
    keyboard = choice_keyboard(topic_options(t), t, columns=2)
    await reply(update, context, _lead(lead, t("broadcast.ask_topic")), keyboard)
    return TOPIC


async def ask_audience(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Who should receive it."""
    t = context.t
    keyboard = choice_keyboard(kind_options(t), t)
    await reply(update, context, _lead(lead, t("broadcast.ask_audience")), keyboard)
    return AUDIENCE


async def ask_town(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Which town."""
    t = context.t
    keyboard = choice_keyboard(await town_options(context), t)
    await reply(update, context, _lead(lead, t("broadcast.ask_town")), keyboard)
    return TOWN


async def ask_community(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Which community."""
    t = context.t
    keyboard = choice_keyboard(await community_options(context), t)
    await reply(update, context, _lead(lead, t("broadcast.ask_community")), keyboard)
    return COMMUNITY


async def ask_topic_audience(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Residents interested in which topic."""
    t = context.t
    keyboard = choice_keyboard(topic_options(t), t, columns=2)
    await reply(update, context, _lead(lead, t("broadcast.ask_topic_audience")), keyboard)
    return TOPIC_AUDIENCE


async def describe_audience(t: Translator, context: TongxinContext, kind: str, value: Any) -> str:
    """The audience in words: 全体居民, 崇明区D镇的居民 …"""
    name = ""
    async with context.services.sessions() as session:
        if kind == "town":
            towns = {town.code: town for town in await list_towns(session)}
            name = towns[value].name(t.language) if value in towns else str(value)
        elif kind == "community":
            query = select(Community).where(col(Community.code) == value)
            community = (await session.execute(query)).scalar_one_or_none()
            name = community.name(t.language) if community else str(value)
        elif kind == "topic":
            name = t(f"topic.{value}")
    return t(f"broadcast.audience.{kind}.of", name=name)


async def show_preview(update: Update, context: TongxinContext, lead: str = "") -> int:
    """The notice exactly as residents will see it, the head count, and when to send."""
    t, data = context.t, draft(context)
    try:
        async with context.services.sessions() as session:
            counted = await count_audience(
                session, str(data.get("kind")), data.get("value"), str(data.get("topic"))
            )
    except DomainError:
        return await ask_audience(update, context, t("broadcast.not_understood"))
    if counted.recipients == 0:
        return await ask_audience(update, context, t("broadcast.error.empty"))
    chat = update.effective_chat
    assert chat is not None
    notice = t(NOTICE_MSGID, text=data.get("text", ""))
    await reply(update, context, t("broadcast.preview.title"))
    if data.get("photo"):
        await context.bot.send_photo(chat.id, data["photo"], caption=notice)
    else:
        await context.bot.send_message(chat.id, notice)
    audience = await describe_audience(t, context, str(data.get("kind")), data.get("value"))
    text = t(
        "broadcast.preview.count",
        audience=audience,
        count=number(counted.recipients),
        skipped=number(counted.skipped_opt_out),
    )
    text = _lead(lead, f"{text}\n\n{t('broadcast.ask_when')}")
    await reply(update, context, text, choice_keyboard(when_options(t), t))
    return WHEN


async def ask_confirm(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Restate everything and ask to confirm."""
    t, data = context.t, draft(context)
    async with context.services.sessions() as session:
        counted = await count_audience(
            session, str(data.get("kind")), data.get("value"), str(data.get("topic"))
        )
    text = t(
        "broadcast.confirm",
        topic=t(f"topic.{data.get('topic')}"),
        audience=await describe_audience(t, context, str(data.get("kind")), data.get("value")),
        when=t(f"broadcast.when.{data.get('when', 'now')}"),
        count=number(counted.recipients),
    )
    await reply(update, context, _lead(lead, text), choice_keyboard(confirm_options(t), t))
    return CONFIRM
