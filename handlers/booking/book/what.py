"""What to book (one of the six kinds, and "for someone else" last when "for whom?" was not
asked) and where: a town, with its centres offering the kind named on the button, or any centre
of both towns.

"Where?" is asked only when there is no sensible default (``default_town``: the only town
offering the kind, or the resident's own); the day question names the town, and ⬅️ there is
"where?", so another town is one tap away.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.book.draft import (
    ANY,
    KIND,
    PLACE,
    booking_draft,
    forget_search,
    home_town,
    kind_label,
    not_understood,
)
from handlers.booking.book.phone import ask_phone
from handlers.booking.book.when import ask_day
from handlers.kit import Option, ask, chosen, run
from models.booking import default_town, place_choices
from models.core.places import VenueKind

KINDS = frozenset(kind.value for kind in VenueKind)
PROXY = "proxy"  # the kind screen's last choice: booking for someone else


async def ask_kind(update: Update, context: TongxinContext, first: str = "") -> int:
    """What to book: one of the six kinds (what was chosen after it is forgotten)."""
    t, data = context.t, booking_draft(context)
    forget_search(data)
    options = [Option(kind.value, kind_label(context, kind.value)) for kind in VenueKind]
    if not data.get("who_asked") and not data.get("proxy"):
        options.append(Option(PROXY, t("booking.kind.proxy")))
    if data.get("resident_id"):
        text = t("booking.ask_kind.proxy", name=data.get("resident_name") or "—")
    else:
        text = t("booking.ask_kind")
    return await ask(update, context, text, options, KIND, first=first)


async def on_kind(update: Update, context: TongxinContext) -> int:
    """What to book (or for someone else); then where, unless the town goes without saying."""
    key, data = chosen(update, context), booking_draft(context)
    if key == PROXY and not data.get("proxy"):
        data["proxy"] = True
        return await ask_phone(update, context)
    if key is None or key not in KINDS:
        return await ask_kind(update, context, not_understood(context))
    data["kind"] = key
    town = await run(context, default_town, kind=key, home_town_id=home_town(context))
    if town is None:
        return await ask_place(update, context)
    data["town_id"], data["day_page"] = town.id, 0
    return await ask_day(update, context)


async def ask_place(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which town (the centres there offering the kind), or any centre of both towns."""
    t, lang, data = context.t, context.lang, booking_draft(context)
    if "kind" not in data:
        return await ask_kind(update, context)
    kind = data["kind"]
    options = []
    for choice in await run(context, place_choices, kind=kind, home_town_id=home_town(context)):
        names = t("booking.place.sep").join(centre.name(lang) for centre in choice.centres)
        label = t("booking.place.town", town=choice.town.name(lang), centres=names)
        options.append(Option(str(choice.town.id), label))
    options.append(Option(ANY, t("booking.place.any")))
    text = t("booking.ask_place", kind=kind_label(context, kind))
    return await ask(update, context, text, options, PLACE, first=first)


async def on_place(update: Update, context: TongxinContext) -> int:
    """Which town, or any centre."""
    key = chosen(update, context)
    if key is None:
        return await ask_place(update, context, not_understood(context))
    data = booking_draft(context)
    data["town_id"] = None if key == ANY else int(key)
    data["day_page"] = 0
    return await ask_day(update, context)
