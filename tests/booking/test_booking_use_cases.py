"""The booking conversation's use cases, below the handlers: what each screen is shown, and the
one function that creates every booking (booked directly, by a proxy, or from an offer)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from bot.context import Services
from models.booking import (
    AlreadyAnswered,
    AlreadyYours,
    BlackoutDay,
    Booking,
    BookingStatus,
    NotForYourself,
    Slot,
    WaitlistEntry,
    WaitStatus,
    accept_offer,
    answer_proxy_question,
    book_slot,
    cancel_booking,
    check_slot,
    day_slots,
    grant_consent,
    just_booked,
    place_choices,
    resident_by_phone,
    wait_for_slot,
)
from models.core.audit import AuditLog
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.people import Person, find_person
from tests.booking.booking_support import local_today, slot_of
from tests.factories import make_person

PROXY, RESIDENT, OTHER = 801, 802, 803
PHONE = "13912340000"


async def _person(services: Services, tg: int) -> Person:
    async with services.sessions() as session:
        found = await find_person(session, tg)
    assert found is not None
    return found


async def _outbox_keys(services: Services) -> list[str]:
    async with services.sessions() as session:
        return list((await session.execute(select(col(OutboxMessage.dedupe_key)))).scalars())


async def test_a_proxy_books_for_the_resident_with_or_without_consent(services: Services) -> None:
    await make_person(services.sessions, PROXY, name="小张", phone="13700000001")
    await make_person(
        services.sessions, RESIDENT, town_code="Q", community_code="q-xinglong", phone=PHONE
    )
    async with services.sessions() as session, session.begin():
        proxy = await find_person(session, PROXY)
        assert proxy is not None
        own = await resident_by_phone(session, person=proxy, phone="137 0000 0001", per_hour=5)
        assert isinstance(own.refused, NotForYourself) and own.resident is None
        found = await resident_by_phone(
            session, person=proxy, phone="+86 139 1234 0000", per_hour=5
        )
        resident = found.resident
        assert resident is not None and resident.name == "王*姨"  # no consent yet: masked
        assert resident.town is not None and resident.town.code == "Q"
        first = await slot_of(services.sessions, "q-canteen", 3)
        asked = await book_slot(
            session, person=proxy, slot_id=first.id or 0, party_size=2, resident_id=resident.id
        )
    assert asked.created and asked.view.booking.person_id == resident.id
    assert asked.view.booking.status == BookingStatus.AWAITING_RESIDENT.value
    keys = await _outbox_keys(services)
    assert f"booking:{asked.view.booking.id}:ask_resident" in keys

    async with services.sessions() as session, session.begin():
        proxy, holder = await find_person(session, PROXY), await find_person(session, RESIDENT)
        assert proxy is not None and holder is not None and proxy.id is not None
        await grant_consent(session, holder, proxy.id)
        second = await slot_of(services.sessions, "q-canteen", 4)
        held = await book_slot(
            session, person=proxy, slot_id=second.id or 0, resident_id=resident.id
        )
    assert held.view.booking.status == BookingStatus.CONFIRMED.value
    assert f"booking:{held.view.booking.id}:booked_for_you" in await _outbox_keys(services)


async def test_the_resident_answers_once_and_a_second_tap_is_told_so(services: Services) -> None:
    await make_person(services.sessions, PROXY, name="小张")
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    async with services.sessions() as session, session.begin():
        proxy, resident = await find_person(session, PROXY), await find_person(session, RESIDENT)
        assert proxy is not None and resident is not None
        made = await book_slot(session, person=proxy, slot_id=slot.id or 0, resident_id=resident.id)
    booking_id = made.view.booking.id or 0
    async with services.sessions() as session, session.begin():
        resident = await find_person(session, RESIDENT)
        assert resident is not None
        answered = await answer_proxy_question(
            session, person=resident, booking_id=booking_id, answer="ok"
        )
    assert answered.proxy_name == "小张"
    assert answered.view.booking.status == BookingStatus.CONFIRMED.value
    async with services.sessions() as session, session.begin():
        resident = await find_person(session, RESIDENT)
        assert resident is not None
        with pytest.raises(AlreadyAnswered):
            await answer_proxy_question(
                session, person=resident, booking_id=booking_id, answer="no"
            )


async def test_a_repeated_confirm_finds_the_booking_just_made(services: Services) -> None:
    await make_person(services.sessions, OTHER)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    me = await _person(services, OTHER)
    async with services.sessions() as session, session.begin():
        assert await just_booked(session, person=me) is None
        first = await book_slot(session, person=me, slot_id=slot.id or 0)
        again = await book_slot(session, person=me, slot_id=slot.id or 0)
        with pytest.raises(AlreadyYours):
            await check_slot(session, person=me, slot_id=slot.id or 0)
    assert first.created and not again.created
    assert again.view.booking.id == first.view.booking.id
    async with services.sessions() as session:
        found = await just_booked(session, person=me)
        assert found is not None and (found.id, found.active) == (first.view.booking.id, True)
        later = utcnow() + timedelta(minutes=11)
        assert await just_booked(session, person=me, now=later) is None


async def test_accepting_an_offer_goes_through_the_one_creator(services: Services) -> None:
    """The venue needs approval: the accepted offer waits for it, audited and announced."""
    for tg in (PROXY, RESIDENT):
        await make_person(services.sessions, tg, town_code="Q", community_code="q-xinglong")
    slot = await slot_of(services.sessions, "q-hall", 3)
    holder, waiting = await _person(services, PROXY), await _person(services, RESIDENT)
    async with services.sessions() as session, session.begin():
        held = await book_slot(session, person=holder, slot_id=slot.id or 0)
        queued = await wait_for_slot(session, person=waiting, slot_id=slot.id or 0)
    assert queued.position == 1
    async with services.sessions() as session, session.begin():
        booking = await session.get(Booking, held.view.booking.id)
        assert booking is not None
        await cancel_booking(session, booking, holder)
    async with services.sessions() as session, session.begin():
        booking_id = await accept_offer(session, queued.entry_id, waiting)
        accepted = await session.get(Booking, booking_id)
        assert accepted is not None
        assert accepted.status == BookingStatus.PENDING_APPROVAL.value
    async with services.sessions() as session:
        audit = (
            await session.execute(
                select(AuditLog).where(
                    col(AuditLog.action) == "booking.create", col(AuditLog.subject_id) == booking_id
                )
            )
        ).scalars()
        assert [a.actor_id for a in audit] == [waiting.id]


async def test_an_offer_for_a_slot_booked_meanwhile_passes_its_places_on(
    services: Services,
) -> None:
    for tg in (PROXY, RESIDENT, OTHER):
        await make_person(services.sessions, tg)
    slot = await slot_of(services.sessions, "d-activity", 3)  # one place
    holder, first = await _person(services, PROXY), await _person(services, RESIDENT)
    second = await _person(services, OTHER)
    async with services.sessions() as session, session.begin():
        held = await book_slot(session, person=holder, slot_id=slot.id or 0)
        one = await wait_for_slot(session, person=first, slot_id=slot.id or 0)
        two = await wait_for_slot(session, person=second, slot_id=slot.id or 0)
    async with services.sessions() as session, session.begin():
        booking = await session.get(Booking, held.view.booking.id)
        assert booking is not None
        await cancel_booking(session, booking, holder)  # the place is offered to the first
    async with services.sessions() as session, session.begin():
        await session.execute(update(Slot).where(col(Slot.id) == slot.id).values(capacity=2))
        direct = await book_slot(session, person=first, slot_id=slot.id or 0)  # booked meanwhile
    async with services.sessions() as session, session.begin():
        assert await accept_offer(session, one.entry_id, first) == direct.view.booking.id
    async with services.sessions() as session:
        row = await session.get(Slot, slot.id)
        entries = {e.id: e.status for e in (await session.execute(select(WaitlistEntry))).scalars()}
    assert entries == {
        one.entry_id: WaitStatus.ACCEPTED.value,
        two.entry_id: WaitStatus.OFFERED.value,  # the offer's place went on to the next
    }
    assert row is not None and row.taken == 2  # the direct booking, and the next person's offer


async def test_the_screens_views(services: Services) -> None:
    async with services.sessions() as session:
        canteen = await place_choices(session, kind="canteen")
        hall = await place_choices(session, kind="hall")
    assert [c.town.code for c in canteen] == ["D", "Q"]
    assert [c.town.code for c in hall] == ["Q"]
    maintenance = local_today() + timedelta(days=9)  # the demo's closed day in Q town
    # (the activity room is in Q town like the hall)
    async with services.sessions() as session:
        closed = await day_slots(
            session, kind="activity_room", town_id=hall[0].town.id, day=maintenance
        )
    assert closed.slots == [] and isinstance(closed.closed, BlackoutDay)
    assert closed.days is not None and closed.days.town is not None
    slot = await slot_of(services.sessions, "d-mediation", 3)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Slot).where(col(Slot.venue_id) == slot.venue_id).values(taken=Slot.capacity)
        )
    day = slot.starts_at.astimezone(services.settings.tz).date()
    async with services.sessions() as session:
        full = await day_slots(session, kind="mediation_room", town_id=canteen[0].town.id, day=day)
        nearest = await day_slots(session, kind="canteen", town_id=None, day=None)
    assert full.full and full.slots and all(item.free == 0 for item in full.slots)
    assert nearest.slots and not nearest.full
