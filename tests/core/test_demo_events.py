"""The demo's joint events: the border gathering is a real joint event (quotas, companions, the
ride question with pick-up points), seeding again changes nothing, and a demo database seeded
before the events had these details gets them without its time moving."""

from __future__ import annotations

from datetime import time

from sqlalchemy import delete, select
from sqlmodel import col

from bot.context import Services
from models.core.base import TOWNS_TZ
from models.core.places import Town, Venue
from models.demo import seed_places
from models.events import (
    Event,
    EventOption,
    EventQuota,
    QuestionKind,
    Registration,
    RegStatus,
    quotas_of,
)
from tests.factories import make_person

BORDER = "border-friendship"


async def _border(
    services: Services,
) -> tuple[Event, dict[int, tuple[int, int]], list[EventOption]]:
    """The gathering, its quotas by town (quota, taken) and its options in order."""
    async with services.sessions() as session:
        event = (await session.execute(select(Event).where(col(Event.code) == BORDER))).scalar_one()
        quotas = {q.town_id: (q.quota, q.taken) for q in await quotas_of(session, event.id or 0)}
        query = (
            select(EventOption)
            .where(col(EventOption.event_id) == event.id)
            .order_by(col(EventOption.position))
        )
        options = list((await session.execute(query)).scalars())
    return event, quotas, options


async def _towns(services: Services) -> dict[str, int]:
    async with services.sessions() as session:
        return {t.code: t.id or 0 for t in (await session.execute(select(Town))).scalars()}


async def test_the_border_gathering_is_a_joint_event_with_a_ride_question(
    services: Services,
) -> None:
    towns = await _towns(services)
    event, quotas, options = await _border(services)  # seeded with the test database
    assert (event.host_town_id, event.cohost_town_id) == (towns["Q"], None)
    assert (event.status, event.capacity, event.taken, event.max_party) == ("published", 40, 0, 3)
    assert quotas == {towns["D"]: (20, 0), towns["Q"]: (20, 0)}
    assert event.question_kind == QuestionKind.CHOICE.value
    assert (event.question_zh, event.question_en) == ("是否需要接送？", "Do you need a ride?")
    for text in (event.description_zh, event.description_en, event.directions_zh):
        assert text
    assert event.accessibility_en and event.bring_zh and event.bring_en
    rides = [o for o in options if o.ride]
    assert len(rides) == 3 and all(o.pickup_at is not None for o in rides)
    day = event.starts_at.astimezone(TOWNS_TZ).date()
    pickups = [o.pickup_at.astimezone(TOWNS_TZ) for o in rides if o.pickup_at]
    assert [(p.date(), p.time()) for p in pickups] == [
        (day, time(8)),
        (day, time(8, 15)),
        (day, time(8, 30)),
    ]
    assert (options[-1].label_zh, options[-1].ride, options[-1].pickup_at) == (
        "不用，自己去",
        False,
        None,
    )

    async with services.sessions() as session, session.begin():
        ids = await seed_places(session)  # again: nothing new
    again, quotas_again, options_again = await _border(services)
    assert ids[BORDER] == event.id and again.revision == event.revision == 0
    assert quotas_again == quotas and [o.id for o in options_again] == [o.id for o in options]


async def test_an_older_demo_database_gets_the_details_and_keeps_the_time(
    services: Services,
) -> None:
    towns = await _towns(services)
    event, _quotas, _options = await _border(services)
    wang = (await make_person(services.sessions, 880301)).id or 0  # D town
    async with services.sessions() as session, session.begin():
        # The gathering as the demo seeded it before: a bare row, and 王阿姨 registered.
        await session.execute(delete(Event).where(col(Event.code) == BORDER))
        hall = (
            await session.execute(select(Venue).where(col(Venue.code) == "q-hall"))
        ).scalar_one()
        old = Event(
            code=BORDER,
            host_town_id=towns["Q"],
            venue_id=hall.id,
            name_zh="两镇交界老年联谊会",
            name_en="Border friendship gathering for seniors",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            taken=1,
        )
        session.add(old)
        await session.flush()
        session.add(
            Registration(
                event_id=old.id or 0,
                person_id=wang,
                town_id=towns["D"],
                status=RegStatus.CONFIRMED.value,
                code="OLDDEMO1",
            )
        )
    async with services.sessions() as session, session.begin():
        await seed_places(session)
    upgraded, quotas, options = await _border(services)
    assert upgraded.id == old.id and upgraded.starts_at == event.starts_at
    assert (upgraded.capacity, upgraded.taken, upgraded.max_party) == (40, 1, 3)
    assert upgraded.cohost_town_id is None and upgraded.description_zh
    assert upgraded.question_kind == QuestionKind.CHOICE.value
    assert quotas == {towns["D"]: (20, 1), towns["Q"]: (20, 0)}  # her place is in D's share
    assert [o.pickup_at is not None for o in options] == [True, True, True, False]
    first = options[0].pickup_at
    assert first is not None and first.astimezone(TOWNS_TZ).time() == time(8)
    assert first.astimezone(TOWNS_TZ).date() == event.starts_at.astimezone(TOWNS_TZ).date()

    async with services.sessions() as session, session.begin():
        await seed_places(session)  # and again: nothing more
    _same, quotas_again, options_again = await _border(services)
    assert quotas_again == quotas and len(options_again) == len(options)
    async with services.sessions() as session:
        rows = (
            await session.execute(select(EventQuota).where(col(EventQuota.event_id) == upgraded.id))
        ).all()
    assert len(rows) == 2
