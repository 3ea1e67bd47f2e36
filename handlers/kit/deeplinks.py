"""``/start <payload>`` deep links, routed by prefix to the feature that owns them.

The registry stores the table in ``application.bot_data``; onboarding's ``/start`` asks
``follow_deep_link`` first and shows the menu only when no feature took the payload.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application

from bot.context import TongxinContext
from handlers.kit.feature import DeepLink

DEEP_LINKS_KEY = "tongxin.deep_links"


def publish_deep_links(application: Application, links: Sequence[DeepLink]) -> None:  # type: ignore[type-arg]
    """Make ``links`` the application's deep links (the registry does this once)."""
    application.bot_data[DEEP_LINKS_KEY] = tuple(links)


def deep_link_for(context: TongxinContext, payload: str | None) -> DeepLink | None:
    """The deep link whose prefix starts ``payload`` (and has something after it), if any."""
    if not payload:
        return None
    links: Sequence[DeepLink] = context.application.bot_data.get(DEEP_LINKS_KEY, ())
    for link in links:
        if payload.startswith(link.prefix) and len(payload) > len(link.prefix):
            return link
    return None


async def follow_deep_link(update: Update, context: TongxinContext, payload: str | None) -> bool:
    """Run the feature's deep-link callback for ``payload``; False when none owns it."""
    link = deep_link_for(context, payload)
    if link is None or payload is None:
        return False
    await link.callback(update, context, payload[len(link.prefix) :])
    return True
