"""Home: the main menu's own items (help), the commands that work anywhere, the catch-all."""

from bot.i18n import N_
from handlers.home.commands import handlers
from handlers.home.placeholders import PLACEHOLDERS
from handlers.kit import Feature, MenuEntry

FEATURE = Feature(name="home", handlers=handlers, menu=[MenuEntry("help", N_("menu.help"), 70)])

__all__ = ["FEATURE", "PLACEHOLDERS"]
