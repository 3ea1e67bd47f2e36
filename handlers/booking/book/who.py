"""Who the booking is for: oneself, or a resident a proxy (a family member, a volunteer) names
by the phone number they registered with, and confirms ("is this them?").

"For whom?" opens the flow only for someone who has booked for others before; everyone else
starts at "what?", whose last choice is booking for someone else (one tap fewer for most).

Lookups are limited per hour (``TONGXIN_PROXY_LOOKUPS_PER_HOUR``) and show the resident's name
masked until the resident consented to this proxy; see ``models.booking.proxies``.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.book.draft import RESIDENT, WHO, booking_draft, not_understood
from handlers.booking.book.phone import ask_phone
from handlers.booking.book.what import ask_kind
from handlers.kit import Option, ask, chosen, clear_draft, error_text, leave, me, message_text, run
from models.booking import (
    Resident,
    ResidentNotFound,
    TooManyLookups,
    has_booked_for_others,
    proxied_resident,
    resident_by_phone,
)
from models.core.errors import DomainError


async def start_booking(update: Update, context: TongxinContext) -> int:
    """预约: "for whom?" for someone who has booked for others before, else "what?" at once."""
    clear_draft(context)
    if await run(context, has_booked_for_others, person=me(context)):
        return await ask_who(update, context)
    return await ask_kind(update, context)


async def ask_who(update: Update, context: TongxinContext, first: str = "") -> int:
    """For myself, or for a family member / resident (proxy)."""
    t = context.t
    booking_draft(context)["who_asked"] = True
    options = [Option("self", t("booking.who.self")), Option("proxy", t("booking.who.proxy"))]
    return await ask(update, context, t("booking.ask_who"), options, WHO, first=first)


async def on_who(update: Update, context: TongxinContext) -> int:
    """For myself, or for someone else."""
    key = chosen(update, context)
    if key is None:
        return await ask_who(update, context, not_understood(context))
    clear_draft(context)  # a new start: nothing chosen before counts
    data = booking_draft(context)
    data["who_asked"] = True
    if key == "proxy":
        data["proxy"] = True
        return await ask_phone(update, context)
    return await ask_kind(update, context)


async def back_from_kind(update: Update, context: TongxinContext) -> int:
    """⬅️ on "what?": "for whom?" if the flow opened with it or is for someone else; else out."""
    data = booking_draft(context)
    if data.get("who_asked") or data.get("proxy"):
        return await ask_who(update, context)
    return await leave(update, context)


async def on_phone(update: Update, context: TongxinContext) -> int:
    """The resident's phone number; an unknown number (or one's own) is asked again, and after
    too many lookups this hour the person is asked "for whom?" again."""
    text = (message_text(update) or "").strip()
    if not text:
        return await ask_phone(update, context, context.t("booking.phone.not_text"))
    per_hour = context.services.settings.proxy_lookups_per_hour
    found = await run(context, resident_by_phone, person=me(context), phone=text, per_hour=per_hour)
    resident = found.resident
    if resident is None:
        refused = found.refused or ResidentNotFound()
        if isinstance(refused, TooManyLookups):  # no use asking again now: book for oneself?
            return await ask_who(update, context, error_text(context, refused))
        return await ask_phone(update, context, error_text(context, refused))
    data = booking_draft(context)
    data["resident_id"], data["resident_name"] = resident.id, resident.name
    data["resident_town_id"] = resident.town.id if resident.town else None
    return await ask_resident(update, context, resident=resident)


async def ask_resident(
    update: Update, context: TongxinContext, first: str = "", resident: Resident | None = None
) -> int:
    """Is this the resident you mean? (``resident``: as the phone lookup just found them)"""
    t, data = context.t, booking_draft(context)
    if resident is None:
        if "resident_id" not in data:
            return await ask_phone(update, context)
        try:
            resident = await run(
                context, proxied_resident, person=me(context), resident_id=data["resident_id"]
            )
        except DomainError as error:
            return await ask_phone(update, context, error_text(context, error))
    text = t(
        "booking.ask_resident",
        name=resident.name,
        town=resident.town.name(context.lang) if resident.town else "—",
    )
    options = [Option("yes", t("booking.resident.yes")), Option("no", t("booking.resident.no"))]
    return await ask(update, context, text, options, RESIDENT, first=first)


async def on_resident(update: Update, context: TongxinContext) -> int:
    """Yes, this is the resident; or no, type the number again."""
    key = chosen(update, context)
    if key is None:
        return await ask_resident(update, context, not_understood(context))
    if key == "no":
        booking_draft(context).pop("resident_id", None)
        return await ask_phone(update, context)
    return await ask_kind(update, context)
