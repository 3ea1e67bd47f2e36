"""The main menu: assembled by the registry from the features' entries, shown and recognised.

The registry stores the assembled ``MainMenu`` in ``application.bot_data`` (never persisted),
so any screen can show the menu with ``main_menu_keyboard(context)``; flows recognise their
entry with the ``MenuButton`` filter, by label (in any language), words or number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from telegram import Message, ReplyKeyboardMarkup, Update
from telegram.ext import Application, BaseHandler, CommandHandler, ConversationHandler, filters

from bot.context import TongxinContext
from bot.i18n import Catalogues, Translator
from handlers.kit.db import run
from handlers.kit.feature import MenuEntry
from handlers.kit.person import current_scopes
from handlers.kit.replies import reply, reply_not_registered
from handlers.kit.ui import (
    DENSE,
    Layout,
    Option,
    choice_keyboard,
    is_nav,
    layout,
    match_option,
    prompt,
)
from models.core.authz import Action, holds
from models.core.catalogue import list_centres
from models.core.words import Means

MENU_KEY = "tongxin.main_menu"
PICKS_KEPT = 4096  # texts whose menu item is remembered (MainMenu.picked)


class MainMenu:
    """The main menu's items in their order (the numbering residents see)."""

    def __init__(self, entries: Sequence[MenuEntry]) -> None:
        self.entries = tuple(sorted(entries, key=lambda entry: entry.order))
        self._picks: dict[tuple[int, str], frozenset[str]] = {}
        self._keyboards: dict[tuple[str, Layout, int], ReplyKeyboardMarkup] = {}

    def picked(self, i18n: Catalogues, text: str) -> frozenset[str]:
        """The items ``text`` picks in any language (its label, number or words).

        Every entry point's ``MenuButton`` asks this of each message outside a flow; the answer
        is kept (a few thousand texts), so the matcher runs once per text, not once per button.
        """
        key = (id(i18n), text)
        found = self._picks.get(key)
        if found is None:
            if len(self._picks) > PICKS_KEPT:
                self._picks.clear()
            menus = [self.options(i18n.translator(lang)) for lang in i18n.languages]
            found = frozenset(
                chosen.key for options in menus if (chosen := match_option(text, options))
            )
            self._picks[key] = found
        return found

    def options(self, t: Translator) -> list[Option]:
        """The items, translated."""
        return [
            Option(entry.key, t(entry.label), Means(words=entry.words) if entry.words else None)
            for entry in self.entries
        ]

    def keyboard(self, t: Translator, shape: Layout = DENSE, page: int = 0) -> ReplyKeyboardMarkup:
        """Big buttons, two a row where the layout allows; it is the top, so no ⬅️ or 🏠 row.

        When the items do not fit the layout (elder mode), the first page ends in "more" and
        the second holds the rest with ⬅️; items keep their numbers on either page, so a typed
        number always means the same item. Made once per language, layout and page (a frozen
        keyboard, shown after every finished flow)."""
        key = (t.language, shape, page % 2)
        found = self._keyboards.get(key)
        if found is None:
            found = self._keyboards[key] = self._keyboard(t, shape, page)
        return found

    def _keyboard(self, t: Translator, shape: Layout, page: int) -> ReplyKeyboardMarkup:
        options = self.options(t)
        if len(options) <= shape.choices:
            return choice_keyboard(options, t, columns=2, back=False, home=False, shape=shape)
        labels = [f"{n}. {o.label}" for n, o in enumerate(options, start=1)]
        first = shape.choices - 1
        if page % 2 == 0:
            rows = [[label] for label in labels[:first]] + [[t("nav.more")]]
        else:
            rows = [[label] for label in labels[first:]] + [[t("nav.back")]]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def publish_main_menu(application: Application, menu: MainMenu) -> None:  # type: ignore[type-arg]
    """Make ``menu`` the application's main menu (the registry does this once, at build time)."""
    application.bot_data[MENU_KEY] = menu


def main_menu(context: TongxinContext) -> MainMenu:
    """The application's main menu (put there by the registry)."""
    menu = context.application.bot_data.get(MENU_KEY)
    if not isinstance(menu, MainMenu):
        raise RuntimeError("the main menu is missing: build the application with bot.registry")
    return menu


def main_menu_keyboard(context: TongxinContext, page: int = 0) -> ReplyKeyboardMarkup:
    """The main menu keyboard in the person's language and layout."""
    return main_menu(context).keyboard(context.t, layout(context), page)


