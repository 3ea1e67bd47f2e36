"""Home: the main menu's own items (help), the commands that work anywhere, the catch-all."""

from bot.i18n import N_
from handlers.home.commands import handlers
from handlers.home.placeholders import PLACEHOLDERS
from handlers.kit import Feature, MenuEntry

# What people ask for help by, in either language (read at the main menu).
HELP_WORDS = ("帮助", "帮忙", "求助", "怎么用", "不会用", "电话", "help", "how", "phone")
FEATURE = Feature(
    name="home", handlers=handlers, menu=[MenuEntry("help", N_("menu.help"), 70, HELP_WORDS)]
)

__all__ = ["FEATURE", "PLACEHOLDERS"]
