"""Booking screens, first half: who for, the resident, what, where, which day.

Each ``ask_*`` shows one question and remembers the choices it showed in the draft, so an answer
("3") is matched against what the person saw, even if the slot list changed meanwhile. The slot,
party, summary and waitlist screens are in ``handlers.booking.book.slot_screens``; the answers in
``handlers.booking.book.steps``; the wiring in ``handlers.booking.book.flow``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.receipts import MORE_DAYS, day_options
from handlers.kit import Option, choice_keyboard, match_option, message_text, reply
from models.booking.slots import OpenSlot, slot_with_place, venues_of_kind
from models.core.base import utcnow
from models.core.people import Person
from models.core.places import ServiceCentre, Town, Venue, VenueKind, list_towns

WHO, PHONE, RESIDENT, KIND, PLACE, DAY, SLOT, PARTY, CONFIRM, WAITLIST = range(10)
DRAFT = "booking.draft"
ANY = "any"
NEAREST = "__nearest__"
MORE = "__more__"
_BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")


def draft(context: TongxinContext) -> dict[str, Any]:
    """The booking being put together (in user_data, so it survives a restart)."""
    data = context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]
    assert isinstance(data, dict)
    return data


def lead(first: str, text: str) -> str:
    """A short remark (an error, "not understood") above the question."""
    return f"{first}\n\n{text}" if first else text


async def show(
    update: Update,
    context: TongxinContext,
    text: str,
    options: Sequence[Option],
    state: int,
    *,
    extra: Sequence[Option] = (),
) -> int:
    """Send the question with its numbered choices (and unnumbered ``extra`` ones) and ⬅️/🏠."""
    draft(context)["shown"] = [[o.key, o.label] for o in options]
    draft(context)["extra"] = [[o.key, o.label] for o in extra]
    keyboard = choice_keyboard(options, context.t, extra_rows=[[o.label] for o in extra])
    await reply(update, context, text, keyboard)
    return state


def chosen(update: Update, context: TongxinContext) -> str | None:
    """The key of the shown choice the person picked, or None."""
    text = message_text(update)
    shown = [Option(k, label) for k, label in draft(context).get("shown", [])]
    choice = match_option(text, shown)
    if choice is None and text and not _BARE_NUMBER.match(text):
        for key, label in draft(context).get("extra", []):
            if match_option(text, [Option(key, label)]) is not None:
                return str(key)
    return choice.key if choice else None


def now_local(context: TongxinContext) -> datetime:
    """Now, in the towns' time zone."""
    return utcnow().astimezone(context.services.settings.tz)


async def target_person(context: TongxinContext) -> Person:
    """Who the booking is for: the resident named by a proxy, or the person talking."""
    assert context.person is not None
    resident_id = draft(context).get("resident_id")
    if not resident_id:
        return context.person
    async with context.services.sessions() as session:
        resident = await session.get(Person, resident_id)
    assert resident is not None
    return resident


async def venues_of(
    context: TongxinContext, kind: str, town_id: int | None = None
) -> list[tuple[Venue, ServiceCentre]]:
    """Active venues of a kind (in one town, or any), with their centres."""
    async with context.services.sessions() as session:
        return await venues_of_kind(session, kind, town_id)


async def slot_view(context: TongxinContext, slot_id: int) -> OpenSlot | None:
    """A slot with its venue and centre (whether or not it has places left)."""
    async with context.services.sessions() as session:
        return await slot_with_place(session, slot_id)


def kind_label(context: TongxinContext, kind: str) -> str:
    """A kind of venue or service, in words."""
    return context.t(f"booking.kind.{kind}")


async def place_label(context: TongxinContext) -> str:
    """The chosen town's name, or "any centre"."""
    town_id = draft(context).get("town_id")
    if town_id is None:
        return context.t("booking.place.any.short")
    async with context.services.sessions() as session:
        town = await session.get(Town, town_id)
    return town.name(context.lang) if town else "—"


async def ask_who(update: Update, context: TongxinContext, first: str = "") -> int:
    """For myself, or for a family member / resident (proxy)."""
    t = context.t
    options = [Option("self", t("booking.who.self")), Option("proxy", t("booking.who.proxy"))]
    return await show(update, context, lead(first, t("booking.ask_who")), options, WHO)


async def ask_phone(update: Update, context: TongxinContext, first: str = "") -> int:
    """The resident's phone number, typed."""
    text = lead(first, context.t("booking.ask_phone"))
    return await show(update, context, text, [], PHONE)


async def ask_resident(update: Update, context: TongxinContext, first: str = "") -> int:
    """Is this the resident you mean?"""
    t, data = context.t, draft(context)
    resident = await target_person(context)
    async with context.services.sessions() as session:
        town = await session.get(Town, resident.town_id) if resident.town_id else None
    text = t(
        "booking.ask_resident",
        name=data.get("resident_name") or "—",
        town=town.name(context.lang) if town else "—",
    )
    options = [Option("yes", t("booking.resident.yes")), Option("no", t("booking.resident.no"))]
    return await show(update, context, lead(first, text), options, RESIDENT)


async def ask_kind(update: Update, context: TongxinContext, first: str = "") -> int:
    """What to book: one of the six kinds."""
    t, data = context.t, draft(context)
    for key in ("kind", "town_id", "day", "slot_id", "party", "full_mode"):
        data.pop(key, None)
    options = [Option(kind.value, kind_label(context, kind.value)) for kind in VenueKind]
    if data.get("resident_id"):
        text = t("booking.ask_kind.proxy", name=data.get("resident_name") or "—")
    else:
        text = t("booking.ask_kind")
    return await show(update, context, lead(first, text), options, KIND)


async def ask_place(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which town (the centres there offering the kind), or any centre of both towns."""
    t, kind = context.t, str(draft(context)["kind"])
    venues = await venues_of(context, kind)
    async with context.services.sessions() as session:
        towns = await list_towns(session)
    options = []
    for town in towns:
        centres = dict.fromkeys(c.name(context.lang) for _v, c in venues if c.town_id == town.id)
        if centres:
            names = t("booking.place.sep").join(centres)
            label = t("booking.place.town", town=town.name(context.lang), centres=names)
            options.append(Option(str(town.id), label))
    options.append(Option(ANY, t("booking.place.any")))
    text = t("booking.ask_place", kind=kind_label(context, kind))
    return await show(update, context, lead(first, text), options, PLACE)


async def day_pages(context: TongxinContext) -> int:
    """How many pages of days to offer: as far ahead as the venues take bookings."""
    data = draft(context)
    venues = await venues_of(context, str(data["kind"]), data.get("town_id"))
    horizon = max((v.horizon_days for v, _c in venues), default=7)
    return max(1, math.ceil((horizon + 1) / 7))


async def ask_day(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which day: 今天 / 明天 / 后天 / weekdays / more days, or the nearest free slots."""
    t, data = context.t, draft(context)
    data.pop("full_mode", None)
    page = int(data.get("day_page", 0)) % await day_pages(context)
    data["day_page"] = page
    options = day_options(context, now_local(context).date(), page)
    text = t(
        "booking.ask_day",
        kind=kind_label(context, str(data["kind"])),
        place=await place_label(context),
    )
    extra = [Option(NEAREST, t("booking.day.nearest"))]
    return await show(update, context, lead(first, text), options, DAY, extra=extra)


def is_more_days(key: str) -> bool:
    """Whether the "more days" choice was picked."""
    return key == MORE_DAYS
