"""/meeting and /ratings through the real Application: a secretary sets the next meeting one
question at a time (bad input asked again, nothing kept until confirmed); a committee member
only reads; an admin's /ratings shows their town's items, low-rated first, with comments."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import select

from bot.context import Services
from bot.timefmt import format_day
from models.core.authz import Role
from models.core.base import TOWNS_TZ
from models.governance import JointMeeting, add_months
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.governance.meeting_support import COMMENT, make_member, seed_ratings
from tests.harness import BotHarness


async def _meetings(services: Services) -> list[JointMeeting]:
    async with services.sessions() as session:
        return list((await session.execute(select(JointMeeting))).scalars())


async def test_a_secretary_sets_the_next_meeting(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await make_member(services, 970201, Role.SECRETARY, "D", name="秘书")
    user = harness.user(970201)
    await user.send("/meeting")
    assert user.last_text() == "🏛️ 下次联席会议还没有定时间，由崇明区D镇主办。"
    assert user.buttons()[:2] == ["1. 📋 看议程草稿", "2. 📅 安排会议时间"]
    await user.send("2")
    assert "会议定在哪一天" in user.last_text()
    await user.send("哪天都行")
    assert user.last_text().startswith("没有看懂这个日期")
    day = pinned_now.astimezone(TOWNS_TZ).date() + timedelta(days=20)
    await user.send(f"{day.month}月{day.day}日")
    assert user.last_text() == "上午还是下午？"
    await user.choose("⬅️")
    assert "会议定在哪一天" in user.last_text()
    await user.send(f"{day.month}月{day.day}日")
    await user.choose("下午")
    assert user.last_text() == "哪个镇主办？"
    await user.choose("启东市Q镇")
    await user.send("Q镇二楼会议室")
    assert "🏛️ 启东市Q镇主办\n📍 Q镇二楼会议室" in user.last_text()
    assert await _meetings(services) == []  # nothing kept before the yes
    await user.choose("确认保存")
    assert user.last_text().startswith("✅ 已保存：下次联席会议")
    [meeting] = await _meetings(services)
    assert meeting.starts_at == datetime.combine(day, time(14, 30), TOWNS_TZ)
    assert (meeting.place, meeting.host_town_id, meeting.status) == ("Q镇二楼会议室", 2, "planned")

    await make_member(services, 970202, Role.COMMITTEE, "Q", name="委员")
    member = harness.user(970202)
    await member.send("/meeting")
    assert member.last_text().startswith("🏛️ 下次联席会议：")
    assert "Q镇二楼会议室" in member.last_text()
    assert [b for b in member.buttons() if b[0].isdigit()] == ["1. 📋 看议程草稿"]
    await member.send("2")  # no such choice for a member: the same screen again
    assert member.last_text().startswith("🏛️ 下次联席会议：")
    await member.send("1")
    assert "📋 联席会议议程草稿" in member.last_text()

    resident = harness.user(970203)
    await make_person(services.sessions, 970203)
    await resident.send("/meeting")
    assert resident.last_text() == services.i18n.translator("zh_CN")("error.not_allowed")


async def test_ratings_for_a_town_admin_low_rated_first(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await seed_ratings(services, pinned_now)
    await make_member(services, 970211, Role.ADMIN, "D", name="管理员")
    admin = harness.user(970211)
    await admin.send("/ratings")
    text = admin.last_text()
    items = [line for line in text.split("\n") if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert items == [
        "1. 服务场所「长者助餐点」：平均 2.7 分，共 3 条评价。",
        "2. 矛盾调解「崇明区D镇」：平均 3.0 分，共 3 条评价。",
        "3. 服务场所「健康体检」：平均 2.0 分，共 2 条评价。",
        "4. 活动「边界联谊会」：平均 4.5 分，共 4 条评价。",
    ]
    assert "   📉 比上一期低 1.3 分（上一期 4.0 分）。" in text
    assert f"   💬 2 分：{COMMENT}" in text and "   💬 3 分：🎤 语音" in text
    assert text.count("⚠️ 评价偏低") == 2
    assert text.endswith("崇明区D镇：平均 3.2 分，共 12 条评价。")
    assert "知青讲座" not in text and "启东市Q镇" not in text

    await make_person(services.sessions, ADMIN_ID, language="en")
    both = harness.user(ADMIN_ID, language_code="en")
    await both.send("/ratings")
    assert '1. event "Zhiqing talk": 2.0 on average from 3 ratings.' in both.last_text()
    assert "Q town (Qidong, Jiangsu): 3.3 on average from 6 ratings." in both.last_text()


async def test_a_secretary_records_a_decision_and_its_owner_marks_it_done(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await make_member(services, 970221, Role.SECRETARY, "D", name="秘书")
    await make_member(services, 970222, Role.COMMITTEE, "Q", name="赵委员")
    async with services.sessions() as session, session.begin():
        session.add(
            JointMeeting(starts_at=pinned_now - timedelta(days=1), host_town_id=1, status="held")
        )
    secretary = harness.user(970221)
    await secretary.send("/actions")
    assert secretary.last_text() == "📝 现在没有未完成的交办事项。"
    await secretary.choose("记录新的决定事项")
    await secretary.send("兴隆社区助餐点增加十个座位")
    assert secretary.last_text() == "由谁负责？"
    await secretary.choose("赵委员")
    await secretary.choose("启东市Q镇")
    await secretary.send("昨天")
    assert secretary.last_text().startswith("没有看懂这个日期，或者这一天已经过去了。")
    due = pinned_now.astimezone(TOWNS_TZ).date() + timedelta(days=10)
    await secretary.send(f"{due.month}月{due.day}日")
    assert "👤 负责人：赵委员\n🏘️ 启东市Q镇" in secretary.last_text()
    await secretary.choose("确认保存")
    assert secretary.last_text().startswith("✅ 已记录，负责人：赵委员。")
    await secretary.send("/actions")
    assert any("赵委员：兴隆社区助餐点增加十个座位" in b for b in secretary.buttons())

    owner = harness.user(970222)
    await owner.send("/actions")
    assert owner.last_text().startswith("📝 联席会议交办的事项")
    assert [b for b in owner.buttons() if b[0].isdigit()] == [
        f"1. {format_day(due, 'zh_CN', short=True)}前：兴隆社区助餐点增加十个座位"
    ]
    await owner.send("1")
    await owner.choose("已经办好了")
    assert owner.last_text().startswith("✅ 已标记为完成：“兴隆社区助餐点增加十个座位”")
    await owner.send("/actions")
    assert owner.last_text() == "📝 现在没有未完成的交办事项。"


async def test_the_proposed_day_is_one_tap_away(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    held = pinned_now - timedelta(days=20)
    async with services.sessions() as session, session.begin():
        session.add(JointMeeting(starts_at=held, host_town_id=1, status="held"))
    await make_member(services, 970231, Role.ADMIN, "Q", name="管理员")
    admin = harness.user(970231)
    await admin.send("/meeting")
    assert admin.last_text().startswith("🏛️ 下次联席会议还没有定下来。")
    assert "启东市Q镇主办" in admin.last_text()
    await admin.choose("安排会议时间")
    await admin.choose("用建议的日子")
    assert admin.last_text() == "上午还是下午？"
    await admin.choose("上午")
    await admin.choose("启东市Q镇")
    await admin.choose("党群服务中心")
    await admin.choose("确认保存")
    [planned] = [m for m in await _meetings(services) if m.status == "planned"]
    local = held.astimezone(TOWNS_TZ).date()
    proposed = add_months(local, 2)
    assert planned.starts_at == datetime.combine(proposed, time(9), TOWNS_TZ)
    assert (planned.host_town_id, planned.place) == (2, "")
