"""A notice for both towns by an admin of both: each town requiring approval decides for itself.

Through the real Application: the two town admins answer "1" (✅) to the request at the same
moment (the handlers overlap), and the notice is scheduled once, the author told once; one
town's "2" (❌, with a reason) stops it all.
"""

from __future__ import annotations

import asyncio

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import Broadcast, BroadcastStatus, TownApproval, town_approvals
from models.core.authz import Role
from tests.broadcasts.broadcast_support import (
    audit,
    broadcasts,
    bulk_people,
    compose,
    job,
    outbox_rows,
    staff,
    texts,
)
from tests.conftest import ADMIN_ID
from tests.harness import BotHarness, Message, SimUser

D_ADMIN, Q_ADMIN = 8002, 8003


async def submit(harness: BotHarness, services: Services, notice: str) -> Broadcast:
    """The global admin sends ``notice`` to everyone, now; the town admins get the requests."""
    await bulk_people(services, 3, start=67_000)
    await bulk_people(services, 2, town="Q", community="q-xinglong", start=67_100)
    await staff(services, ADMIN_ID, Role.ADMIN)  # from TONGXIN_ADMIN_IDS: both towns
    await staff(services, D_ADMIN, Role.ADMIN)
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", "q-xinglong")
    for tg in (*range(67_000, 67_003), *range(67_100, 67_102), D_ADMIN, Q_ADMIN):
        harness.user(tg)
    author = harness.user(ADMIN_ID)
    await compose(author, notice)
    await author.send("1")  # events
    shown = await author.send("1")  # everyone
    # both towns: 3 + 2 residents, the author and the two town admins
    assert "将发送给全体居民，共 8 人（0 人不接收此类通知）" in shown[-1]["text"]
    await author.send("1")  # now
    await author.send("1")  # confirm
    [broadcast] = await broadcasts(services)
    assert broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
    assert broadcast.recipients == 8
    await harness.drain_outbox()
    return broadcast


def request_of(user: SimUser) -> Message:
    """The approval request the town admin got (a question: its own reply keyboard)."""
    request = user.state.last_message(user.id)
    assert request is not None and "🔔" in request["text"]
    assert "inline_keyboard" not in (request.get("reply_markup") or {})
    return request


def replies(message: Message) -> list[str]:
    """The reply-keyboard labels a message brought."""
    rows = (message.get("reply_markup") or {}).get("keyboard") or []
    return [str(b if isinstance(b, str) else b["text"]) for row in rows for b in row]


async def test_both_town_admins_approving_at_once_schedule_it_once(
    harness: BotHarness, services: Services
) -> None:
    services.settings.broadcast_approval_towns = ["D", "Q"]
    t = services.i18n.translator("zh_CN")
    broadcast = await submit(harness, services, "两镇联合通知")
    bid = broadcast.id or 0
    async with services.sessions() as session:
        assert set((await town_approvals(session, bid)).values()) == {TownApproval.WAITING}
    admins = [harness.user(D_ADMIN), harness.user(Q_ADMIN)]
    for admin in admins:
        assert replies(request_of(admin))[:2] == [
            "1. " + t("broadcast.approve"),
            "2. " + t("broadcast.reject"),
        ]
    await asyncio.gather(*(admin.send("1") for admin in admins))
    [approved] = await broadcasts(services)
    assert approved.status == BroadcastStatus.SCHEDULED.value
    decisions = {admin.last_text() for admin in admins}
    assert decisions == {
        t("broadcast.decided.waiting", id=bid),
        t("broadcast.decided.approved", id=bid),
    }
    await harness.drain_outbox()
    author = texts(harness.state.messages(ADMIN_ID))
    assert author.count(t("broadcast.approved.author", id=bid)) == 1
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    assert len(await outbox_rows(services, bid)) == 8
    assert await audit(services) == [
        "broadcast.create",
        "broadcast.approve",
        "broadcast.approve",
        "broadcast.start",
    ]


async def test_one_town_rejecting_stops_it_for_both(
    harness: BotHarness, services: Services
) -> None:
    services.settings.broadcast_approval_towns = ["D", "Q"]
    t = services.i18n.translator("zh_CN")
    broadcast = await submit(harness, services, "两镇联合通知")
    bid = broadcast.id or 0
    d_admin, q_admin = harness.user(D_ADMIN), harness.user(Q_ADMIN)
    request_of(d_admin), request_of(q_admin)
    await d_admin.send("1")
    assert d_admin.last_text() == t("broadcast.decided.waiting", id=bid)
    assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value
    await harness.drain_outbox()
    assert t("broadcast.approved.author", id=bid) not in texts(harness.state.messages(ADMIN_ID))
    await q_admin.send("2")
    assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value
    await q_admin.send("兴隆社区那天有别的安排")  # the reason
    assert (await broadcasts(services))[0].status == BroadcastStatus.REJECTED.value
    await harness.drain_outbox()
    told = t("broadcast.rejected.author.reason", id=bid, reason="兴隆社区那天有别的安排")
    assert texts(harness.state.messages(ADMIN_ID))[-1] == told
    await job(harness, ProgressBoard())
    assert await outbox_rows(services, bid) == []
    async with services.sessions() as session:
        approvals = await town_approvals(session, bid)
    assert sorted(approvals.values()) == [TownApproval.APPROVED, TownApproval.REJECTED]
