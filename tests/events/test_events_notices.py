"""Event notices through the outbox: cancelling tells each registrant and proxy once; a new
time plans new reminders and the old ones are never sent."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import col, select

from bot.context import Services
from models.core.outbox import OutboxMessage, OutboxStatus
from models.events import cancel_event, edit_event, register
from tests.events.events_support import ADMIN, make_event, people, person


async def _outbox(services: Services) -> list[OutboxMessage]:
    async with services.sessions() as session:
        return list(
            (await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))).scalars()
        )


async def _registered(services: Services, event_id: int) -> tuple[list[int], int]:
    residents = await people(services.sessions, "D", 73_000, 3)
    (proxy,) = await people(services.sessions, "Q", 74_000, 1)
    async with services.sessions() as session, session.begin():
        for n, resident in enumerate(residents):
            await register(
                session,
                person=await person(session, resident),
                event_id=event_id,
                booked_by=await person(session, proxy) if n < 2 else None,
                resident_agreed=True,
            )
    return residents, proxy


async def test_cancelling_an_event_tells_each_registrant_and_proxy_once(services: Services) -> None:
    event_id = await make_event(services.sessions, capacity=2)  # the third waits
    residents, proxy = await _registered(services, event_id)
    for _ in range(2):  # a double tap tells nobody twice
        async with services.sessions() as session, session.begin():
            await cancel_event(session, event_id=event_id, by=None, scopes=ADMIN)
    rows = await _outbox(services)
    told = Counter(r.person_id for r in rows if r.payload["msgid"] == "events.cancelled")
    assert told == Counter({p: 1 for p in [*residents, proxy]})
    reminders = [r for r in rows if r.dedupe_key.startswith("reminder:event:")]
    assert reminders and all(r.status == OutboxStatus.CANCELLED.value for r in reminders)


async def test_a_new_time_plans_new_reminders_and_cancels_the_old(services: Services) -> None:
    event_id = await make_event(services.sessions, capacity=5, starts_in=timedelta(days=4))
    residents, proxy = await _registered(services, event_id)
    before = {r.dedupe_key for r in await _outbox(services) if r.dedupe_key.startswith("reminder:")}
    assert len(before) == 2 * (3 + 2)  # 1 day and 2 hours, to three residents and two proxy rows
    async with services.sessions() as session, session.begin():
        from models.events import Event

        event = await session.get(Event, event_id)
        assert event is not None
        edited = await edit_event(
            session,
            event_id=event_id,
            changes={
                "starts_at": event.starts_at + timedelta(days=1),
                "ends_at": event.ends_at + timedelta(days=1),
            },
            by=None,
            scopes=ADMIN,
        )
    assert edited.changed == ("starts_at", "ends_at")
    rows = await _outbox(services)
    old = [r for r in rows if r.dedupe_key in before]
    new = [r for r in rows if r.dedupe_key.startswith("reminder:") and r.dedupe_key not in before]
    assert old and all(r.status == OutboxStatus.CANCELLED.value for r in old)
    assert len(new) == len(old) and all(r.status == OutboxStatus.PENDING.value for r in new)
    assert all(":r1:" in r.dedupe_key for r in new)
    changed = Counter(r.person_id for r in rows if r.payload["msgid"] == "events.changed.time")
    assert changed == Counter({p: 1 for p in [*residents, proxy]})
