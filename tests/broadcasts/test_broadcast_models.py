"""Broadcast domain: audiences, fan-out to the outbox, approval, cancel, progress and report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update
from sqlmodel import col

from bot.context import Services
from jobs.rendering import render
from models.broadcasts import (
    AUDIENCES,
    AlreadyDecided,
    Broadcast,
    BroadcastStatus,
    EmptyAudience,
    NotCancellable,
    NoticeInvalid,
    OwnBroadcast,
    approve,
    approvers,
    cancel_broadcast,
    count_audience,
    create_broadcast,
    finish_if_settled,
    history_page,
    progress,
    reject,
    start_due_broadcasts,
)
from models.core.audit import AuditLog
from models.core.authz import Role, Scope, grant_role, scopes_of
from models.core.base import utcnow
from models.core.errors import NotAllowed, NotFound
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import NotificationOptOut, Person
from models.core.places import Community, Town
from tests.conftest import ADMIN_ID
from tests.factories import make_person

BULK_BASE = 500_000


async def bulk_people(
    services: Services,
    n: int,
    *,
    town: str = "D",
    community: str = "d-changjiang",
    muted: dict[str, int] | None = None,
    unreachable: int = 0,
    not_onboarded: int = 0,
    start: int = BULK_BASE,
) -> list[int]:
    """Insert ``n`` onboarded persons in one statement; every k-th mutes a topic, etc."""
    now = utcnow()
    async with services.sessions() as session, session.begin():
        town_id = (
            await session.execute(select(col(Town.id)).where(col(Town.code) == town))
        ).scalar_one()
        community_id = (
            await session.execute(select(col(Community.id)).where(col(Community.code) == community))
        ).scalar_one()
        rows: list[dict[str, Any]] = [
            {
                "tg_user_id": start + i,
                "chat_id": start + i,
                "display_name": f"居民{i}",
                "town_id": town_id,
                "community_id": community_id,
                "language": "zh_CN" if i % 2 else "en",
                "elder_mode": True,
                "consent_at": now,
                "reachable": i >= unreachable,
                "onboarded_at": None if unreachable <= i < unreachable + not_onboarded else now,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ]
        await session.execute(insert(Person), rows)
        ids = list(
            (
                await session.execute(
                    select(col(Person.id))
                    .where(col(Person.tg_user_id) >= start, col(Person.tg_user_id) < start + n)
                    .order_by(col(Person.tg_user_id))
                )
            ).scalars()
        )
        opt_outs = [
            {"person_id": pid, "topic": topic}
            for topic, every in (muted or {}).items()
            for index, pid in enumerate(ids)
            if index % every == 0
        ]
        if opt_outs:
            await session.execute(insert(NotificationOptOut), opt_outs)
    return [int(i) for i in ids if i is not None]


async def staff(
    services: Services, tg_id: int, role: Role, town: str = "D", community: str = "d-changjiang"
) -> tuple[Person, set[Scope]]:
    """An onboarded person holding ``role`` in ``town`` (global admin: ADMIN_ID), with scopes."""
    person = await make_person(services.sessions, tg_id, town_code=town, community_code=community)
    async with services.sessions() as session, session.begin():
        town_id = (
            await session.execute(select(col(Town.id)).where(col(Town.code) == town))
        ).scalar_one()
        if tg_id != ADMIN_ID:
            assert person.id is not None
            await grant_role(session, person.id, role, town_id)
        scopes = await scopes_of(session, person, services.settings.admin_ids)
    return person, scopes


async def create(services: Services, author: Person, scopes: set[Scope], **kw: Any) -> Broadcast:
    """Create a broadcast with sensible defaults."""
    args: dict[str, Any] = {
        "text": "明天上午9点，红梅学苑有知青文化讲座。",
        "topic": "events",
        "audience_kind": "all",
        "audience_value": None,
        "send_at": utcnow(),
        "approval_towns": [],
        "admin_ids": services.settings.admin_ids,
        "tz": services.settings.tz,
    }
    args.update(kw)
    async with services.sessions() as session, session.begin():
        return await create_broadcast(session, person=author, scopes=scopes, **args)


async def outbox_rows(services: Services, broadcast_id: int) -> list[OutboxMessage]:
    """The broadcast's outbox rows."""
    async with services.sessions() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.broadcast_id) == broadcast_id)
        return list((await session.execute(query)).scalars())


