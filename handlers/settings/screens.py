"""/settings screens: the menu with every current value, and one question per item.

Each answer calls one use case of ``models.settings``, which returns the settings as they now
are, and the menu is shown again with what changed above it.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import KeyboardButton, Update

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit import (
    END,
    Option,
    Step,
    ask,
    chosen,
    draft,
    error_text,
    me,
    message_text,
    page_of,
    run,
)
from handlers.settings import privacy
from models.core.errors import DomainError
from models.core.people import LANGUAGES, NOTICE_TOPICS, mask_phone
from models.settings import (
    SettingsView,
    change_language,
    change_phone,
    community_choices,
    move_home,
    rename,
    set_elder_mode,
    settings_view,
    switch_topic,
    town_choices,
)

MENU, LANGUAGE, TOWN, COMMUNITY, ELDER, TOPICS, NAME, PHONE = range(8)
MORE = "__more__"


class SettingsDraft(TypedDict, total=False):
    """The town chosen before its community, and the page of communities shown."""

    town_id: int
    page: int


def _language_name(t: Translator, lang: str | None) -> str:
    return t(f"settings.language.{lang or 'zh_CN'}")


def _menu_text(t: Translator, view: SettingsView) -> str:
    person, unset = view.person, t("settings.unset")
    topics = [t(f"topic.{k}") for k in view.receiving]
    return t(
        "settings.menu",
        language=_language_name(t, person.language),
        town=view.town.name(t.language) if view.town else unset,
        community=view.community.name(t.language) if view.community else unset,
        elder=t("settings.elder.on" if person.elder_mode else "settings.elder.off"),
        topics=t("settings.topics.list_sep").join(topics) if topics else t("settings.topics.none"),
        name=person.display_name or unset,
        phone=mask_phone(person.phone) or unset,
    )


async def show_menu(
    update: Update, context: TongxinContext, first: str = "", view: SettingsView | None = None
) -> int:
    """The settings menu with every current value (``view``: as a use case just returned it)."""
    if view is None:
        view = await run(context, settings_view, person=me(context))
    options = [Option(k, context.t(f"settings.item.{k}")) for k in MENU_ITEMS]
    return await ask(update, context, _menu_text(context.t, view), options, MENU, first=first)


async def on_menu(update: Update, context: TongxinContext) -> int:
    """A settings item was chosen: its question."""
    question = MENU_QUESTIONS.get(chosen(update, context) or "")
    if question is None:
        return await show_menu(update, context, context.t("settings.not_understood"))
    return await question(update, context)


async def ask_language(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which language."""
    options = [Option(lang, _language_name(context.t, lang)) for lang in LANGUAGES]
    return await ask(
        update, context, context.t("settings.language.ask"), options, LANGUAGE, first=first
    )


async def on_language(update: Update, context: TongxinContext) -> int:
    """Switch language; the confirmation and every next screen use it at once."""
    key = chosen(update, context)
    if key is None:
        return await ask_language(update, context, context.t("settings.not_understood"))
    view = await run(context, change_language, person=me(context), language=key)
    context.lang = key
    done = context.t("settings.language.done", language=_language_name(context.t, key))
    return await show_menu(update, context, done, view)


