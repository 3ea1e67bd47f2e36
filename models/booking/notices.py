"""What a booking sends on its own: reminders, approval requests, offers and decisions.

Everything is an outbox row written in the booking's transaction, rendered in the recipient's
language when sent. Reminders go to the resident and, for a proxy booking, to the proxy too.
A message that asks (a reminder, an offer, an approval request) is a question: the current
screen once delivered (``models.core.questions``). What a proxy booking sends is in
``models.booking.proxy_notices``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.tables import Booking, Slot, WaitlistEntry, id_of
from models.core.authz import Role, RoleGrant
from models.core.base import N_, get_or_raise, utcnow
from models.core.catalogue import centre_of
from models.core.errors import NotFound
from models.core.outbox import (
    OutboxKind,
    bilingual_param,
    message_payload,
    notify,
    when_param,
)
from models.core.people import Person
from models.core.places import ServiceCentre, Venue
from models.core.questions import QUESTION, question
from models.core.reminders import cancel_reminders, remind_all, reminder

REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))
REMINDER_QUESTION = "booking.reminder"  # question kinds (answered in handlers.booking.mine)
OFFER_QUESTION = "booking.offer"
PROXY_QUESTION = "booking.proxy"  # answered in handlers.booking.book.consent
APPROVAL_QUESTION = "booking.approval"  # answered in handlers.booking.staff.asked


async def describe_booking(session: AsyncSession, slot: Slot, venue: Venue) -> dict[str, Any]:
    """What, where and when, as structured message parameters."""
    centre = await centre_of(session, venue.centre_id)
    if centre is None:
        raise NotFound()
    return {
        "venue": bilingual_param(venue.name_zh, venue.name_en),
        "centre": bilingual_param(centre.name_zh, centre.name_en),
        "when": when_param(slot.starts_at),
    }


async def _people(session: AsyncSession, booking: Booking) -> list[Person]:
    ids = [booking.person_id] + ([booking.booked_by_id] if booking.booked_by_id else [])
    people = [await session.get(Person, pid) for pid in dict.fromkeys(ids)]
    return [p for p in people if p is not None]


async def _tell(
    session: AsyncSession, booking: Booking, key: str, message_id: str, **params: Any
) -> None:
    """A status message about the booking to the resident and their proxy."""
    for person in await _people(session, booking):
        await notify(
            session,
            person,
            OutboxKind.STATUS,
            message_payload(message_id, **params),
            dedupe_key=f"booking:{booking.id}:{key}:{person.id}",
            urgent=True,  # the answer to something the person just did, not a notice
        )


def reminder_question(booking_id: int) -> dict[str, Any]:
    """The 24 h reminder's question: 1 coming (the safe answer first), 2 cancel."""
    return question(
        REMINDER_QUESTION,
        booking_id,
        ("yes", N_("booking.choice.coming"), N_("booking.words.coming")),
        ("no", N_("booking.choice.cancel_it")),  # cancelling: only its own words pick it
    )


async def plan_reminders(
    session: AsyncSession, booking: Booking, slot: Slot, venue: Venue, now: datetime
) -> None:
    """24 h and 2 h reminders for resident and proxy; the 24 h one asks 1 coming / 2 cancel
    (a question: the current screen once delivered, see ``models.core.questions``)."""
    booking_id = id_of(booking)
    params = await describe_booking(session, slot, venue)
    msgids = {"24h": N_("booking.reminder.24h"), "2h": N_("booking.reminder.2h")}
    people = await _people(session, booking)
    # A moved booking's reminders are new rows: the old time's keep their (unique) keys.
    moved = f"r{booking.revision}:" if booking.revision else ""
    planned = [
        reminder(
            person,
            f"booking:{booking_id}:{moved}{name}",
            slot.starts_at - before,
            msgids[name],
            expires_at=slot.starts_at,
            asks=reminder_question(booking_id) if name == "24h" else None,
            **params,
        )
        for name, before in REMINDERS
        if slot.starts_at - before > now  # booked later than this reminder would have gone
        for person in people
    ]
    await remind_all(session, planned)