async def settle(services: Services, broadcast_id: int, status: OutboxStatus, n: int) -> None:
    """Pretend the pump delivered ``n`` pending rows with ``status``."""
    async with services.sessions() as session, session.begin():
        ids = select(col(OutboxMessage.id)).where(
            col(OutboxMessage.broadcast_id) == broadcast_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING.value,
        )
        ids = ids.order_by(col(OutboxMessage.id)).limit(n)
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids.scalar_subquery()))
            .values(status=status.value)
        )


async def audit_actions(services: Services, broadcast_id: int) -> list[str]:
    """Audit actions about one broadcast, in order."""
    async with services.sessions() as session:
        query = (
            select(col(AuditLog.action))
            .where(
                col(AuditLog.subject_type) == "broadcast", col(AuditLog.subject_id) == broadcast_id
            )
            .order_by(col(AuditLog.id))
        )
        return list((await session.execute(query)).scalars())


async def test_audience_counts_for_every_kind(services: Services) -> None:
    await bulk_people(services, 10, muted={"health": 5}, start=1000)  # D 长江: 2 mute health
    await bulk_people(services, 5, community="d-hongmei", start=2000)
    await bulk_people(
        services, 7, town="Q", community="q-xinglong", unreachable=1, not_onboarded=1, start=3000
    )  # Q: 5 reachable and onboarded
    expected = {
        ("all", None, "events"): (20, 0),
        ("all", None, "health"): (18, 2),
        ("town", "D", "events"): (15, 0),
        ("town", "Q", "health"): (5, 0),
        ("community", "d-changjiang", "health"): (8, 2),
        ("community", "d-hongmei", "events"): (5, 0),
        ("community", "q-kenqu", "events"): (0, 0),
        ("topic", "health", "events"): (18, 0),  # who did not mute health
        ("topic", "health", "health"): (18, 0),  # muted ones are not addressed at all
    }
    assert set(AUDIENCES) == {"all", "town", "community", "topic"}
    async with services.sessions() as session:
        for (kind, value, topic), (recipients, skipped) in expected.items():
            counted = await count_audience(session, kind, value, topic)
            assert (counted.recipients, counted.skipped_opt_out) == (recipients, skipped), kind
        for kind, value in (("town", "X"), ("community", "nowhere"), ("topic", "x"), ("ev", "1")):
            with pytest.raises(NotFound):
                await count_audience(session, kind, value, "events")


async def test_broadcast_to_1000_recipients_reaches_exactly_the_audience(
    services: Services,
) -> None:
    d_ids = await bulk_people(
        services, 1030, muted={"events": 10, "health": 7}, unreachable=20, not_onboarded=10
    )
    q_ids = await bulk_people(services, 50, town="Q", community="q-xinglong", start=700_000)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    # addressed in D: indexes 30..1029 (1,000 people) plus the author; every 10th muted events
    addressed = [pid for i, pid in enumerate(d_ids) if i >= 30]
    wanted = {pid for pid in addressed if d_ids.index(pid) % 10 != 0} | {author.id}
    broadcast = await create(services, author, scopes, audience_kind="town", audience_value="D")
    assert broadcast.status == BroadcastStatus.SCHEDULED.value
    assert broadcast.recipients == len(wanted) and broadcast.skipped_opt_out == 100

    async with services.sessions() as session, session.begin():
        started = await start_due_broadcasts(session, utcnow() + timedelta(seconds=1))
    assert started == [broadcast.id]
    rows = await outbox_rows(services, broadcast.id or 0)
    assert {r.person_id for r in rows} == wanted and len(rows) == len(wanted) == 901
    assert not {r.person_id for r in rows} & set(q_ids)
    row = rows[0]
    assert row.kind == OutboxKind.BROADCAST.value and row.status == OutboxStatus.PENDING.value
    assert row.dedupe_key == f"bc:{broadcast.id}:{row.person_id}" and row.chat_id
    assert row.payload == {"msgid": "broadcast.notice", "params": {"text": broadcast.text}}
    assert row.topic == "events"

    async with services.sessions() as session, session.begin():
        assert await start_due_broadcasts(session, utcnow()) == []  # never twice
        stored = await session.get(Broadcast, broadcast.id)
        assert stored is not None and stored.status == BroadcastStatus.SENDING.value
        assert (stored.recipients, stored.skipped_opt_out) == (901, 100)
    assert len(await outbox_rows(services, broadcast.id or 0)) == 901
    assert await audit_actions(services, broadcast.id or 0) == [
        "broadcast.create",
        "broadcast.start",
    ]