async def show_main_menu(
    update: Update, context: TongxinContext, msgid: str = "home.prompt", **params: object
) -> None:
    """Show the main menu with a short line (``msgid`` filled with ``params``) above it."""
    await reply(update, context, prompt(context, msgid, **params), main_menu_keyboard(context))


async def show_more_menu(update: Update, context: TongxinContext) -> None:
    """The main menu's second page ("more" under a menu too long for the person's layout)."""
    if context.person is None or context.person.onboarded_at is None:
        await reply_not_registered(update, context)
        return
    keyboard = main_menu_keyboard(context, page=1)
    await reply(update, context, prompt(context, "home.prompt"), keyboard)


class MoreWords(filters.MessageFilter):
    """The "more" button (or its word) outside a flow: the main menu's second page."""

    def __init__(self, i18n: Catalogues) -> None:
        super().__init__(name="MoreWords", data_filter=False)
        self._translators = [i18n.translator(lang) for lang in i18n.languages]

    def filter(self, message: Message) -> bool:
        """True for the "more" label in any language."""
        return any(is_nav(message.text, t, "more") for t in self._translators)


class MenuButton(filters.MessageFilter):
    """Matches one main-menu item by its label (in any language), its words or its number."""

    def __init__(self, i18n: Catalogues, menu: MainMenu, key: str) -> None:
        super().__init__(name=f"MenuButton({key})", data_filter=False)
        if key not in {entry.key for entry in menu.entries}:
            raise ValueError(f"no main-menu item {key!r}")
        self._key, self._i18n, self._menu = key, i18n, menu

    def filter(self, message: Message) -> bool:
        """True when the message picks this menu item."""
        text = message.text
        if not text or text.startswith("/"):
            return False
        return self._key in self._menu.picked(self._i18n, text)


STAFF_COMMANDS_KEY = "tongxin.staff_commands"


def _command_handlers(handlers: Iterable[BaseHandler]) -> Iterator[CommandHandler]:  # type: ignore[type-arg]
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            yield handler
        elif isinstance(handler, ConversationHandler):
            yield from _command_handlers(handler.entry_points)


def staff_commands(application: Application) -> dict[str, Action]:  # type: ignore[type-arg]
    """Every command guarded by ``@requires``, found once among the registered handlers.

    Found, not listed: a feature's new staff command shows up in /help by being guarded.
    """
    found = application.bot_data.get(STAFF_COMMANDS_KEY)
    if not isinstance(found, dict):
        found = {}
        for group in sorted(application.handlers):
            for handler in _command_handlers(application.handlers[group]):
                action = getattr(handler.callback, "required_action", None)
                if isinstance(action, Action):
                    for command in sorted(handler.commands):
                        found.setdefault(command, action)
        application.bot_data[STAFF_COMMANDS_KEY] = found
    return found


async def _centres_text(context: TongxinContext) -> str:
    """Both service centres' names, addresses and phone numbers, the reader's own town first."""
    t, lang, person = context.t, context.lang, context.person
    town_id = person.town_id if person is not None else None
    centres = await run(context, list_centres, town_id=town_id)
    lines = [
        t(
            "help.centre",
            name=centre.name(lang),
            address=(centre.address_en if lang == "en" else "") or centre.address_zh or "—",
            phone=centre.phone or "—",
        )
        for centre in centres
    ]
    return t("help.centres", centres="\n\n".join(lines))


async def _help_text(context: TongxinContext) -> str:
    """The help and the centres to call, with the person's own staff commands after them
    (residents have none)."""
    t = context.t
    scopes = await current_scopes(context)
    lines = [
        t("help.staff.command", command=f"/{command}", what=t(f"help.command.{command}"))
        for command, action in staff_commands(context.application).items()
        if holds(scopes, action)
    ]
    text = f"{t('help.text')}\n\n{await _centres_text(context)}"
    if not lines:
        return text
    staff = t("help.staff", commands="\n".join(lines))
    return f"{text}\n\n{staff}"


async def show_help(update: Update, context: TongxinContext) -> None:
    """What the bot does and how to get around, then the menu (or how to start)."""
    person = context.person
    if person is not None and person.onboarded_at is not None:
        await reply(update, context, await _help_text(context), main_menu_keyboard(context))
    else:
        await reply_not_registered(update, context)
