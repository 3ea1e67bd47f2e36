"""Action items: recorded by a secretary after a meeting, owned by a committee member; the
owner is nudged once a day while an item is overdue (pinned days, month and year ends too),
and no more once it is marked done."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import col, select

from bot.context import Services
from jobs.governance.meetings import meetings_once
from models.core.authz import Role, scopes_of
from models.core.base import TOWNS_TZ
from models.core.errors import NotAllowed
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.governance import (
    ActionView,
    DueInPast,
    JointMeeting,
    NoMeetingYet,
    NotInCommittee,
    mark_done,
    open_actions,
    record_action,
)
from tests.governance.meeting_support import make_member


async def _as(services: Services, person_id: int, use_case, **kw):  # type: ignore[no-untyped-def]
    async with services.sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        scopes = frozenset(await scopes_of(session, person, []))
        return await use_case(session, person=person, scopes=scopes, **kw)


async def _held(services: Services, on: datetime) -> None:
    async with services.sessions() as session, session.begin():
        session.add(JointMeeting(starts_at=on, host_town_id=1, status="held"))


async def _nudges(services: Services) -> list[tuple[int | None, str]]:
    async with services.sessions() as session:
        rows = (
            await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        ).scalars()
        return [
            (r.person_id, r.payload["params"]["text"])
            for r in rows
            if r.payload["msgid"] == "governance.action.overdue"
        ]


@pytest.mark.parametrize("due", [date(2026, 12, 31), date(2027, 2, 28), date(2026, 11, 30)])
async def test_overdue_items_nudge_their_owner_once_a_day_until_done(
    services: Services, due: date
) -> None:
    secretary = await make_member(services, 970301, Role.SECRETARY, "D", name="秘书")
    owner = await make_member(services, 970302, Role.COMMITTEE, "Q", name="负责人")
    other = await make_member(services, 970303, Role.COMMITTEE, "D", name="另一位")
    recorded_at = datetime.combine(due - timedelta(days=10), time(20), TOWNS_TZ)
    await _held(services, recorded_at - timedelta(days=1))
    item: ActionView = await _as(
        services,
        secretary,
        record_action,
        text="  兴隆社区  增加助餐点座位 ",
        owner_id=owner,
        town_id=2,
        due_on=due,
        now=recorded_at,
    )
    assert (item.item.text, item.owner_name, item.town.code) == (
        "兴隆社区 增加助餐点座位",
        "负责人",
        "Q",
    )
    last_hour = datetime.combine(due, time(23, 59), TOWNS_TZ)
    assert (await meetings_once(services, last_hour))["nudges"] == 0  # due today: not late yet
    next_day = last_hour + timedelta(minutes=2)  # the next day (month/year end crossed)
    assert (await meetings_once(services, next_day))["nudges"] == 1
    assert (await meetings_once(services, next_day + timedelta(hours=20)))["nudges"] == 0
    assert (await meetings_once(services, next_day + timedelta(days=1)))["nudges"] == 1
    assert await _nudges(services) == [(owner, "兴隆社区 增加助餐点座位")] * 2

    with pytest.raises(NotAllowed):  # another member cannot close someone else's item
        await _as(services, other, mark_done, item_id=item.item.id)
    assert [v.item.id for v in await _as(services, owner, open_actions)] == [item.item.id]
    assert await _as(services, other, open_actions) == []
    done = await _as(services, owner, mark_done, item_id=item.item.id)
    again = await _as(services, owner, mark_done, item_id=item.item.id)
    assert done.item.status == again.item.status == "done"
    assert (await meetings_once(services, next_day + timedelta(days=2)))["nudges"] == 0
    assert await _as(services, secretary, open_actions) == []


async def test_recording_is_refused_politely(services: Services, pinned_now: datetime) -> None:
    secretary = await make_member(services, 970311, Role.SECRETARY, "D", name="秘书")
    member = await make_member(services, 970312, Role.COMMITTEE, "D", name="委员")
    volunteer = await make_member(services, 970313, Role.VOLUNTEER, "D", name="志愿者")
    today = pinned_now.astimezone(TOWNS_TZ).date()
    kw = {"text": "修好活动室的灯", "town_id": 1, "now": pinned_now}
    with pytest.raises(NoMeetingYet):
        await _as(services, secretary, record_action, owner_id=member, due_on=today, **kw)
    await _held(services, pinned_now - timedelta(days=2))
    with pytest.raises(NotAllowed):
        await _as(services, member, record_action, owner_id=member, due_on=today, **kw)
    with pytest.raises(NotInCommittee):
        await _as(services, secretary, record_action, owner_id=volunteer, due_on=today, **kw)
    with pytest.raises(DueInPast):
        await _as(
            services,
            secretary,
            record_action,
            owner_id=member,
            due_on=today - timedelta(days=1),
            **kw,
        )
    done = await _as(services, secretary, record_action, owner_id=member, due_on=today, **kw)
    assert done.item.meeting_id is not None and done.item.status == "open"