async def test_scheduled_broadcast_waits_for_its_time_and_photo_rides_along(
    services: Services,
) -> None:
    await bulk_people(services, 3)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    later = utcnow() + timedelta(hours=5)
    broadcast = await create(services, author, scopes, send_at=later, photo_file_id="AgAC-photo")
    async with services.sessions() as session, session.begin():
        assert await start_due_broadcasts(session, utcnow()) == []
        assert await start_due_broadcasts(session, later) == [broadcast.id]
    rows = await outbox_rows(services, broadcast.id or 0)
    assert len(rows) == 4 and all(r.payload["photo"] == "AgAC-photo" for r in rows)


async def test_finish_reports_to_the_author(services: Services) -> None:
    await bulk_people(services, 10, muted={"events": 5})
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    broadcast = await create(services, author, scopes)
    bid = broadcast.id or 0
    async with services.sessions() as session, session.begin():
        await start_due_broadcasts(session)
    await settle(services, bid, OutboxStatus.SENT, 6)
    await settle(services, bid, OutboxStatus.UNREACHABLE, 1)
    async with services.sessions() as session, session.begin():
        assert await finish_if_settled(session, bid) is None  # two still pending
    await settle(services, bid, OutboxStatus.FAILED, 2)
    async with services.sessions() as session, session.begin():
        done = await finish_if_settled(session, bid)
        assert done is not None and (done.sent, done.unreachable, done.failed) == (6, 1, 2)
        assert await finish_if_settled(session, bid) is None  # reported once
        stored = await session.get(Broadcast, bid)
        assert stored is not None and stored.status == BroadcastStatus.DONE.value
        report = (
            await session.execute(
                select(OutboxMessage).where(col(OutboxMessage.dedupe_key) == f"bc:{bid}:report")
            )
        ).scalar_one()
    assert report.chat_id == author.chat_id and report.kind == OutboxKind.STATUS.value
    assert report.payload["msgid"] == "broadcast.report"
    assert report.payload["params"] == {
        "id": bid,
        "total": 9,
        "sent": 6,
        "unreachable": 1,
        "failed": 2,
        "skipped": 2,
        "cancelled": 0,
    }
    assert await audit_actions(services, bid) == [
        "broadcast.create",
        "broadcast.start",
        "broadcast.finish",
    ]


async def test_cancel_while_sending_stops_pending_rows(services: Services) -> None:
    await bulk_people(services, 20)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    other, other_scopes = await staff(services, 8002, Role.VOLUNTEER)
    broadcast = await create(services, author, scopes)
    bid = broadcast.id or 0
    async with services.sessions() as session, session.begin():
        await start_due_broadcasts(session)
    await settle(services, bid, OutboxStatus.SENT, 5)
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotFound):  # another volunteer may not
            await cancel_broadcast(session, person=other, scopes=other_scopes, broadcast_id=bid)
    async with services.sessions() as session, session.begin():
        assert await cancel_broadcast(session, person=author, scopes=scopes, broadcast_id=bid) == 17
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotCancellable):
            await cancel_broadcast(session, person=author, scopes=scopes, broadcast_id=bid)
        assert (await progress(session, bid)).cancelled == 17
        done = await finish_if_settled(session, bid)
        assert done is not None and done.sent == 5 and done.cancelled == 17
        stored = await session.get(Broadcast, bid)
        assert stored is not None and stored.status == BroadcastStatus.CANCELLED.value
        report = (
            await session.execute(
                select(OutboxMessage).where(col(OutboxMessage.dedupe_key) == f"bc:{bid}:report")
            )
        ).scalar_one()
    assert report.payload["msgid"] == "broadcast.report.cancelled"
    assert await audit_actions(services, bid) == [
        "broadcast.create",
        "broadcast.start",
        "broadcast.cancel",
        "broadcast.finish",
    ]


