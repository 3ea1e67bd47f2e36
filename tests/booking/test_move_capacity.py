"""Rescheduling keeps the capacity guarantee: moves racing into a small slot never overfill it,
and each booking is moved (same number) or left where it was."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.booking import SlotFull, move_booking
from models.booking.bookings import ACTIVE, Booking, book
from models.booking.slots import Slot
from models.core.people import find_person
from tests.booking.booking_support import slot_of
from tests.factories import make_person


@pytest.mark.parametrize(("room", "movers"), [(1, 50), (5, 50)])
async def test_racing_moves_never_exceed_capacity(
    services: Services, room: int, movers: int
) -> None:
    old = await slot_of(services.sessions, "d-canteen", 3)
    new = await slot_of(services.sessions, "d-canteen", 4)
    async with services.sessions() as session, session.begin():
        for slot_id, capacity in ((old.id, movers), (new.id, room)):
            row = await session.get(Slot, slot_id)
            assert row is not None
            row.capacity, row.taken = capacity, 0
    ids = {}
    for n in range(movers):
        await make_person(services.sessions, 20_000 + n, name=f"居民{n}")
        async with services.sessions() as session, session.begin():
            person = await find_person(session, 20_000 + n)
            assert person is not None
            ids[n] = (await book(session, person, old.id or 0)).booking.id or 0

    async def move(n: int) -> str:
        try:
            async with services.sessions() as session, session.begin():
                person = await find_person(session, 20_000 + n)
                assert person is not None
                moved = await move_booking(
                    session, person=person, booking_id=ids[n], slot_id=new.id or 0
                )
        except SlotFull:
            return "full"
        assert moved.booking.id == ids[n]  # the same booking, moved
        return "moved"

    outcomes = await asyncio.gather(*(move(n) for n in range(movers)))

    assert outcomes.count("moved") == room and outcomes.count("full") == movers - room
    async with services.sessions() as session:
        rows = await session.execute(
            select(col(Booking.slot_id), func.count())
            .where(col(Booking.status).in_(ACTIVE))
            .group_by(col(Booking.slot_id))
        )
        held = {int(slot_id): int(count) for slot_id, count in rows.all()}
        old_row, new_row = await session.get(Slot, old.id), await session.get(Slot, new.id)
    assert held == {new.id: room, old.id: movers - room}  # nobody lost, nobody doubled
    assert old_row is not None and new_row is not None
    assert (old_row.taken, new_row.taken) == (movers - room, room)
