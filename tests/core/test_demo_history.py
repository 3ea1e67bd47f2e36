"""The demo's half year of history: seeded once, the same each time for the same day, all in
the past, more cross-border visits in later months, and no demo persona in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.booking import Booking, BookingFeedback, Slot
from models.core.people import Person
from models.core.places import ServiceCentre, Venue
from models.demo import History, seed_history, seed_places
from models.disputes import DisputeCase
from models.events import Event, Registration


async def _seed(services: Services, now: datetime) -> History:
    async with services.sessions() as session, session.begin():
        ids = await seed_places(session)
        return await seed_history(session, ids, now)


async def test_history_is_seeded_once_and_lies_in_the_past(
    services: Services, pinned_now: datetime
) -> None:
    first = await _seed(services, pinned_now)
    assert first.residents == 40 and first.bookings > 400
    assert first.registrations >= 4 * 24 and first.cases >= 15
    assert await _seed(services, pinned_now) == History()  # a second time adds nothing
    async with services.sessions() as session:
        # (seed_places adds the demo's own slots and events, all to come; the history's are past)
        latest_visit = await session.execute(
            select(func.max(Slot.ends_at))
            .join(Booking, col(Booking.slot_id) == Slot.id)
            .where(col(Booking.code).startswith("hist-"))
        )
        latest_event = await session.execute(
            select(func.max(Event.ends_at)).where(col(Event.code).startswith("hist-"))
        )
        assert latest_visit.scalar_one() < pinned_now
        assert latest_event.scalar_one() < pinned_now
        unreachable = await session.execute(
            select(func.count()).where(col(Person.reachable).is_(False))
        )
        assert unreachable.scalar_one() == 3
        ratings = (
            await session.execute(select(func.count(col(BookingFeedback.booking_id))))
        ).scalar()
        assert ratings and ratings > 100
        cases = (await session.execute(select(col(DisputeCase.status)))).scalars().all()
        assert cases.count("resolved") >= 13 and "new" in cases


async def test_visits_cross_the_border_more_in_later_months(
    services: Services, pinned_now: datetime
) -> None:
    await _seed(services, pinned_now)
    async with services.sessions() as session:
        result = await session.execute(
            select(col(Slot.starts_at), col(Person.town_id), col(Venue.centre_id))
            .join(Booking, col(Booking.slot_id) == Slot.id)
            .join(Person, col(Person.id) == Booking.person_id)
            .join(Venue, col(Venue.id) == Slot.venue_id)
        )
        centre_town = await _centre_towns(services)
        by_half: dict[bool, list[bool]] = {False: [], True: []}
        rows = result.all()
        earliest = min(row[0] for row in rows)
        for starts, town, centre in rows:
            by_half[(starts - earliest).days >= 90].append(town != centre_town[centre])
    early = sum(by_half[False]) / len(by_half[False])
    late = sum(by_half[True]) / len(by_half[True])
    assert 0.1 < early < late < 0.6


async def _centre_towns(services: Services) -> dict[int, int]:
    async with services.sessions() as session:
        rows = await session.execute(select(col(ServiceCentre.id), col(ServiceCentre.town_id)))
        return {int(centre or 0): int(town) for centre, town in rows.all()}


async def test_no_persona_or_phone_in_the_history(services: Services, pinned_now: datetime) -> None:
    await _seed(services, pinned_now)
    async with services.sessions() as session:
        people = (await session.execute(select(Person))).scalars().all()
        regs = (await session.execute(select(col(Registration.person_id)))).scalars().all()
    assert all(p.tg_user_id is None and p.phone is None for p in people)
    assert set(regs) <= {p.id for p in people}
