"""The registration's receipt: what, when, where, how to get there, how many, and how to
cancel; then the calendar file and, for a confirmed place, the check-in QR code."""

from __future__ import annotations

import io
from datetime import datetime

from telegram import InputFile

from bot.context import TongxinContext
from bot.timefmt import format_when
from handlers.events.resident.texts import described, event_name, status_words, when_words
from jobs.qr import qr_image, start_link
from models.core.ics import calendar_file
from models.events import CHECKIN_LINK, RegistrationView, RegStatus

HOLDS_A_PLACE = (RegStatus.CONFIRMED.value, RegStatus.OFFERED.value)


def receipt_text(context: TongxinContext, view: RegistrationView) -> str:
    """The registration in words, with how to cancel it."""
    details, registration = view.details, view.registration
    words = described(context, details)
    text = context.t.n(
        "events_resident.receipt",
        registration.party_size,
        name=event_name(context, details.event),
        when=when_words(context, details.event),
        where=words["where"] or "—",
        directions=words["directions"] or "—",
        party=registration.party_size,
        status=status_words(context, registration, view.position),
    )
    ride = ride_words(context, view)
    if ride:
        text = f"{text}\n{ride}"
    if view.resident:
        return f"{context.t('events_resident.receipt.for', name=view.resident)}\n{text}"
    return text


def ride_words(context: TongxinContext, view: RegistrationView) -> str:
    """Where and when a rider is picked up (the reminders say it again); "" for the others."""
    chosen = view.registration.option_id
    option = next((o for o in view.details.options if o.id == chosen), None)
    if option is None or not option.ride:
        return ""
    point = (option.label_en or option.label_zh) if context.lang == "en" else option.label_zh
    if option.pickup_at is None:
        return context.t("events.reminder.ride", point=point)
    at = format_when(option.pickup_at, context.lang, context.services.settings.tz)
    return context.t("events.reminder.ride_at", point=point, at=at)


def ics_file(context: TongxinContext, view: RegistrationView) -> InputFile:
    """The event as a calendar file; its UID is the registration's and its SEQUENCE the
    event's revision, so a changed time updates the phone's entry."""
    event, words = view.details.event, described(context, view.details)
    data = calendar_file(
        uid=f"event-{view.registration.id}@tongxin",
        sequence=event.revision,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event_name(context, event),
        location=str(words["where"] or ""),
        stamp=datetime.now(context.services.settings.tz),
        product="events",
    )
    return InputFile(io.BytesIO(data), filename=f"event-{view.registration.id}.ics")


async def send_receipt(context: TongxinContext, chat_id: int, view: RegistrationView) -> None:
    """The receipt text; for a held place also the calendar file and the check-in QR code."""
    await context.bot.send_message(chat_id, receipt_text(context, view))
    if view.registration.status not in HOLDS_A_PLACE:
        return
    await context.bot.send_document(
        chat_id, ics_file(context, view), caption=context.t("events_resident.ics")
    )
    link = start_link(context.bot.username, CHECKIN_LINK + view.registration.code)
    photo = InputFile(io.BytesIO(qr_image(link)), filename="checkin.png")
    await context.bot.send_photo(chat_id, photo, caption=context.t("events_resident.qr"))
