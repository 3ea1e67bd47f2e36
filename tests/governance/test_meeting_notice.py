"""The "你们提的建议，我们这样做了" notice: composed from a town's items done lately (and its
suggestions adopted lately, with what was done) and sent
as an ordinary broadcast to its residents (the broadcasts domain's rules: the right to
broadcast in that town, approval where a town requires it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from bot.context import Services
from models.broadcasts import Broadcast
from models.core.authz import Role, scopes_of
from models.core.base import TOWNS_TZ
from models.core.people import Person
from models.governance import ActionItem, JointMeeting, Suggestion, send_done_notice
from tests.factories import make_person
from tests.governance.meeting_support import make_member
from tests.harness import BotHarness


async def _items(services: Services, now: datetime) -> None:
    async with services.sessions() as session, session.begin():
        meeting = JointMeeting(starts_at=now - timedelta(days=30), host_town_id=1, status="held")
        session.add(meeting)
        await session.flush()
        day = now.astimezone(TOWNS_TZ).date()
        rows = [
            ("长江新村增加了助餐点座位", 1, "done", now - timedelta(days=3)),
            ("活动室换了新灯", 1, "done", now - timedelta(days=1)),
            ("很久以前办好的事", 1, "done", now - timedelta(days=90)),
            ("还没办好的事", 1, "open", None),
            ("Q镇的事", 2, "done", now - timedelta(days=2)),
        ]
        for text, town, status, done_at in rows:
            session.add(
                ActionItem(
                    meeting_id=meeting.id or 0,
                    text=text,
                    town_id=town,
                    due_on=day,
                    status=status,
                    done_at=done_at,
                )
            )
        adopted = [
            ("JY-D-2026-0001", "adopted", "食堂加了软烂的菜", 1, now - timedelta(days=2)),
            ("JY-D-2026-0002", "adopted", "很久以前采纳的", 1, now - timedelta(days=90)),
            ("JY-D-2026-0003", "not_adopted", "场地不够", 1, now - timedelta(days=2)),
            ("JY-Q-2026-0001", "adopted", "Q镇采纳的", 2, now - timedelta(days=2)),
        ]
        for number, status, outcome, town, decided_at in adopted:
            session.add(
                Suggestion(
                    number=number,
                    town_id=town,
                    subject="bot",
                    text="我的电话13912345678",
                    status=status,
                    outcome=outcome,
                    decided_at=decided_at,
                )
            )


async def _broadcasts(services: Services) -> list[Broadcast]:
    async with services.sessions() as session:
        return list((await session.execute(select(Broadcast))).scalars())


async def test_an_admin_sends_the_notice_as_a_broadcast(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await _items(services, pinned_now)
    await make_person(services.sessions, 970401, name="居民甲")  # a resident of D to reach
    await make_member(services, 970402, Role.ADMIN, "D", name="管理员")
    admin = harness.user(970402)
    await admin.send("/meeting")
    await admin.choose("我们这样做了")
    assert admin.last_text() == "发给哪个镇的居民？"
    await admin.choose("崇明区D镇")
    notice = (
        "📣 你们提的建议，我们这样做了：\n✅ 长江新村增加了助餐点座位\n✅ 活动室换了新灯"
        "\n💡 食堂加了软烂的菜（JY-D-2026-0001）"
    )
    assert admin.last_text() == f"发给崇明区D镇居民的通知是这样的：\n\n{notice}\n\n要发出去吗？"
    assert await _broadcasts(services) == []
    await admin.choose("发出去")
    assert admin.last_text().startswith("✅ 通知已经发出")
    [broadcast] = await _broadcasts(services)
    assert (broadcast.text, broadcast.audience_kind, broadcast.audience_value) == (
        notice,
        "town",
        "D",
    )
    assert broadcast.status == "scheduled" and broadcast.recipients >= 1


async def test_nothing_done_and_no_broadcast_right_are_refused(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await make_member(services, 970411, Role.SECRETARY, "D", name="秘书")
    secretary = harness.user(970411)
    await secretary.send("/meeting")
    await secretary.choose("我们这样做了")
    await secretary.choose("崇明区D镇")
    assert secretary.last_text().startswith("这个镇最近没有办好的交办事项")
    assert secretary.last_text().endswith("发给哪个镇的居民？")
    await _items(services, pinned_now)
    await secretary.choose("崇明区D镇")
    await secretary.choose("发出去")
    # A secretary who is not also a volunteer or admin may not broadcast: nothing is sent.
    assert secretary.last_text().startswith("没有保存：")
    assert await _broadcasts(services) == []


async def test_a_town_that_requires_approval_holds_the_notice(
    services: Services, pinned_now: datetime
) -> None:
    await _items(services, pinned_now)
    await make_person(services.sessions, 970421, name="居民乙")
    volunteer_id = await make_member(services, 970422, Role.VOLUNTEER, "D", name="志愿者")
    async with services.sessions() as session, session.begin():
        volunteer = await session.get(Person, volunteer_id)
        assert volunteer is not None
        scopes = frozenset(await scopes_of(session, volunteer, []))
        broadcast = await send_done_notice(
            session,
            person=volunteer,
            scopes=scopes,
            town_id=1,
            heading="我们这样做了：",
            approval_towns=["D"],
            admin_ids=[],
            tz=TOWNS_TZ,
        )
    assert broadcast.status == "pending_approval"
    assert broadcast.text == (
        "我们这样做了：\n✅ 长江新村增加了助餐点座位\n✅ 活动室换了新灯"
        "\n💡 食堂加了软烂的菜（JY-D-2026-0001）"
    )