async def test_approval_is_a_two_person_rule(services: Services) -> None:
    await bulk_people(services, 4)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    d_admin, d_scopes = await staff(services, 8002, Role.ADMIN)
    q_admin, q_scopes = await staff(services, 8003, Role.ADMIN, "Q", "q-xinglong")
    global_admin, _ = await staff(services, ADMIN_ID, Role.ADMIN)
    broadcast = await create(services, author, scopes, approval_towns=["D"])
    bid = broadcast.id or 0
    assert broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
    async with services.sessions() as session, session.begin():
        found = await approvers(session, broadcast, services.settings.admin_ids)
        assert {p.id for p in found} == {d_admin.id, global_admin.id}
        assert await start_due_broadcasts(session) == []  # not before approval
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotAllowed):
            await approve(session, person=q_admin, scopes=q_scopes, broadcast_id=bid)
        with pytest.raises(NotAllowed):
            await approve(
                session, person=author, scopes=scopes, broadcast_id=bid
            )  # a volunteer is no admin
    d_admin_broadcast = await create(services, d_admin, d_scopes, approval_towns=["D"])
    async with services.sessions() as session, session.begin():
        with pytest.raises(OwnBroadcast):
            await approve(
                session, person=d_admin, scopes=d_scopes, broadcast_id=d_admin_broadcast.id or 0
            )
    async with services.sessions() as session, session.begin():
        approved = await approve(session, person=d_admin, scopes=d_scopes, broadcast_id=bid)
        assert approved.status == BroadcastStatus.SCHEDULED.value
        assert approved.approved_by == d_admin.id
    async with services.sessions() as session, session.begin():
        with pytest.raises(AlreadyDecided):
            await reject(session, person=d_admin, scopes=d_scopes, broadcast_id=bid)
        assert await start_due_broadcasts(session) == [bid]
        told = (
            await session.execute(
                select(OutboxMessage).where(col(OutboxMessage.dedupe_key) == f"bc:{bid}:decision")
            )
        ).scalar_one()
    assert told.chat_id == author.chat_id
    assert told.payload == {"msgid": "broadcast.approved.author", "params": {"id": bid}}
    assert await audit_actions(services, bid) == [
        "broadcast.create",
        "broadcast.approve",
        "broadcast.start",
    ]


async def test_rejected_broadcast_is_never_sent(services: Services) -> None:
    await bulk_people(services, 4)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    d_admin, d_scopes = await staff(services, 8002, Role.ADMIN)
    broadcast = await create(services, author, scopes, approval_towns=["D"])
    bid = broadcast.id or 0
    async with services.sessions() as session, session.begin():
        rejected = await reject(session, person=d_admin, scopes=d_scopes, broadcast_id=bid)
        assert rejected.status == BroadcastStatus.REJECTED.value
    async with services.sessions() as session, session.begin():
        assert await start_due_broadcasts(session) == []
        told = (
            await session.execute(
                select(col(OutboxMessage.payload)).where(
                    col(OutboxMessage.dedupe_key) == f"bc:{bid}:decision"
                )
            )
        ).scalar_one()
    assert told["msgid"] == "broadcast.rejected.author"
    assert await outbox_rows(services, bid) == []
    assert await audit_actions(services, bid) == ["broadcast.create", "broadcast.reject"]


async def test_create_refuses_bad_notices_and_foreign_audiences(services: Services) -> None:
    await bulk_people(services, 2)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    with pytest.raises(NoticeInvalid):
        await create(services, author, scopes, text="   ")
    with pytest.raises(NoticeInvalid):
        await create(services, author, scopes, text="字" * 3501)
    with pytest.raises(NoticeInvalid):
        await create(services, author, scopes, text="字" * 901, photo_file_id="AgAC")
    with pytest.raises(EmptyAudience):
        await create(
            services, author, scopes, audience_kind="community", audience_value="d-dongfeng"
        )
    with pytest.raises(NotAllowed):  # a D volunteer cannot address Q town
        await create(services, author, scopes, audience_kind="town", audience_value="Q")
    with pytest.raises(NotFound):
        await create(services, author, scopes, topic="gossip")
    resident = await make_person(services.sessions, 8100)
    async with services.sessions() as session:
        resident_scopes = await scopes_of(session, resident, [])
    with pytest.raises(NotAllowed):
        await create(services, resident, resident_scopes)
    async with services.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Broadcast))).scalar() == 0
        assert await history_page(session, person=author) == []


