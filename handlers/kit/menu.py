"""The main menu: its items, its keyboard and a filter that recognises its buttons."""

from __future__ import annotations

from telegram import Message, ReplyKeyboardMarkup
from telegram.ext import filters

from bot.i18n import N_, Catalogues, Translator
from handlers.kit.ui import Option, choice_keyboard, match_option

# Order is the numbering residents see; keys are stable.
MAIN_MENU: tuple[tuple[str, str], ...] = (
    ("book", N_("menu.book")),
    ("events", N_("menu.events")),
    ("disputes", N_("menu.disputes")),
    ("mine", N_("menu.mine")),
    ("suggest", N_("menu.suggest")),
    ("settings", N_("menu.settings")),
    ("help", N_("menu.help")),
)


def main_menu_options(t: Translator) -> list[Option]:
    """The main menu items, translated."""
    return [Option(key, t(msgid)) for key, msgid in MAIN_MENU]


def main_menu_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    """Big two-per-row main menu; it is the top, so it has no Back or Main menu row."""
    return choice_keyboard(main_menu_options(t), t, columns=2, back=False, home=False)


class MenuButton(filters.MessageFilter):
    """Matches a main menu item by its label (in any language), its words or its number."""

    def __init__(self, i18n: Catalogues, key: str) -> None:
        super().__init__(name=f"MenuButton({key})", data_filter=False)
        self._key = key
        self._menus = [main_menu_options(i18n.translator(lang)) for lang in i18n.languages]

    def filter(self, message: Message) -> bool:
        """True when the message picks this menu item."""
        text = message.text
        if not text or text.startswith("/"):
            return False
        return any(
            (chosen := match_option(text, menu)) is not None and chosen.key == self._key
            for menu in self._menus
        )
