"""How 我的预约与提醒 words a booking: its place and time, and the labels of the list.

A label names the venue and its centre; when two items would still read the same (same venue
and centre names, same time: a room of the same name in each town), both name the town too.
"""

from __future__ import annotations

from collections import Counter
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


def _where(context: TongxinContext, item: MineItem, with_town: bool) -> str:
    lang = context.lang
    names = {"venue": item.venue.name(lang), "centre": item.centre.name(lang)}
    if with_town:
        return context.t("mine.place.town", town=item.town.name(lang), **names)
    return context.t("mine.place", **names)


def _label(context: TongxinContext, item: MineItem, with_town: bool) -> str:
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    where = _where(context, item, with_town)
    if item.kind == BOOKING:
        when = format_span(item.slot.starts_at, item.slot.ends_at, lang, tz)
        status = t(f"mine.status.{item.status}")
        if item.resident is None:
            return t("mine.option.booking", when=when, place=where, status=status)
        return t("mine.option.proxy", name=item.resident, when=when, place=where, status=status)
    when = format_when(item.slot.starts_at, lang, tz)
    if item.offered:
        return t("mine.option.offered", when=when, place=where)
    return t("mine.option.waiting", when=when, place=where, position=item.position)


def list_options(context: TongxinContext, items: Sequence[MineItem]) -> list[Option]:
    """One choice per item; the town is named where two would otherwise read the same."""
    plain = [_label(context, item, with_town=False) for item in items]
    repeated = {label for label, count in Counter(plain).items() if count > 1}
    return [
        Option(item.key, _label(context, item, with_town=True) if label in repeated else label)
        for item, label in zip(items, plain, strict=True)
    ]
