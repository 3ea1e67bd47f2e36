"""The closing report: attendance by town, the co-host's residents counted as the hosts'."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.context import Services
from jobs.events import tick_once
from jobs.rendering import render
from models.core.authz import Role, grant_role
from models.core.outbox import OutboxMessage
from models.events import Event, check_in_code, closing_report, record_walk_in, register
from tests.events.events_support import ADMIN, make_event, people, person, towns


async def _came(services: Services, event_id: int, d_party: int, q_party: int) -> int:
    """A D resident and a Q resident register and come; a Q walk-in of 2. Returns a staff id."""
    [d_resident], [q_resident] = (
        await people(services.sessions, "D", 81_000, 1),
        await people(services.sessions, "Q", 82_000, 1),
    )
    [staff_id] = await people(services.sessions, "D", 83_000, 1)
    ids = await towns(services.sessions)
    async with services.sessions() as session, session.begin():
        event = await session.get(Event, event_id)
        assert event is not None
        staff = await person(session, staff_id)
        at_door = event.starts_at + timedelta(minutes=5)
        for resident, party in ((d_resident, d_party), (q_resident, q_party)):
            made = await register(
                session, person=await person(session, resident), event_id=event_id,
                party_size=party,
            )  # fmt: skip
            await check_in_code(
                session, code=made.registration.code, staff=staff, scopes=ADMIN, now=at_door
            )
        await record_walk_in(
            session, event_id=event_id, town_id=ids["Q"], party_size=2, staff=staff,
            scopes=ADMIN, now=at_door,
        )  # fmt: skip
    return staff_id


async def test_a_cohosted_event_counts_both_towns_as_hosts(services: Services) -> None:
    event_id = await make_event(services.sessions, capacity=10)  # D hosts, Q co-hosts
    await _came(services, event_id, d_party=2, q_party=1)
    async with services.sessions() as session:
        report = await closing_report(session, event_id)
    assert (report.registered, report.attended, report.walk_ins) == (3, 3, 2)
    assert (report.from_host_towns, report.from_other_towns) == (5, 0)


async def test_a_single_host_counts_the_other_towns_residents_and_tells_its_admins(
    services: Services,
) -> None:
    event_id = await make_event(services.sessions, capacity=10, cohosted=False)  # D alone
    staff_id = await _came(services, event_id, d_party=2, q_party=1)
    ids = await towns(services.sessions)
    [q_admin] = await people(services.sessions, "Q", 84_000, 1)
    async with services.sessions() as session, session.begin():
        await grant_role(session, staff_id, Role.ADMIN, ids["D"])
        await grant_role(session, q_admin, Role.ADMIN, ids["Q"])  # Q did not host: not told
        event = await session.get(Event, event_id)
        assert event is not None
        ends = event.ends_at
    async with services.sessions() as session:
        report = await closing_report(session, event_id)
    assert (report.from_host_towns, report.from_other_towns) == (2, 3)  # Q: 1 + 2 walking in

    await tick_once(services, now=ends + timedelta(hours=1))
    await tick_once(services, now=ends + timedelta(hours=2))  # a second tick sends nothing more
    async with services.sessions() as session:
        prefix = f"event:{event_id}:report:"
        query = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith(prefix))
        rows = (await session.execute(query)).scalars().all()
    assert [row.person_id for row in rows] == [staff_id]
    en = services.i18n.translator("en")
    [part] = render(rows[0].payload, en, None, language="en", tz=services.settings.tz)
    assert part.text is not None
    assert "Came: 3" in part.text and "Joined at the door: 2" in part.text
    assert "From the host town: 2; from the other town: 3" in part.text
    zh = services.i18n.translator("zh_CN")
    [part] = render(rows[0].payload, zh, None, language="zh_CN", tz=services.settings.tz)
    assert part.text is not None and "3" in part.text


async def test_no_shows_are_marked_once_after_the_grace_period(services: Services) -> None:
    event_id = await make_event(services.sessions, capacity=10)
    residents = await people(services.sessions, "D", 85_000, 3)
    [staff_id] = await people(services.sessions, "D", 86_000, 1)
    async with services.sessions() as session, session.begin():
        made = [
            await register(session, person=await person(session, r), event_id=event_id)
            for r in residents
        ]
        event = await session.get(Event, event_id)
        assert event is not None and event.taken == 3
        starts = event.starts_at
        await check_in_code(
            session, code=made[0].registration.code, staff=await person(session, staff_id),
            scopes=ADMIN, now=starts + timedelta(minutes=10),
        )  # fmt: skip

    early = await tick_once(services, now=starts + timedelta(minutes=29))
    assert early["no_shows"] == 0  # still within the grace period
    late = await tick_once(services, now=starts + timedelta(minutes=31))
    again = await tick_once(services, now=starts + timedelta(minutes=40))
    assert (late["no_shows"], again["no_shows"]) == (2, 0)
    async with services.sessions() as session:
        event = await session.get(Event, event_id)
        assert event is not None and event.taken == 1  # the no-shows' places are free again
        report = await closing_report(session, event_id)
    assert (report.registered, report.attended, report.no_shows) == (3, 1, 2)
