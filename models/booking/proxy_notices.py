"""What a proxy booking sends: the resident's question (the current screen once delivered),
their full receipt (address, directions, party and the check-in QR code), the news that the
proxy withdrew a request the resident had not answered yet, and the answer back to the proxy
(outbox rows, rendered in each recipient's language)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.codes import CHECKIN_LINK
from models.booking.notices import PROXY_QUESTION, describe_booking
from models.booking.proxy_consent import ConsentWords, consent_question, name_for_proxy
from models.booking.tables import Booking, BookingStatus, Slot, id_of
from models.core.base import N_
from models.core.catalogue import centre_of
from models.core.errors import NotFound
from models.core.outbox import (
    OutboxKind,
    bilingual_param,
    cancel_by_key_prefix,
    message_payload,
    notify,
    qr_param,
    span_param,
)
from models.core.people import Person
from models.core.places import Venue
from models.core.questions import QUESTION

CONSENT_WORDS = ConsentWords(
    once=N_("proxy.button.yes_once"),
    once_words=N_("proxy.words.yes_once"),
    always=N_("proxy.button.yes_always"),
    always_words=N_("proxy.words.yes_always"),
    no=N_("proxy.button.no"),
)
WITHDRAWN = "withdrawn"  # a booking's decline_reason when its proxy withdrew it unanswered


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
    # the current screen once delivered; refusing (it cancels) comes last
    payload[QUESTION] = consent_question(PROXY_QUESTION, booking_id, CONSENT_WORDS)
    key = _ask_key(booking_id)
    await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)


def _ask_key(booking_id: int) -> str:
    return f"booking:{booking_id}:ask_resident"


async def receipt_params(
    session: AsyncSession, booking: Booking, slot: Slot, venue: Venue
) -> dict[str, Any]:
    """What a receipt says, as message parameters: what, where (address and how to get there),
    when (start to end), for how many, and the booking's number."""
    centre = await centre_of(session, venue.centre_id)
    if centre is None:
        raise NotFound()
    address_zh = venue.address_zh or centre.address_zh or "—"
    return {
        **await describe_booking(session, slot, venue),
        "when": span_param(slot.starts_at, slot.ends_at),
        "id": booking.id,
        "party": booking.party_size,
        "address": bilingual_param(address_zh, venue.address_en or centre.address_en),
        "directions": bilingual_param(venue.directions_zh or "—", venue.directions_en),
        "access": bilingual_param(venue.accessibility_zh or "—", venue.accessibility_en),
    }


async def tell_resident_booked(session: AsyncSession, booking: Booking, proxy: Person) -> None:
    """The full receipt to the resident a proxy booked for with their standing consent: with
    the check-in QR code once it holds (the message says "show the code below")."""
    resident = await session.get(Person, booking.person_id)
    slot = await session.get(Slot, booking.slot_id)
    venue = await session.get(Venue, slot.venue_id) if slot else None
    if resident is None or resident.chat_id is None or slot is None or venue is None:
        return
    pending = booking.status == BookingStatus.PENDING_APPROVAL.value
    msgid = N_("proxy.booked_for_you.pending") if pending else N_("proxy.booked_for_you")
    payload = message_payload(
        msgid,
        plural="party",
        proxy=proxy.display_name or "—",
        **await receipt_params(session, booking, slot, venue),
    )
    if booking.status == BookingStatus.CONFIRMED.value:
        payload["qr"] = qr_param(CHECKIN_LINK + booking.code, N_("booking.qr"))
    key = f"booking:{booking.id}:booked_for_you"
    await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=key, urgent=True)


async def tell_resident_withdrawn(session: AsyncSession, booking: Booking) -> None:
    """The proxy withdrew a booking the resident was asked about: a question not sent yet is
    never sent; one already asked is answered with the news (and answering it changes
    nothing: ``models.booking.proxying``)."""
    booking_id = id_of(booking)
    if await cancel_by_key_prefix(session, _ask_key(booking_id), reason=WITHDRAWN):
        return  # never asked: nothing to take back
    resident = await session.get(Person, booking.person_id)
    proxy = await session.get(Person, booking.booked_by_id) if booking.booked_by_id else None
    slot = await session.get(Slot, booking.slot_id)
    venue = await session.get(Venue, slot.venue_id) if slot else None
    if resident is None or resident.chat_id is None or slot is None or venue is None:
        return
    payload = message_payload(
        N_("proxy.withdrawn"),
        proxy=(proxy.display_name if proxy else None) or "—",
        **await describe_booking(session, slot, venue),
    )
    key = f"booking:{booking_id}:withdrawn"
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
