"""Pieces the booking screens share: day and slot choices, and the receipt (text, ``.ics``
calendar file and check-in QR code). Rule errors in words are the kit's ``error_text``."""

from __future__ import annotations

import io
from collections.abc import Awaitable
from datetime import date, datetime, timedelta
from typing import Protocol, TypedDict
from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from bot.context import TongxinContext
from bot.timefmt import format_clock, format_day, format_span
from handlers.kit import Means, Option, chosen, error_text, room, send_file, send_text
from jobs.qr import qr_image, start_link
from models.booking import CHECKIN_LINK, DAYS_PER_PAGE, BookingStatus, BookingView, OpenSlot
from models.core.ics import calendar_file
from models.core.places import VenueKind

MORE_DAYS = "__more_days__"
__all__ = [  # error_text and DAYS_PER_PAGE too: "my bookings" reaches them here
    "DAYS_PER_PAGE",
    "MORE_DAYS",
    "Asked",
    "DayPages",
    "checkin_link",
    "day_options",
    "days_per_page",
    "error_text",
    "ics_file",
    "on_day_answer",
    "qr_png",
    "receipt_text",
    "send_qr",
    "send_receipt",
    "slot_option",
]


def days_per_page(context: TongxinContext, beside: int = 0) -> int:
    """How many days a day question shows, with "more days" and ``beside`` other choices."""
    return min(DAYS_PER_PAGE, room(context, beside + 1))


def day_options(
    context: TongxinContext, today: date, page: int = 0, *, beside: int = 0
) -> list[Option]:
    """今天 / 明天 / 后天, then the next days by weekday, then "more days"; keys are ISO dates.

    As many days as the person's layout leaves room for beside "more days" and ``beside``
    other choices (elder mode: four with "⚡ nearest", five without)."""
    t, lang = context.t, context.lang
    options = []
    per_page = days_per_page(context, beside)
    first = today + timedelta(days=page * per_page)
    for offset in range(per_page):
        day = first + timedelta(days=offset)
        ahead = (day - today).days
        words = format_day(day, lang, short=True)
        if ahead == 0:
            label = t("booking.day.today", day=words)
        elif ahead == 1:
            label = t("booking.day.tomorrow", day=words)
        elif ahead == 2:
            label = t("booking.day.after_tomorrow", day=words)
        else:
            label = words
        options.append(Option(day.isoformat(), label, Means(day=day)))
    options.append(Option(MORE_DAYS, t("booking.day.more")))
    return options


class DayPages(TypedDict, total=False):
    """What a day question keeps in the draft: its page of days, the day, the slots' page."""

    day_page: int
    day: str
    slot_page: int


class Asked(Protocol):
    """A question asked (again), with a short remark above it when ``first`` is given."""

    def __call__(self, update: Update, context: TongxinContext, first: str = "") -> Awaitable[int]:
        """Ask it."""


async def on_day_answer(
    update: Update,
    context: TongxinContext,
    data: DayPages,
    *,
    ask_day: Asked,
    then: Asked,
    not_understood: str,
) -> int:
    """A day was chosen: kept, with its slots from their first page (``then``); or more days."""
    key = chosen(update, context)
    if key is None:
        return await ask_day(update, context, not_understood)
    if key == MORE_DAYS:
        data["day_page"] = data.get("day_page", 0) + 1
        return await ask_day(update, context)
    data["day"], data["slot_page"] = key, 0
    return await then(update, context)


def slot_option(context: TongxinContext, found: OpenSlot, *, with_day: bool = False) -> Option:
    """One slot choice: time, place and places left; key is the slot id."""
    tz, lang = context.services.settings.tz, context.lang
    if with_day:
        when = format_span(found.slot.starts_at, found.slot.ends_at, lang, tz)
    else:
        when = f"{format_clock(found.slot.starts_at, tz)}–{format_clock(found.slot.ends_at, tz)}"
    label = context.t(
        "booking.slot.label",
        time=when,
        venue=found.venue.name(lang),
        centre=found.centre.name(lang),
        free=found.free,
    )
    return Option(str(found.slot.id), label)


def receipt_text(context: TongxinContext, view: BookingView, *, moved: bool = False) -> str:
    """What, where, when, how to get there and how to cancel, for the booking's status
    (``moved``: a confirmed booking just moved to another time says "改期成功")."""
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    venue, centre = view.venue, view.centre
    address = (venue.address_en or centre.address_en) if lang == "en" else ""
    address = address or venue.address_zh or centre.address_zh
    directions = venue.directions_en if lang == "en" else venue.directions_zh
    access = venue.accessibility_en if lang == "en" else venue.accessibility_zh
    status = view.booking.status
    msgid = {
        BookingStatus.PENDING_APPROVAL.value: "booking.receipt.pending_approval",
        BookingStatus.AWAITING_RESIDENT.value: "booking.receipt.awaiting_resident",
    }.get(status, "booking.receipt.moved" if moved else "booking.receipt.confirmed")
    text = t.n(
        msgid,
        view.booking.party_size,
        id=view.booking.id,
        venue=venue.name(lang),
        centre=centre.name(lang),
        when=format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
        party=view.booking.party_size,
        address=address or "—",
        directions=directions or "—",
        access=access or "—",
    )
    if venue.kind == VenueKind.HEALTH_CHECK.value:  # what a check-up needs, said up front
        return f"{text}\n\n{t('booking.bring.health_check')}"
    return text


def ics_file(view: BookingView, language: str, tz: ZoneInfo) -> InputFile:
    """The booking as an iCalendar file for the phone's calendar.

    The UID is the booking's, and SEQUENCE counts its moves: a moved booking's file updates
    the entry the phone already has instead of adding a second one.
    """
    address = view.venue.address_zh or view.centre.address_zh
    data = calendar_file(
        uid=f"booking-{view.booking.id}@tongxin",
        sequence=view.booking.revision,
        starts_at=view.slot.starts_at,
        ends_at=view.slot.ends_at,
        summary=view.venue.name(language),
        location=f"{view.centre.name(language)} {address}".strip(),
        stamp=datetime.now(tz),
    )
    return InputFile(io.BytesIO(data), filename=f"booking-{view.booking.id}.ics")


def checkin_link(bot_username: str, code: str) -> str:
    """The deep link in the receipt's QR code; a volunteer's scan opens the check-in."""
    return start_link(bot_username, CHECKIN_LINK + code)


def qr_png(link: str) -> InputFile:
    """The receipt's check-in QR code, ready to send."""
    return InputFile(io.BytesIO(qr_image(link)), filename="checkin.png")


async def send_receipt(
    context: TongxinContext, chat_id: int, view: BookingView, *, moved: bool = False
) -> None:
    """The receipt text, then the calendar file; a confirmed booking also gets its QR code."""
    settings = context.services.settings
    await send_text(context.bot, chat_id, receipt_text(context, view, moved=moved), None)
    calendar = ics_file(view, context.lang, settings.tz)
    await send_file(context.bot, chat_id, "document", calendar, context.t("booking.ics"))
    await send_qr(context, chat_id, view)


async def send_qr(context: TongxinContext, chat_id: int, view: BookingView) -> bool:
    """The check-in QR code of a confirmed booking (the receipt says "show the code below");
    False, and nothing sent, for a booking that has none yet."""
    if view.booking.status != BookingStatus.CONFIRMED.value:
        return False
    link = checkin_link(context.bot.username, view.booking.code)
    await send_file(context.bot, chat_id, "photo", qr_png(link), context.t("booking.qr"))
    return True