async def test_approval_request_reads_as_before_in_each_language(services: Services) -> None:
    await bulk_people(services, 1, community="d-hongmei", start=9000)  # the one recipient
    author = await make_person(services.sessions, 8001, name=None)  # unnamed: "a volunteer"
    await staff(services, 8002, Role.ADMIN)  # a D admin reading Chinese
    english = await make_person(services.sessions, 8004, language="en")
    async with services.sessions() as session, session.begin():
        d_town = (await session.execute(select(col(Town.id)).where(col(Town.code) == "D"))).one()
        assert author.id is not None and english.id is not None
        await grant_role(session, author.id, Role.VOLUNTEER, d_town[0])
        await grant_role(session, english.id, Role.ADMIN, d_town[0])
        scopes = await scopes_of(session, author, [])
    later = datetime(2030, 1, 2, 1, 0, tzinfo=UTC)  # 09:00 in the towns
    broadcast = await create(
        services,
        author,
        scopes,
        text="周六上午义诊。",
        audience_kind="community",
        audience_value="d-hongmei",
        approval_towns=["D"],
        send_at=later,
    )
    bid = broadcast.id
    async with services.sessions() as session:
        rows = await session.execute(
            select(col(OutboxMessage.chat_id), col(OutboxMessage.payload))
            .where(col(OutboxMessage.kind) == OutboxKind.APPROVAL.value)
            .order_by(col(OutboxMessage.chat_id))
        )
        payloads = {int(chat): dict(payload) for chat, payload in rows.all()}
    assert set(payloads) == {8002, 8004}
    tz = services.settings.tz
    zh = render(payloads[8002], services.i18n.translator("zh_CN"), None, language="zh_CN", tz=tz)
    en = render(payloads[8004], services.i18n.translator("en"), None, language="en", tz=tz)
    assert [part.text for part in zh] == [
        f"🔔 有一条通知等您审核（#{bid}）\n✍️ 写通知的人：一位志愿者\n"
        "👥 发给：红梅社区的居民，共 1 人\n⏰ 时间：2030-01-02 09:00 发送\n\n"
        "📢 同心通知\n\n周六上午义诊。"
    ]
    assert [part.text for part in en] == [
        f"🔔 A notice is waiting for your approval (#{bid})\n✍️ Written by: a volunteer\n"
        "👥 To: residents of Hongmei Community, 1 person\n⏰ When: at 2030-01-02 09:00\n\n"
        "📢 Tongxin notice\n\n周六上午义诊。"
    ]
    for parts, labels in ((zh, ["✅ 同意发送", "❌ 不同意"]), (en, ["✅ Approve", "❌ Reject"])):
        markup = parts[-1].markup
        assert markup is not None
        [row] = markup.inline_keyboard
        assert [(b.text, b.callback_data) for b in row] == list(
            zip(labels, [f"bc:ok:{bid}", f"bc:no:{bid}"], strict=True)
        )


def test_counts_read_right_in_english(services: Services) -> None:
    en, zh = services.i18n.translator("en"), services.i18n.translator("zh_CN")
    one = en.n("broadcast.receipt.now", 1, id=7, recipients=1)
    assert "Notice #7 is being sent to 1 person now." in one
    many = en.n("broadcast.receipt.now", 1234, id=7, recipients=1234)
    assert "Notice #7 is being sent to 1,234 people now." in many
    assert "1 message not yet sent" in en.n("broadcast.cancelled", 1, id=7, stopped=1)
    assert "at most 900 characters" in en.n("broadcast.error.text", 900, max=900)
    assert "共 1,234 人" in zh.n(
        "broadcast.confirm", 1234, topic="", audience="", when="", recipients=1234
    )
