"""The booking rules and the database-guarded capacity, below the handlers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.booking.bookings import ACTIVE, Booking, BookingStatus, book, cancel_booking
from models.booking.rules import (
    OtherTownNotAllowed,
    PartyTooLarge,
    QuotaReached,
    SlotFull,
    TooFarAhead,
    TooSoon,
)
from models.booking.slots import Slot
from models.booking.waitlist import (
    WaitlistEntry,
    WaitStatus,
    accept_offer,
    expire_offers,
    join_waitlist,
)
from models.core.audit import AuditLog
from models.core.outbox import OutboxMessage
from models.core.places import Venue
from tests.booking.booking_support import slot_of
from tests.factories import make_person


async def _book(services: Services, person_tg: int, slot_id: int, party: int = 1) -> Booking:
    async with services.sessions() as session, session.begin():
        person = await _person(session, person_tg)
        return (await book(session, person, slot_id, party_size=party)).booking


async def _person(session, tg):  # type: ignore[no-untyped-def]
    from models.core.people import find_person

    person = await find_person(session, tg)
    assert person is not None
    return person


async def test_confirmed_booking_takes_places_and_plans_two_reminders(services: Services) -> None:
    await make_person(services.sessions, 501)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await _book(services, 501, slot.id or 0, party=2)
    assert booking.status == BookingStatus.CONFIRMED.value
    async with services.sessions() as session:
        refreshed = await session.get(Slot, slot.id)
        assert refreshed is not None and refreshed.taken == 2
        keys = (await session.execute(select(col(OutboxMessage.dedupe_key)))).scalars().all()
    assert sorted(k.split(":")[3] for k in keys if k.startswith("reminder:booking")) == [
        "24h",
        "2h",
    ]
    async with services.sessions() as session:
        audit = (await session.execute(select(AuditLog))).scalars().all()
    assert [(a.action, a.subject_type, a.subject_id) for a in audit] == [
        ("booking.create", "booking", booking.id)
    ]


async def test_double_booking_the_same_slot_returns_the_first(services: Services) -> None:
    await make_person(services.sessions, 502)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    first = await _book(services, 502, slot.id or 0)
    second = await _book(services, 502, slot.id or 0)
    assert first.id == second.id


@pytest.mark.parametrize(
    ("venue", "change", "error"),
    [
        ("d-canteen", {"max_party_size": 1}, PartyTooLarge),
        ("d-canteen", {"lead_time_minutes": 10 * 24 * 60}, TooSoon),
        ("d-canteen", {"horizon_days": 1}, TooFarAhead),
        ("q-canteen", {"other_town_allowed": False}, OtherTownNotAllowed),
    ],
)
async def test_rules_refuse_with_a_typed_reason(
    services: Services, venue: str, change: dict[str, object], error: type[Exception]
) -> None:
    await make_person(services.sessions, 503)
    slot = await slot_of(services.sessions, venue, 3)
    async with services.sessions() as session, session.begin():
        row = (await session.execute(select(Venue).where(col(Venue.code) == venue))).scalar_one()
        for name, value in change.items():
            setattr(row, name, value)
    with pytest.raises(error):
        await _book(services, 503, slot.id or 0, party=2 if "max_party_size" in change else 1)
    async with services.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Booking))).scalar() == 0


async def test_quota_counts_active_bookings_at_the_venue(services: Services) -> None:
    await make_person(services.sessions, 504)
    async with services.sessions() as session, session.begin():
        row = (
            await session.execute(select(Venue).where(col(Venue.code) == "d-canteen"))
        ).scalar_one()
        row.max_active_bookings = 1
    await _book(services, 504, (await slot_of(services.sessions, "d-canteen", 3)).id or 0)
    with pytest.raises(QuotaReached):
        await _book(services, 504, (await slot_of(services.sessions, "d-canteen", 4)).id or 0)


@pytest.mark.parametrize(("capacity", "attempts"), [(1, 50), (40, 200)])
async def test_concurrent_bookers_never_exceed_capacity(
    services: Services, capacity: int, attempts: int
) -> None:
    slot = await slot_of(services.sessions, "d-health" if capacity == 1 else "d-canteen", 3)
    async with services.sessions() as session, session.begin():
        row = await session.get(Slot, slot.id)
        assert row is not None
        row.capacity = capacity
        venue = await session.get(Venue, row.venue_id)
        assert venue is not None
        venue.max_party_size = 1
    for n in range(attempts):
        await make_person(services.sessions, 10_000 + n, name=f"居民{n}")

    async def attempt(tg: int) -> str:
        try:
            await _book(services, tg, slot.id or 0)
        except SlotFull:
            return "full"
        return "booked"

    outcomes = await asyncio.gather(*(attempt(10_000 + n) for n in range(attempts)))
    assert outcomes.count("booked") == capacity
    assert outcomes.count("full") == attempts - capacity
    async with services.sessions() as session:
        count = (
            await session.execute(
                select(func.count()).select_from(Booking).where(col(Booking.status).in_(ACTIVE))
            )
        ).scalar()
        row = await session.get(Slot, slot.id)
    assert count == capacity and row is not None and row.taken == capacity


async def test_cancellation_offers_the_place_to_the_first_waiting(services: Services) -> None:
    for tg in (601, 602, 603):
        await make_person(services.sessions, tg)
    slot = await slot_of(services.sessions, "d-health", 3)
    async with services.sessions() as session, session.begin():
        row = await session.get(Slot, slot.id)
        assert row is not None
        row.capacity = 1
    booking = await _book(services, 601, slot.id or 0)
    with pytest.raises(SlotFull):
        await _book(services, 602, slot.id or 0)
    async with services.sessions() as session, session.begin():
        for tg in (602, 603):
            await join_waitlist(session, await _person(session, tg), slot.id or 0)
    async with services.sessions() as session, session.begin():
        owner = await _person(session, 601)
        held = await session.get(Booking, booking.id)
        assert held is not None
        await cancel_booking(session, held, owner)
    async with services.sessions() as session:
        entries = list(
            (await session.execute(select(WaitlistEntry).order_by(col(WaitlistEntry.id)))).scalars()
        )
        row = await session.get(Slot, slot.id)
    assert [e.status for e in entries] == [WaitStatus.OFFERED.value, WaitStatus.WAITING.value]
    assert row is not None and row.taken == 1  # held for the offer
    # The offer lapses: it passes to the next person, who accepts.
    async with services.sessions() as session, session.begin():
        expires = entries[0].offer_expires_at
        assert expires is not None
        assert await expire_offers(session, now=expires + timedelta(seconds=1)) == 1
    async with services.sessions() as session, session.begin():
        booking_id = await accept_offer(session, entries[1].id or 0, await _person(session, 603))
        accepted = await session.get(Booking, booking_id)
        assert accepted is not None and accepted.status == BookingStatus.CONFIRMED.value
    async with services.sessions() as session:
        row = await session.get(Slot, slot.id)
    assert row is not None and row.taken == 1


async def test_erasing_a_person_gives_their_places_back(services: Services) -> None:
    from models.settings.privacy import erase_person

    await make_person(services.sessions, 701)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await _book(services, 701, slot.id or 0, party=3)
    async with services.sessions() as session, session.begin():
        await erase_person(session, await _person(session, 701))
    async with services.sessions() as session:
        row = await session.get(Slot, slot.id)
        left = (await session.execute(select(func.count()).select_from(Booking))).scalar()
    assert row is not None and row.taken == 0 and left == 0


async def test_demo_proxy_finds_her_mother_by_phone_and_holds_her_consent(
    services: Services,
) -> None:
    from models.booking import find_resident_by_phone, has_consent
    from models.demo.people import seed_demo_people

    async with services.sessions() as session, session.begin():
        ids = await seed_demo_people(session)
        proxy = await _person(session, 100003)
        mother = await find_resident_by_phone(session, proxy, "138 0010 0001")
        assert mother.id == ids[100001]
        assert await has_consent(session, ids[100001], ids[100003])
        assert not await has_consent(session, ids[100002], ids[100003])
