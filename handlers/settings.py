"""/settings: language, town and community, elder mode, notice topics and how to address you."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from bot.i18n import Catalogues, Translator
from handlers.common import registered, reply, reply_error
from handlers.home import help_command, show_main_menu
from handlers.menu import MenuButton
from handlers.ui import Option, choice_keyboard, is_nav, match_option, page_of
from models.errors import DomainError
from models.people import (
    LANGUAGES,
    NOTICE_TOPICS,
    Person,
    get_registered,
    opted_out_topics,
    toggle_topic,
    update_profile,
)
from models.places import Community, Town, list_communities, list_towns

logger = logging.getLogger(__name__)

MENU, LANGUAGE, TOWN, COMMUNITY, ELDER, TOPICS, NAME = range(7)
MENU_ITEMS = ("language", "place", "elder", "topics", "name")
NAME_MAX = 32
TOWN_KEY, PAGE_KEY = "settings.town", "settings.page"
_BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")
Step = Callable[[Update, TongxinContext], Coroutine[Any, Any, int]]


def _text(update: Update) -> str | None:
    return update.message.text if update.message else None


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


async def _end_home(update: Update, context: TongxinContext, msgid: str = "home.prompt") -> int:
    await show_main_menu(update, context, msgid)
    return ConversationHandler.END


async def start(update: Update, context: TongxinContext) -> int:
    """Entry: /settings or the ⚙️ main menu button."""
    if not registered(context.person):
        await reply(update, context, context.t("error.not_registered"))
        return ConversationHandler.END
    return await show_menu(update, context)


def _screen(step: Step) -> Step:
    """Common handling for every screen: registration, 🏠 Main menu and ⬅️ Back."""

    async def run(update: Update, context: TongxinContext) -> int:
        if not registered(context.person):
            await reply(update, context, context.t("error.not_registered"))
            return ConversationHandler.END
        text = _text(update)
        if is_nav(text, context.t, "home"):
            return await _end_home(update, context)
        if is_nav(text, context.t, "back"):
            if step is on_menu:
                return await _end_home(update, context)
            return await show_menu(update, context)
        return await step(update, context)

    run.__name__ = step.__name__
    return run


async def on_menu(update: Update, context: TongxinContext) -> int:
    """A settings item was chosen."""
    t = context.t
    choice = match_option(_text(update), [Option(k, t(f"settings.item.{k}")) for k in MENU_ITEMS])
    if choice is None:
        return await show_menu(update, context, t("settings.not_understood"))
    return await ASK[choice.key](update, context)


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
    choice = match_option(_text(update), options)
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
    choice = match_option(_text(update), await _town_options(context))
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
    choice = match_option(_text(update), options)
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
    choice = match_option(_text(update), _elder_options(context.t))
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
    text = _text(update)
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
    name = " ".join((_text(update) or "").split())
    if not name or len(name) > NAME_MAX:
        return await ask_name(update, context, context.t("settings.name.invalid", max=NAME_MAX))
    context.person = await _update(context, _uid(update), display_name=name)
    return await show_menu(update, context, context.t("settings.name.done", name=name))


async def cancel(update: Update, context: TongxinContext) -> int:
    """/cancel inside settings: leave, back to the main menu."""
    return await _end_home(update, context, "home.cancelled")


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help inside settings: leave settings and show help with the main menu."""
    await help_command(update, context)
    return ConversationHandler.END


async def menu_command(update: Update, context: TongxinContext) -> int:
    """/menu inside settings: leave, main menu."""
    return await _end_home(update, context)


ASK: dict[str, Step] = {
    "language": ask_language,
    "place": ask_town,
    "elder": ask_elder,
    "topics": ask_topics,
    "name": ask_name,
}


class EntryButton(MenuButton):
    """The ⚙️ menu button; a bare number re-enters only when no settings screen is open.

    With ``allow_reentry`` entry points are checked before the states, so "6" typed on a
    settings screen must mean that screen's choice 6, not the main menu's item 6.
    """

    def __init__(self, i18n: Catalogues) -> None:
        super().__init__(i18n, "settings")
        self.conversation: ConversationHandler | None = None

    def filter(self, message: Message) -> bool:
        """True for the ⚙️ button, its words, or its number outside the conversation."""
        if not super().filter(message):
            return False
        if not _BARE_NUMBER.match(message.text or "") or self.conversation is None:
            return True
        key = (message.chat.id, message.from_user.id if message.from_user else 0)
        return self.conversation._conversations.get(key) is None


def handlers(i18n: Catalogues) -> list[BaseHandler]:
    """The settings conversation (persistent: survives a restart)."""
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    entry = EntryButton(i18n)

    def state(step: Step) -> list[BaseHandler]:
        return [MessageHandler(anything, _screen(step))]

    conversation: ConversationHandler = ConversationHandler(
        entry_points=[CommandHandler("settings", start), MessageHandler(entry, start)],
        states={
            MENU: state(on_menu),
            LANGUAGE: state(on_language),
            TOWN: state(on_town),
            COMMUNITY: state(on_community),
            ELDER: state(on_elder),
            TOPICS: state(on_topic),
            NAME: state(on_name),
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_inside),
            CommandHandler("menu", menu_command),
        ],
        name="settings",
        persistent=True,
        allow_reentry=True,
    )
    entry.conversation = conversation
    return [conversation]
