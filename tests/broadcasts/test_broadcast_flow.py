"""/broadcast through the real Application: compose, preview, send, progress, report, approval."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.broadcasts import ProgressBoard, tick
from models.broadcasts import Broadcast, BroadcastStatus
from models.core.audit import AuditLog
from models.core.authz import Role
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from tests.authz.authz_cast import forge_tap
from tests.broadcasts.test_broadcast_models import bulk_people, staff
from tests.conftest import ADMIN_ID
from tests.harness import BotHarness, Message, SimUser

VOLUNTEER = 8001


async def broadcasts(services: Services) -> list[Broadcast]:
    """Every broadcast, oldest first."""
    async with services.sessions() as session:
        query = select(Broadcast).order_by(col(Broadcast.id))
        return list((await session.execute(query)).scalars())


async def audit(services: Services) -> list[str]:
    """Every broadcast audit action, in order."""
    async with services.sessions() as session:
        query = (
            select(col(AuditLog.action))
            .where(col(AuditLog.action).like("broadcast.%"))
            .order_by(col(AuditLog.id))
        )
        return list((await session.execute(query)).scalars())


async def job(harness: BotHarness, board: ProgressBoard) -> None:
    """One run of the broadcast job."""
    assert harness.app is not None
    await tick(harness.services, harness.app.bot, board)


def texts(messages: list[Message]) -> list[str]:
    """Text or caption of each message."""
    return [str(m.get("text") or m.get("caption") or "") for m in messages]


async def compose(user: SimUser, notice: str, *, photo: bool = False) -> list[Message]:
    """/broadcast, then the notice (text or photo with caption)."""
    await user.send("/broadcast")
    if photo:
        return await user._act(user.state.send_photo(user.id, b"\xff\xd8\xff-poster", notice))
    return await user.send(notice)


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
    # four Q residents and the D volunteer; one resident muted health notices
    await bulk_people(
        services, 4, town="Q", community="q-xinglong", muted={"health": 4}, start=62_000
    )
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
    assert "It goes to everyone: 4 people (1 turned this kind of notice off)." in preview[2]["text"]
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


async def test_approval_two_person_rule_through_the_bot(
    harness: BotHarness, services: Services
) -> None:
    services.settings.broadcast_approval_towns = ["D"]
    t = services.i18n.translator("zh_CN")
    await bulk_people(services, 3, start=64_000)
    for tg in range(64_000, 64_003):
        harness.user(tg)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    await staff(services, 8002, Role.ADMIN)  # D admin
    await staff(services, 8003, Role.ADMIN, "Q", "q-xinglong")
    user, d_admin, q_admin = harness.user(VOLUNTEER), harness.user(8002), harness.user(8003)
    harness.user(ADMIN_ID)

    async def submit(notice: str) -> Broadcast:
        await compose(user, notice)
        await user.send("1")
        await user.send("1")  # everyone
        await user.send("1")  # now
        await user.send("1")  # confirm
        return (await broadcasts(services))[-1]

    first = await submit("第一条通知")
    assert first.status == BroadcastStatus.PENDING_APPROVAL.value
    assert user.last_text() == t.n(
        "broadcast.receipt.pending", 6, id=first.id, recipients=6, when="立即发送"
    )
    await harness.drain_outbox()
    request = d_admin.state.last_message(8002)
    assert request is not None and "第一条通知" in request["text"]
    buttons = [
        b["callback_data"] for row in request["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == [f"bc:ok:{first.id}", f"bc:no:{first.id}"]
    assert q_admin.state.messages(8003) == []  # another town's admin is not asked
    await job(harness, ProgressBoard())
    assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value

    await q_admin.send("/help")
    await forge_tap(q_admin, f"bc:ok:{first.id}")
    assert q_admin.state.callback_answers(8003)[-1]["text"] == t("error.not_allowed")
    await forge_tap(user, f"bc:ok:{first.id}")  # the author, a volunteer
    assert user.state.callback_answers(VOLUNTEER)[-1]["text"] == t("error.not_allowed")
    assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value

    await d_admin.tap(request, f"bc:ok:{first.id}")
    decided = d_admin.state.last_message(8002)
    assert decided is not None and decided["text"].endswith(
        t("broadcast.decided.approved", id=first.id)
    )
    await forge_tap(d_admin, f"bc:no:{first.id}")  # buttons are gone; a replayed tap: no change
    assert d_admin.state.callback_answers(8002)[-1]["text"] == t("broadcast.error.decided")
    await harness.drain_outbox()
    assert t("broadcast.approved.author", id=first.id) in texts(user.state.messages(VOLUNTEER))
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    assert texts(user.state.messages(64_001))[-1].endswith("第一条通知")

    second = await submit("第二条通知")
    await harness.drain_outbox()
    request = d_admin.state.last_message(8002)
    assert request is not None
    await d_admin.tap(request, f"bc:no:{second.id}")
    await harness.drain_outbox()
    assert user.last_text() == t("broadcast.rejected.author", id=second.id)
    await job(harness, ProgressBoard())
    async with services.sessions() as session:
        sent = await session.execute(
            select(OutboxMessage).where(col(OutboxMessage.broadcast_id) == second.id)
        )
        assert sent.scalars().all() == []
    assert await audit(services) == [
        "broadcast.create",
        "broadcast.approve",
        "broadcast.start",
        "broadcast.create",
        "broadcast.reject",
        "broadcast.finish",  # the first one, settled by the last job run
    ]


async def test_history_and_cancel_while_sending(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await bulk_people(services, 5, start=65_000)
    for tg in range(65_000, 65_005):
        harness.user(tg)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    user = harness.user(VOLUNTEER)
    await user.send("/broadcasts")
    assert user.last_text() == t("broadcast.history.title") + "\n\n" + t("broadcast.history.empty")
    await compose(user, "停水通知")
    for _ in range(4):
        await user.send("1")
    [broadcast] = await broadcasts(services)
    board = ProgressBoard()
    await job(harness, board)  # sending starts: 6 pending rows
    await user.send("/broadcasts")
    listing = user.state.last_message(VOLUNTEER)
    assert listing is not None
    assert t("broadcast.status.sending") in listing["text"] and "已发送 0 / 6" in listing["text"]
    await user.tap(listing, f"bc:cancel:{broadcast.id}")
    assert user.last_text().startswith(
        t("broadcast.cancel.confirm", id=broadcast.id, text="停水通知")[:12]
    )
    await user.tap(listing, f"bc:stop:{broadcast.id}")
    assert user.last_text() == t.n("broadcast.cancelled", 6, id=broadcast.id, stopped=6)
    await harness.drain_outbox()
    assert all(user.state.messages(tg) == [] for tg in range(65_000, 65_005))
    await job(harness, board)
    await harness.drain_outbox()
    report = t.n(
        "broadcast.report.cancelled",
        6,
        id=broadcast.id,
        sent=0,
        unreachable=0,
        failed=0,
        skipped=0,
        cancelled=6,
        total=6,
    )
    assert user.last_text() == report
    [stored] = await broadcasts(services)
    assert stored.status == BroadcastStatus.CANCELLED.value and stored.finished_at is not None
    await user.send("/broadcasts")
    assert t("broadcast.status.cancelled") in user.last_text()
    assert await audit(services) == [
        "broadcast.create",
        "broadcast.start",
        "broadcast.cancel",
        "broadcast.finish",
    ]


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
