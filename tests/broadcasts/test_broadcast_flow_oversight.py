"""Overseeing notices through the bot: two-person approval, the history, cancel while sending."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import Broadcast, BroadcastStatus
from models.core.authz import Role
from models.core.outbox import OutboxMessage
from tests.authz.authz_cast import forge_tap
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
from tests.conftest import ADMIN_ID
from tests.harness import BotHarness


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
    # everyone of D town: three residents, the volunteer and the D admin (not the Q admin)
    assert user.last_text() == t.n(
        "broadcast.receipt.pending", 5, id=first.id, recipients=5, when="立即发送"
    )
    await harness.drain_outbox()
    request = d_admin.state.last_message(8002)
    assert request is not None and "第一条通知" in request["text"]
    keyboard = request["reply_markup"]  # a question: one set of choices, rejecting not first
    assert [row[0]["text"] for row in keyboard["keyboard"]] == [
        "1. " + t("broadcast.approve"),
        "2. " + t("broadcast.reject"),
        t("nav.home"),
    ]
    assert "inline_keyboard" not in keyboard
    assert q_admin.state.messages(8003) == []  # another town's admin is not asked
    await job(harness, ProgressBoard())
    assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value

    # A button of a request sent before requests were questions: still refused the same way.
    await q_admin.send("/help")
    await forge_tap(q_admin, f"bc:ok:{first.id}")
    assert q_admin.state.callback_answers(8003)[-1]["text"] == t("error.not_allowed")
    await forge_tap(user, f"bc:ok:{first.id}")  # the author, a volunteer
    assert user.state.callback_answers(VOLUNTEER)[-1]["text"] == t("error.not_allowed")
    assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value

    await d_admin.send("1")
    assert d_admin.last_text() == t("broadcast.decided.approved", id=first.id)
    await forge_tap(d_admin, f"bc:no:{first.id}")  # an old button replayed: no change
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
    await d_admin.send("2")
    await d_admin.send("1")  # the first quick reason
    reason = t("broadcast.reason.content")
    assert d_admin.last_text() == t(
        "broadcast.decided.rejected.reason", id=second.id, reason=reason
    )
    await harness.drain_outbox()
    assert user.last_text() == t("broadcast.rejected.author.reason", id=second.id, reason=reason)
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
