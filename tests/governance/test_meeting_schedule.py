"""The joint meeting's schedule and the committee's reminders: once each, at the right times,
kept across a restart (they are outbox rows with dedupe keys), again when the meeting moves."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import col, select

from bot.context import Services
from bot.timefmt import format_when
from jobs.governance.meetings import meetings_once
from models.core.authz import Role, RoleGrant, scopes_of
from models.core.base import TOWNS_TZ
from models.core.errors import NotAllowed
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.governance import (
    JointMeeting,
    MeetingInPast,
    MeetingStatus,
    add_months,
    next_meeting,
    plan_meeting,
)
from tests.governance.meeting_support import make_member
from tests.harness import BotHarness


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2027, 1, 31), -2, date(2026, 11, 30)),
        (date(2026, 10, 5), 2, date(2026, 12, 5)),
    ],
)
def test_add_months_keeps_the_day_or_the_months_last(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


async def _plan(
    services: Services, person_id: int, day: date, host: int, at: time = time(9)
) -> JointMeeting:
    async with services.sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        scopes = frozenset(await scopes_of(session, person, []))
        view = await plan_meeting(
            session, person=person, scopes=scopes, day=day, at=at, host_town_id=host
        )
        meeting = await session.get(JointMeeting, view.id)
        assert meeting is not None
        return meeting


async def _person_id(services: Services, user_id: int) -> int:
    async with services.sessions() as session:
        query = select(col(Person.id)).where(col(Person.tg_user_id) == user_id)
        return int((await session.execute(query)).scalar_one() or 0)


async def _reminders(services: Services) -> list[tuple[int | None, str]]:
    async with services.sessions() as session:
        rows = (
            await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        ).scalars()
        return [(r.person_id, r.payload["msgid"]) for r in rows if r.kind == "reminder"]


async def test_reminders_fire_once_at_seven_days_and_one_day(
    services: Services, pinned_now: datetime
) -> None:
    secretary = await make_member(services, 970001, Role.SECRETARY, "Q", name="秘书")
    member = await make_member(services, 970002, Role.COMMITTEE, "D")
    gone = await make_member(services, 970003, Role.COMMITTEE, "D", name="前委员")
    await make_member(services, 970004, Role.VOLUNTEER, "D", name="志愿者")
    async with services.sessions() as session, session.begin():
        grant = (
            await session.execute(select(RoleGrant).where(col(RoleGrant.person_id) == gone))
        ).scalar_one()
        grant.revoked_at = pinned_now
    day = pinned_now.astimezone(TOWNS_TZ).date() + timedelta(days=20)
    meeting = await _plan(services, secretary, day, host=1)
    starts = meeting.starts_at
    assert starts == datetime.combine(day, time(9), TOWNS_TZ)
    week, last = "governance.meeting.reminder.week", "governance.meeting.reminder.day"

    assert await meetings_once(services, starts - timedelta(days=8)) == {
        "reminders": 0,
        "held": 0,
        "nudges": 0,
    }
    assert await meetings_once(services, starts - timedelta(days=7)) == {
        "reminders": 2,
        "held": 0,
        "nudges": 0,
    }
    assert await meetings_once(services, starts - timedelta(days=3)) == {
        "reminders": 0,
        "held": 0,
        "nudges": 0,
    }
    assert await _reminders(services) == [(secretary, week), (member, week)]
    assert (await meetings_once(services, starts - timedelta(hours=23)))["reminders"] == 2
    assert (await meetings_once(services, starts - timedelta(hours=1)))["reminders"] == 0
    assert await _reminders(services) == [
        (secretary, week),
        (member, week),
        (secretary, last),
        (member, last),
    ]

    # Moved a day later: announced again (the early reminder now, the last one a day before
    # the new time); nothing more when nothing changes.
    moved = await _plan(services, secretary, day + timedelta(days=1), host=1)
    assert moved.id == meeting.id
    assert (await meetings_once(services, starts - timedelta(minutes=30)))["reminders"] == 2
    assert (await meetings_once(services, starts - timedelta(minutes=20)))["reminders"] == 0
    assert (await meetings_once(services, starts))["reminders"] == 2
    assert (await meetings_once(services, starts + timedelta(hours=3)))["reminders"] == 0
    assert [msgid for _, msgid in await _reminders(services)][4:] == [week, week, last, last]

    # Well after it started, the meeting is held and the next one proposed: two months later,
    # the other town hosting.
    after = moved.starts_at + timedelta(hours=7)
    assert (await meetings_once(services, after))["held"] == 1
    async with services.sessions() as session:
        assert (await session.get(JointMeeting, meeting.id)).status == MeetingStatus.HELD  # type: ignore[union-attr]
        proposal = await next_meeting(session, now=after)
    assert proposal.id is None and proposal.host_town.code == "Q"
    assert proposal.starts_at == datetime.combine(
        add_months(moved.starts_at.astimezone(TOWNS_TZ).date(), 2), time(9), TOWNS_TZ
    )


async def test_only_secretaries_and_admins_plan_and_never_in_the_past(
    services: Services, pinned_now: datetime
) -> None:
    member = await make_member(services, 970011, Role.COMMITTEE, "D")
    admin = await make_member(services, 970012, Role.ADMIN, "D", name="管理员")
    later = pinned_now.astimezone(TOWNS_TZ).date() + timedelta(days=3)
    with pytest.raises(NotAllowed):
        await _plan(services, member, later, host=1)
    with pytest.raises(MeetingInPast):
        await _plan(
            services, admin, pinned_now.astimezone(TOWNS_TZ).date() - timedelta(days=1), host=1
        )
    meeting = await _plan(services, admin, later, host=2)
    again = await _plan(services, admin, later + timedelta(days=1), host=1)
    assert again.id == meeting.id  # one planned meeting, moved
    async with services.sessions() as session:
        planned = (await session.execute(select(JointMeeting))).scalars().all()
    assert [(m.status, m.host_town_id) for m in planned] == [("planned", 1)]


@pytest.mark.parametrize("held_on", [date(2026, 12, 31), date(2026, 10, 31)])
async def test_the_proposal_after_a_month_end_meeting(services: Services, held_on: date) -> None:
    async with services.sessions() as session, session.begin():
        session.add(
            JointMeeting(
                starts_at=datetime.combine(held_on, time(14, 30), TOWNS_TZ),
                host_town_id=2,
                status="held",
            )
        )
    now = datetime.combine(held_on + timedelta(days=1), time(8), TOWNS_TZ)
    async with services.sessions() as session:
        proposal = await next_meeting(session, now=now)
    assert proposal.host_town.code == "D"
    assert proposal.starts_at == datetime.combine(add_months(held_on, 2), time(14, 30), TOWNS_TZ)
    assert proposal.starts_at.astimezone(TOWNS_TZ).day == (28 if held_on.month == 12 else 31)


async def test_the_reminder_reads_in_each_members_language(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await make_member(services, 970021, Role.COMMITTEE, "D")
    await make_member(services, 970022, Role.SECRETARY, "Q", name="Sec", language="en")
    member, secretary_user = harness.user(970021), harness.user(970022, language_code="en")
    day = pinned_now.astimezone(TOWNS_TZ).date() + timedelta(days=5)
    secretary = await _person_id(services, 970022)
    await _plan(services, secretary, day, host=2)
    await meetings_once(services, pinned_now)
    await harness.drain_outbox()
    when_zh = format_when(datetime.combine(day, time(9), TOWNS_TZ), "zh_CN", TOWNS_TZ)
    when_en = format_when(datetime.combine(day, time(9), TOWNS_TZ), "en", TOWNS_TZ)
    assert member.last_text() == (
        f"📅 联席会议提醒：下次联席会议定于{when_zh}召开，由启东市Q镇主办，"
        "地点：Q镇党群服务中心（新馆）。发送 /agenda 可以看议程草稿。"
    )
    expected = (
        f"📅 Joint meeting reminder: the next joint meeting is on {when_en}, hosted by Q town"
    )
    assert secretary_user.last_text().startswith(expected)
