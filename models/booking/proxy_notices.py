"""What a proxy booking sends: the resident's question (the current screen once delivered),
their text receipt, and the answer back to the proxy (outbox rows, rendered in each
recipient's language)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.notices import PROXY_QUESTION, describe_booking
from models.booking.proxy_consent import name_for_proxy
from models.booking.tables import Booking, BookingStatus, Slot, id_of
from models.core.base import N_
from models.core.outbox import OutboxKind, message_payload, notify
from models.core.people import Person
from models.core.places import Venue
from models.core.questions import QUESTION, question


async def ask_resident(session: AsyncSession, booking: Booking, slot: Slot, venue: Venue) -> None:
    """A proxy booked without standing consent: the resident says yes (once or always) or no."""
    booking_id = id_of(booking)
    resident = await session.get(Person, booking.person_id)
    proxy = await session.get(Person, booking.booked_by_id) if booking.booked_by_id else None
    if resident is None or resident.chat_id is None:
        return  # nobody to ask: the booking lapses unanswered, its places go back
    payload = message_payload(
        N_("proxy.ask_resident"),
        proxy=(proxy.display_name if proxy else None) or "—",
        **await describe_booking(session, slot, venue),
    )
    payload[QUESTION] = question(  # the current screen once delivered; refusing comes last
        PROXY_QUESTION,
        booking_id,
        ("ok", N_("proxy.button.yes_once")),
        ("always", N_("proxy.button.yes_always")),
        ("no", N_("proxy.button.no")),
    )
    key = f"booking:{booking_id}:ask_resident"
    await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)


async def tell_resident_booked(session: AsyncSession, booking: Booking, proxy: Person) -> None:
    """A text receipt to the resident a proxy booked for with their standing consent."""
    resident = await session.get(Person, booking.person_id)
    slot = await session.get(Slot, booking.slot_id)
    venue = await session.get(Venue, slot.venue_id) if slot else None
    if resident is None or resident.chat_id is None or slot is None or venue is None:
        return
    pending = booking.status == BookingStatus.PENDING_APPROVAL.value
    msgid = N_("proxy.booked_for_you.pending") if pending else N_("proxy.booked_for_you")
    payload = message_payload(
        msgid,
        id=booking.id,
        proxy=proxy.display_name or "—",
        **await describe_booking(session, slot, venue),
    )
    key = f"booking:{booking.id}:booked_for_you"
    await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)


async def tell_proxy_answer(
    session: AsyncSession, booking: Booking, resident: Person, *, agreed: bool
) -> None:
    """Tell the proxy whether the resident agreed to the booking made for them."""
    proxy = await session.get(Person, booking.booked_by_id) if booking.booked_by_id else None
    slot = await session.get(Slot, booking.slot_id)
    venue = await session.get(Venue, slot.venue_id) if slot else None
    if proxy is None or proxy.chat_id is None or slot is None or venue is None:
        return
    msgid = N_("proxy.told.agreed") if agreed else N_("proxy.told.declined")
    name = await name_for_proxy(session, resident, proxy.id)  # in full after "yes, always"
    payload = message_payload(msgid, name=name, **await describe_booking(session, slot, venue))
    key = f"booking:{booking.id}:proxy_told"
    await notify(session, proxy, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)