async def ask_town(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which town."""
    towns = await run(context, town_choices)
    options = [Option(str(town.id), town.name(context.t.language)) for town in towns]
    return await ask(update, context, context.t("settings.town.ask"), options, TOWN, first=first)


async def on_town(update: Update, context: TongxinContext) -> int:
    """Remember the town (nothing is saved until the community is chosen)."""
    key = chosen(update, context)
    if key is None:
        return await ask_town(update, context, context.t("settings.not_understood"))
    data = draft(context, SettingsDraft)
    data["town_id"], data["page"] = int(key), 0
    return await ask_community(update, context)


async def ask_community(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which community of the chosen town (a page at a time)."""
    data = draft(context, SettingsDraft)
    if "town_id" not in data:
        return await ask_town(update, context)
    try:
        found = await run(context, community_choices, town_id=data["town_id"])
    except DomainError as error:
        return await ask_town(update, context, error_text(context, error))
    options = [Option(str(c.id), c.name(context.t.language)) for c in found.communities]
    page, _pages = page_of(options, data.get("page", 0), context)
    text = context.t("settings.community.ask", town=found.town.name(context.t.language))
    return await ask(update, context, text, page, COMMUNITY, first=first)


async def on_community(update: Update, context: TongxinContext) -> int:
    """Save town and community together; the domain refuses a community of another town."""
    data, key = draft(context, SettingsDraft), chosen(update, context)
    if key is None or "town_id" not in data:
        return await ask_community(update, context, context.t("settings.not_understood"))
    if key == MORE:
        data["page"] = data.get("page", 0) + 1
        return await ask_community(update, context)
    try:
        view = await run(
            context, move_home, person=me(context), town_id=data["town_id"], community_id=int(key)
        )
    except DomainError as error:
        return await ask_town(update, context, error_text(context, error))
    data.pop("town_id", None)
    data.pop("page", None)
    lang = context.t.language
    town = view.town.name(lang) if view.town else ""
    community = view.community.name(lang) if view.community else ""
    done = context.t("settings.place.done", town=town, community=community)
    return await show_menu(update, context, done, view)


async def ask_elder(update: Update, context: TongxinContext, first: str = "") -> int:
    """Elder mode on or off, explained in one sentence."""
    t = context.t
    now = t("settings.elder.on" if me(context).elder_mode else "settings.elder.off")
    options = [
        Option("on", t("settings.elder.turn_on")),
        Option("off", t("settings.elder.turn_off")),
    ]
    return await ask(
        update, context, t("settings.elder.ask", state=now), options, ELDER, first=first
    )


async def on_elder(update: Update, context: TongxinContext) -> int:
    """Turn elder mode on or off."""
    key = chosen(update, context)
    if key not in ("on", "off"):
        return await ask_elder(update, context, context.t("settings.not_understood"))
    view = await run(context, set_elder_mode, person=me(context), on=key == "on")
    return await show_menu(update, context, context.t(f"settings.elder.done_{key}"), view)


def _topic_label(t: Translator, topic: str, muted: frozenset[str]) -> str:
    msgid = "settings.topic.off" if topic in muted else "settings.topic.on"
    return t(msgid, topic=t(f"topic.{topic}"))


async def ask_topics(
    update: Update, context: TongxinContext, first: str = "", view: SettingsView | None = None
) -> int:
    """Each notice topic with its state; choosing one switches it."""
    if view is None:
        view = await run(context, settings_view, person=me(context))
    options = [Option(k, _topic_label(context.t, k, view.muted)) for k in NOTICE_TOPICS]
    bare = [Option(k, context.t(f"topic.{k}")) for k in NOTICE_TOPICS]  # the bare names too
    text = context.t("settings.topics.ask")
    return await ask(update, context, text, options, TOPICS, first=first, aliases=bare)


async def on_topic(update: Update, context: TongxinContext) -> int:
    """Switch one topic and say what changed."""
    key = chosen(update, context)
    if key not in NOTICE_TOPICS:
        return await ask_topics(update, context, context.t("settings.not_understood"))
    change = await run(context, switch_topic, person=me(context), topic=key)
    msgid = "settings.topic.done_on" if change.receiving else "settings.topic.done_off"
    done = context.t(msgid, topic=context.t(f"topic.{key}"))
    return await ask_topics(update, context, done, change.settings)


async def ask_name(update: Update, context: TongxinContext, first: str = "") -> int:
    """How we should address you (free text)."""
    t = context.t
    text = t("settings.name.ask", name=me(context).display_name or t("settings.unset"))
    return await ask(update, context, text, [], NAME, first=first)


async def on_name(update: Update, context: TongxinContext) -> int:
    """Save the new form of address (the same rules as at registration)."""
    try:
        view = await run(
            context,
            rename,
            person=me(context),
            name=message_text(update),
            admin_ids=context.services.settings.admin_ids,
        )
    except DomainError as error:
        return await ask_name(update, context, error_text(context, error))
    done = context.t("settings.name.done", name=view.person.display_name)
    return await show_menu(update, context, done, view)


async def ask_phone(update: Update, context: TongxinContext, first: str = "") -> int:
    """Share one's own number with the contact button (the number kept now is shown masked)."""
    t = context.t
    now = mask_phone(me(context).phone) or t("settings.unset")
    share = [[KeyboardButton(t("settings.phone.share"), request_contact=True)]]
    text = t("settings.phone.ask", phone=now)
    return await ask(update, context, text, [], PHONE, first=first, top_rows=share)


async def on_phone(update: Update, context: TongxinContext) -> int:
    """Keep the shared number: only one's own contact, and only a number no one else has."""
    message, user = update.effective_message, update.effective_user
    contact = message.contact if message else None
    if contact is None:
        return await ask_phone(update, context, context.t("settings.phone.not_understood"))
    if user is None or contact.user_id != user.id:
        return await ask_phone(update, context, context.t("settings.phone.not_yours"))
    try:
        view = await run(context, change_phone, person=me(context), phone=contact.phone_number)
    except DomainError as error:  # someone else's number already, or no number at all
        return await ask_phone(update, context, error_text(context, error))
    done = context.t("settings.phone.done", phone=mask_phone(view.person.phone) or "")
    return await show_menu(update, context, done, view)


async def show_my_data(update: Update, context: TongxinContext) -> int:
    """ "📄 查看我的信息": everything stored, as a file, then the settings menu again."""
    await privacy.mydata(update, context)
    return await show_menu(update, context)


async def delete_my_data(update: Update, context: TongxinContext) -> int:
    """ "🗑️ 删除我的信息": leave settings for the deletion question (last item: never choice 1)."""
    await privacy.delete_from_settings(update, context)
    return END


# The menu's items in their order, each with the question it asks (after the questions).
MENU_QUESTIONS: dict[str, Step] = {
    "language": ask_language,
    "place": ask_town,
    "elder": ask_elder,
    "topics": ask_topics,
    "name": ask_name,
    "phone": ask_phone,
    "mydata": show_my_data,
    "delete": delete_my_data,
}
MENU_ITEMS = tuple(MENU_QUESTIONS)
