"""Settings and privacy: language, town, elder mode, topics, name; /mydata and /deleteme."""

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.kit import Feature, MenuEntry, Wiring
from handlers.settings import flow, privacy


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [*flow.handlers(wiring), *privacy.handlers(wiring)]


FEATURE = Feature(
    name="settings",
    handlers=_handlers,
    menu=[MenuEntry("settings", N_("menu.settings"), 60)],
)

__all__ = ["FEATURE"]