async def after_cancelled(session: AsyncSession, booking: Booking) -> None:
    """A booking ended: its pending reminders are cancelled."""
    await cancel_reminders(session, f"booking:{booking.id}")  # "reminder:booking:<id>:…"


async def town_admins(session: AsyncSession, town_id: int) -> list[Person]:
    """People granted admin of the town or of both towns (settings' admins use /approvals)."""
    query = (
        select(Person)
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(
            col(RoleGrant.role) == Role.ADMIN.value,
            col(RoleGrant.revoked_at).is_(None),
            or_(col(RoleGrant.town_id) == town_id, col(RoleGrant.town_id).is_(None)),
        )
        .distinct()
    )
    return list((await session.execute(query)).scalars())


async def request_approval(
    session: AsyncSession, booking: Booking, slot: Slot, venue: Venue
) -> None:
    """Ask the admins of the venue's town to approve or decline: a question, the current screen
    once delivered (1 approve, 2 decline: declining is never choice 1; it asks why next)."""
    booking_id = id_of(booking)
    centre = await get_or_raise(session, ServiceCentre, venue.centre_id)
    resident = await get_or_raise(session, Person, booking.person_id)
    params = await describe_booking(session, slot, venue)
    asks = question(
        APPROVAL_QUESTION,
        booking_id,
        ("ok", N_("booking.button.approve"), N_("booking.words.approve")),
        ("no", N_("booking.button.decline")),
    )
    for admin in await town_admins(session, centre.town_id):
        payload = message_payload(
            N_("booking.approval.request"),
            plural="party",
            id=booking.id,
            name=resident.display_name or "—",
            party=booking.party_size,
            **params,
        )
        payload[QUESTION] = asks
        key = f"booking:{booking.id}:approval:{admin.id}"
        await notify(session, admin, OutboxKind.APPROVAL, payload, dedupe_key=key, urgent=True)


async def tell_decision(
    session: AsyncSession, booking: Booking, *, approved: bool, reason: str | None = None
) -> None:
    """Tell the resident (and proxy) an admin's decision; approval plans the reminders."""
    slot = await get_or_raise(session, Slot, booking.slot_id)
    venue = await get_or_raise(session, Venue, slot.venue_id)
    params = await describe_booking(session, slot, venue)
    if approved:
        await _tell(session, booking, "approved", N_("booking.approved"), **params)
        await plan_reminders(session, booking, slot, venue, utcnow())
    else:
        await _tell(
            session, booking, "declined", N_("booking.declined"), reason=reason or "—", **params
        )


async def send_offer(session: AsyncSession, entry: WaitlistEntry, slot: Slot) -> None:
    """Offer freed places to a waiting person, accept or decline before the offer lapses."""
    entry_id = id_of(entry)
    person = await session.get(Person, entry.person_id)
    venue = await get_or_raise(session, Venue, slot.venue_id)
    if person is None or person.chat_id is None or entry.offer_expires_at is None:
        return
    payload = message_payload(
        N_("waitlist.offer"),
        until=when_param(entry.offer_expires_at),
        **await describe_booking(session, slot, venue),
    )
    payload[QUESTION] = question(  # the current screen once delivered; accepting first
        OFFER_QUESTION,
        entry_id,
        ("acc", N_("waitlist.button.accept"), N_("waitlist.words.accept")),
        ("dec", N_("waitlist.button.decline")),
    )
    await notify(
        session,
        person,
        OutboxKind.WAITLIST_OFFER,
        payload,
        dedupe_key=f"waitlist:{entry_id}:offer",
        expires_at=entry.offer_expires_at,
        urgent=True,  # a 2-hour window: held back by quiet hours it would lapse unseen
    )
