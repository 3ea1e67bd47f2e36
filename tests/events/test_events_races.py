"""Races on the events model, on SQLite and PostgreSQL: quotas, double taps, accept vs cancel."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.events import (
    Event,
    EventQuota,
    OfferGone,
    Registration,
    RegistrationGone,
    RegStatus,
    accept_offer,
    cancel_registration,
    register,
)
from tests.events.events_support import make_event, people, person, towns


async def _register(services: Services, person_id: int, event_id: int, party: int = 1) -> str:
    async with services.sessions() as session, session.begin():
        done = await register(
            session, person=await person(session, person_id), event_id=event_id, party_size=party
        )
        return done.registration.status


async def test_200_racing_registrations_fill_both_quotas_and_queue_the_rest(
    services: Services,
) -> None:
    event_id = await make_event(services.sessions, capacity=50, quotas={"D": 25, "Q": 25})
    d_people = await people(services.sessions, "D", 70_000, 100)
    q_people = await people(services.sessions, "Q", 80_000, 100)
    everyone = [p for pair in zip(d_people, q_people, strict=True) for p in pair]
    outcomes = await asyncio.gather(*(_register(services, p, event_id) for p in everyone))
    assert outcomes.count(RegStatus.CONFIRMED.value) == 50
    assert outcomes.count(RegStatus.WAITLISTED.value) == 150
    ids = await towns(services.sessions)
    async with services.sessions() as session:
        rows = (
            (
                await session.execute(
                    select(Registration).where(col(Registration.event_id) == event_id)
                )
            )
            .scalars()
            .all()
        )
        confirmed = [r for r in rows if r.status == RegStatus.CONFIRMED.value]
        assert sum(r.town_id == ids["D"] for r in confirmed) == 25
        assert sum(r.town_id == ids["Q"] for r in confirmed) == 25
        event = await session.get(Event, event_id)
        assert event is not None and event.taken == 50
        quotas = (await session.execute(select(EventQuota))).scalars().all()
        assert {q.taken for q in quotas if q.event_id == event_id} == {25}
        # The waiting line is the arrival order: positions 1..150 by the rows' order.
        from models.events import waiting_position

        waiting = sorted(
            (r for r in rows if r.status == RegStatus.WAITLISTED.value), key=lambda r: r.id or 0
        )
        positions = [await waiting_position(session, r) for r in waiting]
        assert positions == list(range(1, 151))


async def test_a_double_tap_makes_one_registration(services: Services) -> None:
    event_id = await make_event(services.sessions, capacity=5)
    (resident,) = await people(services.sessions, "D", 71_000, 1)
    outcomes = await asyncio.gather(*(_register(services, resident, event_id) for _ in range(5)))
    assert set(outcomes) == {RegStatus.CONFIRMED.value}
    async with services.sessions() as session:
        count = (
            await session.execute(
                select(func.count())
                .select_from(Registration)
                .where(col(Registration.event_id) == event_id)
            )
        ).scalar_one()
        event = await session.get(Event, event_id)
    assert count == 1 and event is not None and event.taken == 1


async def test_accept_and_cancel_racing_on_one_offer_leave_a_consistent_state(
    services: Services,
) -> None:
    event_id = await make_event(services.sessions, capacity=1)
    first, second = await people(services.sessions, "D", 72_000, 2)
    await _register(services, first, event_id)
    assert await _register(services, second, event_id) == RegStatus.WAITLISTED.value
    async with services.sessions() as session, session.begin():
        mine = (
            await session.execute(select(Registration).where(col(Registration.person_id) == first))
        ).scalar_one()
        await cancel_registration(
            session, registration_id=mine.id or 0, person=await person(session, first)
        )
    async with services.sessions() as session:
        offered = (
            await session.execute(select(Registration).where(col(Registration.person_id) == second))
        ).scalar_one()
    assert offered.status == RegStatus.OFFERED.value

    async def accept() -> str:
        try:
            async with services.sessions() as session, session.begin():
                await accept_offer(
                    session, registration_id=offered.id or 0, person=await person(session, second)
                )
            return "accepted"
        except OfferGone:
            return "gone"

    async def cancel() -> str:
        try:
            async with services.sessions() as session, session.begin():
                await cancel_registration(
                    session, registration_id=offered.id or 0, person=await person(session, second)
                )
            return "cancelled"
        except RegistrationGone:
            return "gone"

    results = await asyncio.gather(accept(), cancel())
    async with services.sessions() as session:
        final = await session.get(Registration, offered.id)
        event = await session.get(Event, event_id)
    assert final is not None and event is not None
    if results[1] == "cancelled":
        assert final.status == RegStatus.CANCELLED.value and event.taken == 0
    else:
        assert results == ["accepted", "gone"]
        assert final.status == RegStatus.CONFIRMED.value and event.taken == 1
