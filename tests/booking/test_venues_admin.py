"""/venues end to end through the real Application: admins edit rules, hours, closed days and
slots in zh_CN and en. Who may is in test_venues_admin_scope.py, the texts in
test_venues_admin_texts.py."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.booking.calendar import Blackout, OpeningHours
from models.booking.slots import Slot, take_places
from models.core.base import utcnow
from models.core.places import Venue
from tests.booking.booking_support import local_today, slot_of
from tests.booking.venues_admin_support import (
    audit_actions,
    button_data,
    counts,
    current,
    fetch,
    global_admin,
    open_card,
    tap,
    venue,
)
from tests.harness import BotHarness


async def test_admin_toggles_approval_and_changes_capacity_zh(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    admin = await global_admin(harness, services, "zh_CN")
    canteen = await venue(services, "d-canteen")
    slot = await slot_of(services.sessions, "d-canteen", 2)
    async with services.sessions() as session, session.begin():
        assert await take_places(session, slot.id, 3)  # type: ignore[arg-type]

    await admin.send("/venues")
    screen = current(admin)
    assert screen["text"] == t("venues_admin.list.centres")
    assert [d for d in button_data(screen) if d.startswith("va:c:")] == ["va:c:1", "va:c:2"]
    await tap(admin, f"va:c:{canteen.centre_id}")
    screen = current(admin)
    assert "🏢 D镇社区党群服务中心\n请选择要管理的场地" in screen["text"]
    assert [b["text"] for row in screen["reply_markup"]["inline_keyboard"] for b in row] == [
        "1. 多功能活动室", "2. 长者助餐点", "3. 健康体检", "4. 矛盾调解室", "⬅️ 返回", "🏠 主菜单"
    ]  # fmt: skip
    assert all(len(d.encode()) <= 64 for d in button_data(screen))
    await tap(admin, f"va:v:{canteen.id}")
    card = admin.last_text()
    assert "🏢 长者助餐点" in card and "每个时段名额：40" in card and "每次最多 4 人" in card
    assert "需要管理员审批：否" in card and "星期日：11:00-12:00, 17:00-18:00" in card

    await tap(admin, f"va:t:{canteen.id}:appr")
    assert "✅ 已保存：「需要管理员审批」现在是「是」。" in admin.last_text()
    assert "需要管理员审批：是" in admin.last_text()
    assert (await fetch(services, Venue, canteen.id)).needs_approval is True

    await tap(admin, f"va:n:{canteen.id}:cap")
    assert "请输入新的「每个时段名额」（现在是 40）" in admin.last_text()
    before = await counts(services)
    for bad in ("四十", "0", "1001", "x" * 5000):
        await admin.send(bad)
        assert admin.last_text().startswith(t("venues_admin.error.number", low=1, high=1000))
        assert "请输入新的「每个时段名额」" in admin.last_text()
    await admin.sticker()
    assert admin.last_text().startswith("😊 没看懂这个数字")
    assert (await fetch(services, Venue, canteen.id)).capacity == 40
    assert await counts(services) == before

    await admin.send("３０")  # full-width digits, as a Chinese keyboard types them
    text = admin.last_text()
    assert "✅ 已保存：每个时段名额现在是 30" in text and "每个时段名额：30" in text
    assert (await fetch(services, Venue, canteen.id)).capacity == 30
    booked = await fetch(services, Slot, slot.id)
    assert (booked.capacity, booked.taken) == (30, 3)
    async with services.sessions() as session:
        future = select(func.count()).where(
            col(Slot.venue_id) == canteen.id, col(Slot.starts_at) > utcnow()
        )
        still_40 = (await session.execute(future.where(col(Slot.capacity) == 40))).scalar_one()
    assert still_40 == 0
    assert await audit_actions(services) == ["venue.rule", "venue.rule"]

    await admin.send("31")  # the question was answered: no longer waiting for a number
    assert (await fetch(services, Venue, canteen.id)).capacity == 30


async def test_admin_sets_hours_adds_blackout_and_regenerates_en(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("en")
    admin = await global_admin(harness, services, "en")
    hall = await venue(services, "q-hall")
    await open_card(admin, hall)
    assert "Needs admin approval: yes" in admin.last_text()
    await tap(admin, f"va:h:{hall.id}")
    assert "Sunday: closed" in admin.last_text()
    await tap(admin, f"va:hd:{hall.id}:6")
    assert "opening hours for Sunday" in admin.last_text()
    await admin.send("9 to 5")
    assert admin.last_text().startswith(t("venues_admin.error.hours"))
    await admin.send("09:00 - 12:00，14:00-16:00")
    assert "✅ Saved: opening hours for Sunday are now 09:00-12:00, 14:00-16:00." in (
        admin.last_text()
    )
    assert "Sunday: 09:00-12:00, 14:00-16:00" in admin.last_text()
    async with services.sessions() as session:
        sunday = (
            await session.execute(
                select(OpeningHours)
                .where(col(OpeningHours.venue_id) == hall.id, col(OpeningHours.weekday) == 6)
                .order_by(col(OpeningHours.opens))
            )
        ).scalars()
        assert [(h.opens, h.closes) for h in sunday] == [(time(9), time(12)), (time(14), time(16))]

    slots_before = (await counts(services))[3]
    await tap(admin, f"va:g:{hall.id}")
    created = (await counts(services))[3] - slots_before
    assert created > 0  # Sundays (and days past the demo's two weeks) up to the horizon
    assert f"✅ {created} new time slots were created" in admin.last_text()

    await tap(admin, f"va:v:{hall.id}")
    await tap(admin, f"va:b:{hall.id}")
    assert "No closed days." in admin.last_text()
    await tap(admin, f"va:ba:{hall.id}")
    await admin.send("2026-13-40 party")
    assert admin.last_text().startswith(t("venues_admin.error.blackout"))
    first = local_today() + timedelta(days=20)
    last = first + timedelta(days=2)
    await admin.send(f"{first:%Y-%m-%d} {last:%Y-%m-%d} 元旦检修|New Year maintenance")
    assert "✅ Closed days added:" in admin.last_text()
    assert "reason: New Year maintenance." in admin.last_text()
    async with services.sessions() as session:
        row = (
            await session.execute(select(Blackout).where(col(Blackout.venue_id) == hall.id))
        ).scalar_one()
    assert (row.first_day, row.last_day, row.reason_zh) == (first, last, "元旦检修")
    await tap(admin, f"va:bd:{hall.id}:{row.id}")
    assert t("venues_admin.done.blackout_removed") in admin.last_text()
    assert await fetch(services, Blackout, row.id) is None
    assert await audit_actions(services) == [
        "venue.hours",
        "venue.slots.generate",
        "venue.blackout.add",
        "venue.blackout.remove",
    ]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_admin_adjusts_a_slot_and_cannot_go_below_booked(
    harness: BotHarness, services: Services, language: str
) -> None:
    t = services.i18n.translator(language)
    admin = await global_admin(harness, services, language)
    health = await venue(services, "d-health")
    slot = await slot_of(services.sessions, "d-health", 3)
    assert slot.id is not None
    async with services.sessions() as session, session.begin():
        assert await take_places(session, slot.id, 5)
    day = slot.starts_at.astimezone(services.settings.tz).date()
    await open_card(admin, health)
    await tap(admin, f"va:d:{health.id}:0")
    await tap(admin, f"va:sl:{health.id}:{day:%Y%m%d}")
    assert "08:00–09:00  5/20" in admin.last_text()
    await tap(admin, f"va:s:{slot.id}")
    assert ("已约 5 人，名额 20 人" if language == "zh_CN" else "5 booked of 20 places") in (
        admin.last_text()
    )
    await tap(admin, f"va:sc:{slot.id}")
    await admin.send("3")
    refusal = {
        "zh_CN": "😕 这个时段已有 5 个名额被预约",
        "en": "😕 5 places in this slot are already",
    }
    assert admin.last_text().startswith(refusal[language])
    assert admin.last_text().startswith(t.n("booking.error.capacity_below_taken", 5, taken=5))
    assert (await fetch(services, Slot, slot.id)).capacity == 20
    await admin.send("6")
    assert t.n("venues_admin.done.slot_capacity", 6, capacity=6) in admin.last_text()
    assert (await fetch(services, Slot, slot.id)).capacity == 6

    await tap(admin, f"va:so:{slot.id}:1")
    assert t("venues_admin.done.slot_closed") in admin.last_text()
    assert (await fetch(services, Slot, slot.id)).closed is True
    await tap(admin, f"va:so:{slot.id}:0")
    assert (await fetch(services, Slot, slot.id)).closed is False
    assert await audit_actions(services) == ["slot.capacity", "slot.closed", "slot.closed"]


async def test_back_and_home_typed_while_a_question_waits(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    admin = await global_admin(harness, services, "zh_CN")
    canteen = await venue(services, "d-canteen")
    await open_card(admin, canteen)
    await tap(admin, f"va:n:{canteen.id}:party")
    await admin.send(t("nav.back"))
    assert "🏢 长者助餐点" in admin.last_text()
    await admin.send("2")  # no question waits any more
    assert (await fetch(services, Venue, canteen.id)).max_party_size == 4
    await tap(admin, f"va:n:{canteen.id}:party")
    await harness.restart()  # the question survives a restart
    await admin.send("6")
    assert "「每次预约最多人数」现在是 6" in admin.last_text()
    await tap(admin, f"va:n:{canteen.id}:lead")
    await admin.send(t("nav.home"))
    assert admin.last_text() == t("home.prompt")
    assert (await fetch(services, Venue, canteen.id)).lead_time_minutes == 120
