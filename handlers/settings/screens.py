"""/settings screens: the menu with every current value, and one question and answer per item.

The conversation wiring (entry, Back and Main menu, commands) lives in ``handlers.settings.flow``.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit import (
    Option,
    choice_keyboard,
    match_option,
    message_text,
    page_of,
    reply,
    reply_error,
)
from models.core.errors import DomainError
from models.core.people import (
    LANGUAGES,
    NOTICE_TOPICS,
    Person,
    get_registered,
    opted_out_topics,
    toggle_topic,
    update_profile,
)
from models.core.places import Community, Town, list_communities, list_towns

MENU, LANGUAGE, TOWN, COMMUNITY, ELDER, TOPICS, NAME = range(7)
MENU_ITEMS = ("language", "place", "elder", "topics", "name")
NAME_MAX = 32
TOWN_KEY, PAGE_KEY = "settings.town", "settings.page"


def _uid(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def _lang_label(t: Translator, lang: str | None) -> str:
    return t(f"settings.language.{lang or 'zh_CN'}")


async def _topic_options(context: TongxinContext) -> tuple[list[Option], list[Option]]:
    """Topic choices with their ✅/🔕 state, and the same topics by bare name."""
    assert context.person is not None and context.person.id is not None
    async with context.services.sessions() as session:
        muted = await opted_out_topics(session, context.person.id)
    t = context.t
    stated = [
        Option(
            k,
            t(
                "settings.topic.off" if k in muted else "settings.topic.on",
                topic=t(f"topic.{k}"),
            ),
        )
        for k in NOTICE_TOPICS
    ]
    return stated, [Option(k, t(f"topic.{k}")) for k in NOTICE_TOPICS]


async def show_menu(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """The settings menu with every current value."""
    person, t = context.person, context.t
    assert person is not None and person.id is not None
    async with context.services.sessions() as session:
        town = await session.get(Town, person.town_id) if person.town_id else None
        community = (
            await session.get(Community, person.community_id) if person.community_id else None
        )
        muted = await opted_out_topics(session, person.id)
    on = [t(f"topic.{k}") for k in NOTICE_TOPICS if k not in muted]
    text = t(
        "settings.menu",
        language=_lang_label(t, person.language),
        town=town.name(t.language) if town else t("settings.unset"),
        community=community.name(t.language) if community else t("settings.unset"),
        elder=t("settings.elder.on" if person.elder_mode else "settings.elder.off"),
        topics=t("settings.topics.list_sep").join(on) if on else t("settings.topics.none"),
        name=person.display_name or t("settings.unset"),
    )
    if lead:
        text = f"{lead}\n\n{text}"
    options = [Option(k, t(f"settings.item.{k}")) for k in MENU_ITEMS]
    await reply(update, context, text, choice_keyboard(options, t))
    return MENU


async def ask_language(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Which language."""
    options = [Option(lang, _lang_label(context.t, lang)) for lang in LANGUAGES]
    text = context.t("settings.language.ask")
    await reply(
        update, context, f"{lead}\n\n{text}" if lead else text, choice_keyboard(options, context.t)
    )
    return LANGUAGE


async def on_language(update: Update, context: TongxinContext) -> int:
    """Switch language; the confirmation and every next screen use it at once."""
    options = [Option(lang, _lang_label(context.t, lang)) for lang in LANGUAGES]
    choice = match_option(message_text(update), options)
    if choice is None:
        return await ask_language(update, context, context.t("settings.not_understood"))
    context.person = await _update(context, _uid(update), language=choice.key)
    context.lang = choice.key
    done = context.t("settings.language.done", language=_lang_label(context.t, choice.key))
    return await show_menu(update, context, done)


async def _update(context: TongxinContext, tg_user_id: int, **changes: object) -> Person:
    async with context.services.sessions() as session, session.begin():
        person = await get_registered(session, tg_user_id)
        return await update_profile(session, person, **changes)


async def _town_options(context: TongxinContext) -> list[Option]:
    async with context.services.sessions() as session:
        towns = await list_towns(session)
    return [Option(str(town.id), town.name(context.t.language)) for town in towns]


