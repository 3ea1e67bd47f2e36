"""privacy flow (being built)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.i18n import Catalogues


def handlers(i18n: Catalogues) -> list[BaseHandler]:  # type: ignore[type-arg]
    """This flow's handlers."""
    return []
