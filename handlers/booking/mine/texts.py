"""How 我的预约与提醒 words a booking: its place and time, and the labels of the list."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import TongxinContext
from bot.timefmt import format_span, format_when
from handlers.kit import Option
from models.booking import BOOKING, BookingView, MineItem


def place(context: TongxinContext, view: BookingView) -> dict[str, str]:
    """Venue, centre and time of a booking, as the confirmations say them."""
    lang, tz = context.lang, context.services.settings.tz
    return {
        "venue": view.venue.name(lang),
        "centre": view.centre.name(lang),
        "when": format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
    }


def _label(context: TongxinContext, item: MineItem) -> str:
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    where = item.venue.name(lang)
    if item.kind == BOOKING:
        when = format_span(item.slot.starts_at, item.slot.ends_at, lang, tz)
        status = t(f"mine.status.{item.status}")
        if item.resident is None:
            return t("mine.option.booking", when=when, venue=where, status=status)
        return t("mine.option.proxy", name=item.resident, when=when, venue=where, status=status)
    when = format_when(item.slot.starts_at, lang, tz)
    if item.offered:
        return t("mine.option.offered", when=when, venue=where)
    return t("mine.option.waiting", when=when, venue=where, position=item.position)


def list_options(context: TongxinContext, items: Sequence[MineItem]) -> list[Option]:
    """One choice per item."""
    return [Option(item.key, _label(context, item)) for item in items]