async def ask_town(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Which town."""
    text = context.t("settings.town.ask")
    keyboard = choice_keyboard(await _town_options(context), context.t)
    await reply(update, context, f"{lead}\n\n{text}" if lead else text, keyboard)
    return TOWN


async def on_town(update: Update, context: TongxinContext) -> int:
    """Remember the town (nothing is saved until the community is chosen)."""
    choice = match_option(message_text(update), await _town_options(context))
    if choice is None:
        return await ask_town(update, context, context.t("settings.not_understood"))
    context.user_data[TOWN_KEY] = int(choice.key)  # type: ignore[index]
    context.user_data[PAGE_KEY] = 0  # type: ignore[index]
    return await ask_community(update, context)


async def _community_page(context: TongxinContext) -> tuple[list[Option], Town | None]:
    town_id = (context.user_data or {}).get(TOWN_KEY)
    async with context.services.sessions() as session:
        town = await session.get(Town, town_id) if town_id else None
        communities = await list_communities(session, town.id) if town and town.id else []
    options = [Option(str(c.id), c.name(context.t.language)) for c in communities]
    page, _ = page_of(options, int((context.user_data or {}).get(PAGE_KEY, 0)), context.t)
    return page, town


async def ask_community(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Which community of the chosen town."""
    options, town = await _community_page(context)
    if town is None:
        return await ask_town(update, context)
    text = context.t("settings.community.ask", town=town.name(context.t.language))
    await reply(
        update, context, f"{lead}\n\n{text}" if lead else text, choice_keyboard(options, context.t)
    )
    return COMMUNITY


async def on_community(update: Update, context: TongxinContext) -> int:
    """Save town and community together; the domain refuses a community of another town."""
    options, town = await _community_page(context)
    if town is None:
        return await ask_town(update, context)
    choice = match_option(message_text(update), options)
    if choice is None:
        return await ask_community(update, context, context.t("settings.not_understood"))
    if choice.key == "__more__":
        context.user_data[PAGE_KEY] = int(context.user_data.get(PAGE_KEY, 0)) + 1  # type: ignore[index, union-attr]
        return await ask_community(update, context)
    try:
        context.person = await _update(
            context, _uid(update), town_id=town.id, community_id=int(choice.key)
        )
    except DomainError as error:
        await reply_error(update, context, error)
        return await ask_town(update, context)
    context.user_data.pop(TOWN_KEY, None)  # type: ignore[union-attr]
    context.user_data.pop(PAGE_KEY, None)  # type: ignore[union-attr]
    done = context.t(
        "settings.place.done", town=town.name(context.t.language), community=choice.label
    )
    return await show_menu(update, context, done)


def _elder_options(t: Translator) -> list[Option]:
    return [Option("on", t("settings.elder.turn_on")), Option("off", t("settings.elder.turn_off"))]


async def ask_elder(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Elder mode on or off, explained in one sentence."""
    assert context.person is not None
    t = context.t
    now = t("settings.elder.on" if context.person.elder_mode else "settings.elder.off")
    text = t("settings.elder.ask", state=now)
    await reply(
        update,
        context,
        f"{lead}\n\n{text}" if lead else text,
        choice_keyboard(_elder_options(t), t),
    )
    return ELDER


async def on_elder(update: Update, context: TongxinContext) -> int:
    """Turn elder mode on or off."""
    choice = match_option(message_text(update), _elder_options(context.t))
    if choice is None:
        return await ask_elder(update, context, context.t("settings.not_understood"))
    context.person = await _update(context, _uid(update), elder_mode=choice.key == "on")
    return await show_menu(update, context, context.t(f"settings.elder.done_{choice.key}"))


async def ask_topics(update: Update, context: TongxinContext, lead: str = "") -> int:
    """Each notice topic with its state; tapping one toggles it."""
    stated, _ = await _topic_options(context)
    text = context.t("settings.topics.ask")
    await reply(
        update, context, f"{lead}\n\n{text}" if lead else text, choice_keyboard(stated, context.t)
    )
    return TOPICS


async def on_topic(update: Update, context: TongxinContext) -> int:
    """Toggle one topic and say what changed."""
    stated, bare = await _topic_options(context)
    text = message_text(update)
    choice = match_option(text, stated) or match_option(text, bare)
    if choice is None:
        return await ask_topics(update, context, context.t("settings.not_understood"))
    assert context.person is not None and context.person.id is not None
    async with context.services.sessions() as session, session.begin():
        receiving = await toggle_topic(session, context.person.id, choice.key)
    msgid = "settings.topic.done_on" if receiving else "settings.topic.done_off"
    return await ask_topics(
        update, context, context.t(msgid, topic=context.t(f"topic.{choice.key}"))
    )


async def ask_name(update: Update, context: TongxinContext, lead: str = "") -> int:
    """How we should address you (free text)."""
    assert context.person is not None
    t = context.t
    text = t("settings.name.ask", name=context.person.display_name or t("settings.unset"))
    await reply(update, context, f"{lead}\n\n{text}" if lead else text, choice_keyboard([], t))
    return NAME


async def on_name(update: Update, context: TongxinContext) -> int:
    """Save the new form of address."""
    name = " ".join((message_text(update) or "").split())
    if not name or len(name) > NAME_MAX:
        return await ask_name(update, context, context.t("settings.name.invalid", max=NAME_MAX))
    context.person = await _update(context, _uid(update), display_name=name)
    return await show_menu(update, context, context.t("settings.name.done", name=name))
