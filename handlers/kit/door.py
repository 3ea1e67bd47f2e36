"""``/checkin`` across domains: the rows other features add under booking's list of today's slots.

A feature declares ``Feature.checkin`` (an async function giving inline button rows for the
person talking: today's events, say); the registry publishes them in ``application.bot_data``,
and the check-in screen asks ``checkin_rows`` for them, so booking never imports another domain.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram.ext import Application

from bot.context import TongxinContext
from handlers.kit.feature import CheckinRows
from handlers.kit.taps import Buttons

CHECKIN_KEY = "tongxin.checkin_rows"


def publish_checkin_rows(application: Application, sources: Sequence[CheckinRows]) -> None:  # type: ignore[type-arg]
    """Make ``sources`` the rows ``/checkin`` shows besides the slots (the registry does this)."""
    application.bot_data[CHECKIN_KEY] = tuple(sources)


async def checkin_rows(context: TongxinContext) -> Buttons:
    """Every feature's rows for ``/checkin``, in registry order."""
    rows: Buttons = []
    for source in context.application.bot_data.get(CHECKIN_KEY, ()):
        rows.extend(await source(context))
    return rows
