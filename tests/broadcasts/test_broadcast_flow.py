"""/broadcast through the real Application: compose, preview, send, progress, report, restart."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import BroadcastStatus
from models.core.authz import Role
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from tests.broadcasts.broadcast_support import (
    VOLUNTEER,
    audit,
    broadcasts,
    bulk_people,
    compose,
    job,
    staff,
    texts,
)
from tests.harness import BotHarness


async def test_volunteer_broadcasts_to_a_community_in_chinese(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    residents = await bulk_people(services, 6, muted={"events": 3}, start=60_000)  # 2 muted
    others = await bulk_people(services, 3, community="d-hongmei", start=61_000)
    for tg in [*range(60_000, 60_006), *range(61_000, 61_003)]:
        harness.user(tg)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    user = harness.user(VOLUNTEER)

    await user.send("/broadcast")
    assert user.last_text() == t("broadcast.ask_text")
    assert user.buttons() == [t("nav.back"), t("nav.home")]
    await user.sticker()  # not a notice: asked again, gently
    assert user.last_text() == t("broadcast.text.invalid") + "\n\n" + t("broadcast.ask_text")
    await user.send("本周六上午9点，红梅学苑有知青文化讲座，欢迎参加！")
    assert user.last_text() == t("broadcast.ask_topic")
    await user.send("9")
    assert t("broadcast.not_understood") in user.last_text()
    await user.press("1. 活动通知")
    assert user.last_text() == t("broadcast.ask_audience")
    await user.press(t("nav.back"))
    assert user.last_text() == t("broadcast.ask_topic")
    await user.send("1")
    await user.choose("一个社区")
    assert user.last_text() == t("broadcast.ask_community")
    assert "1. 长江新村社区" in user.buttons() and not any("兴隆" in b for b in user.buttons())
    shown = await user.choose("长江新村社区")
    notice = t("broadcast.notice", text="本周六上午9点，红梅学苑有知青文化讲座，欢迎参加！")
    assert texts(shown)[:2] == [t("broadcast.preview.title"), notice]
    # 6 residents, 2 of whom muted events; plus the volunteer, who lives there too
    assert "将发送给长江新村社区的居民，共 5 人（2 人不接收此类通知）" in shown[-1]["text"]
    await user.choose("立即发送")
    assert "👥 发给：长江新村社区的居民，共 5 人" in user.last_text()
    receipt = await user.choose("确认发送")
    [broadcast] = await broadcasts(services)
    assert texts(receipt) == [t.n("broadcast.receipt.now", 5, id=broadcast.id, recipients=5)]
    assert user.buttons()[0].startswith("1. ")  # back at the main menu
    assert broadcast.status == BroadcastStatus.SCHEDULED.value
    assert (broadcast.audience_kind, broadcast.audience_value) == ("community", "d-changjiang")
    assert (broadcast.topic, broadcast.recipients, broadcast.skipped_opt_out) == ("events", 5, 2)

    board = ProgressBoard()
    await job(harness, board)  # starts sending; the progress message appears
    progress = user.state.last_message(VOLUNTEER)
    assert progress is not None
    assert progress["text"] == t("broadcast.progress", id=broadcast.id, sent=0, total=5)
    await harness.drain_outbox()
    await job(harness, board)  # all sent: the same message is edited, the report enqueued
    edited = next(
        m for m in user.state.messages(VOLUNTEER) if m["message_id"] == progress["message_id"]
    )
    assert edited["text"] == t("broadcast.progress.done", id=broadcast.id, sent=5, total=5)
    assert edited["history"] == [t("broadcast.progress", id=broadcast.id, sent=0, total=5)]
    await harness.drain_outbox()
    mine = texts(user.state.messages(VOLUNTEER))
    report = t(
        "broadcast.report",
        id=broadcast.id,
        sent=5,
        unreachable=0,
        failed=0,
        skipped=2,
        cancelled=0,
    )
    assert mine[-1] == report
    assert mine.count(notice) == 2  # the preview, and the notice: the volunteer lives there too
    assert (
        sum(1 for text in mine if text.startswith(("✅ 通知", "📤"))) == 1
    )  # one progress message
    for index, tg in enumerate(range(60_000, 60_006)):
        got = user.state.messages(tg)
        translator = services.i18n.translator("zh_CN" if index % 2 else "en")
        expected = translator(
            "broadcast.notice", text="本周六上午9点，红梅学苑有知青文化讲座，欢迎参加！"
        )
        assert texts(got) == ([] if index % 3 == 0 else [expected]), tg
    assert all(user.state.messages(tg) == [] for tg in range(61_000, 61_003))
    assert len(residents) == 6 and len(others) == 3
    [done] = await broadcasts(services)
    assert done.status == BroadcastStatus.DONE.value and done.finished_at is not None
    assert await audit(services) == [
        "broadcast.create",
        "broadcast.start",
        "broadcast.finish",
    ]


async def test_volunteer_schedules_a_photo_notice_in_english(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("en")
    # four D residents and the D volunteer; one resident muted health notices. "Everyone" is
    # everyone the volunteer's town covers: the two Q residents are not reached.
    await bulk_people(services, 4, muted={"health": 4}, start=62_000)
    await bulk_people(services, 2, town="Q", community="q-xinglong", start=62_100)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    user = harness.user(VOLUNTEER, language_code="en")
    await user.send("/settings")  # the volunteer's stored language is zh_CN: switch to English
    await user.choose("语言")
    await user.choose("English")
    shown = await compose(user, "Free blood pressure checks on Saturday.", photo=True)
    assert texts(shown) == [t("broadcast.ask_topic")]
    await user.choose("health service")
    await user.choose("Everyone")
    preview = user.state.messages(VOLUNTEER)[-3:]
    assert preview[1]["kind"] == "photo"
    assert preview[1]["caption"] == t(
        "broadcast.notice", text="Free blood pressure checks on Saturday."
    )
    assert (
        "It goes to everyone in D town (Chongming, Shanghai): 4 people"
        " (1 turned this kind of notice off)." in preview[2]["text"]
    )
    await user.choose("Tomorrow")
    assert "⏰ When: Tomorrow 9 am" in user.last_text()
    receipt = await user.choose("Yes, send it")
    [broadcast] = await broadcasts(services)
    assert texts(receipt) == [
        t.n("broadcast.receipt.scheduled", 4, id=broadcast.id, recipients=4, when="Tomorrow 9 am")
    ]
    assert broadcast.photo_file_id and broadcast.status == BroadcastStatus.SCHEDULED.value
    local = broadcast.send_at.astimezone(services.settings.tz)
    tomorrow = (datetime.now(services.settings.tz) + timedelta(days=1)).date()
    assert (local.date(), local.hour, local.minute) == (tomorrow, 9, 0)
    await job(harness, ProgressBoard())  # not due yet: nothing is sent
    async with services.sessions() as session:
        assert (await session.execute(select(OutboxMessage))).scalars().all() == []


async def test_back_and_home_on_every_screen(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await bulk_people(services, 2, start=63_000)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    user = harness.user(VOLUNTEER)
    await compose(user, "通知")
    await user.send("1")
    await user.choose("一个镇")
    assert user.last_text() == t("broadcast.ask_town") and len(user.buttons()) == 3  # D only
    await user.press(t("nav.back"))
    assert user.last_text() == t("broadcast.ask_audience")
    await user.choose("关心某类")
    await user.choose("健康")
    await user.press(t("nav.back"))
    assert user.last_text() == t("broadcast.ask_audience")
    await user.send("1")
    await user.send("1")
    await user.press(t("nav.back"))
    assert user.last_text().endswith(t("broadcast.ask_when"))
    await user.press(t("nav.home"))
    assert user.last_text() == t("home.prompt")
    assert await broadcasts(services) == []


async def test_a_thousand_recipients_get_exactly_one_notice(
    harness: BotHarness, services: Services
) -> None:
    services.settings.outbox_rate = 1000.0
    await harness.restart()
    ids = await bulk_people(services, 1000, muted={"culture": 8}, unreachable=10, start=100_000)
    await bulk_people(services, 30, town="Q", community="q-xinglong", start=200_000)
    for tg in [*range(100_000, 101_000), *range(200_000, 200_030)]:
        harness.state.user(tg, first_name="居民", language_code="zh-hans")
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    user = harness.user(VOLUNTEER)
    await compose(user, "红梅学苑文化节")
    await user.send("3")  # culture
    await user.send("2")  # a town
    shown = await user.send("1")  # D
    # 990 reachable; every 8th of the 1,000 muted culture (indexes 0, 8 … → 10 unreachable too)
    muted_reachable = sum(1 for i in range(10, 1000) if i % 8 == 0)
    expected = 990 - muted_reachable + 1
    assert f"共 {expected:,} 人（{muted_reachable} 人不接收此类通知）" in shown[-1]["text"]
    await user.send("1")
    await user.send("1")
    board = ProgressBoard()
    await job(harness, board)
    handled = await harness.drain_outbox()
    await job(harness, board)
    assert handled == expected
    for index, tg in enumerate(range(100_000, 101_000)):
        got = harness.state.messages(tg)
        wanted = index >= 10 and index % 8 != 0
        assert len(got) == (1 if wanted else 0), (index, got)
    assert all(harness.state.messages(tg) == [] for tg in range(200_000, 200_030))
    async with services.sessions() as session:
        rows = (
            await session.execute(select(col(OutboxMessage.status), col(OutboxMessage.kind)))
        ).all()
    broadcast_rows = [status for status, kind in rows if kind == OutboxKind.BROADCAST.value]
    assert broadcast_rows == [OutboxStatus.SENT.value] * expected
    assert len(ids) == 1000
    await harness.drain_outbox()
    assert user.last_text().startswith("📊") and f"已送达：{expected:,} 人" in user.last_text()


async def test_a_draft_survives_a_restart(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await bulk_people(services, 2, start=66_000)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    user = harness.user(VOLUNTEER)
    await compose(user, "重启前写的通知")
    await user.send("2")  # health
    await harness.restart()
    await user.send("1")  # everyone
    assert t("broadcast.notice", text="重启前写的通知") in texts(user.state.messages(VOLUNTEER))
    assert user.last_text().endswith(t("broadcast.ask_when"))
