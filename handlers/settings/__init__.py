"""Settings and privacy: language, town, elder mode, topics, name; /mydata and /deleteme."""

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.kit import Feature, MenuEntry, Wiring
from handlers.settings import flow, privacy

# What people ask for settings by, in either language (read at the main menu).
SETTINGS_WORDS = ("设置", "设定", "改名字", "改语言", "换语言", "settings", "language")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [*flow.handlers(wiring), *privacy.handlers(wiring)]


FEATURE = Feature(
    name="settings",
    handlers=_handlers,
    menu=[MenuEntry("settings", N_("menu.settings"), 60, SETTINGS_WORDS)],
)

__all__ = ["FEATURE"]
