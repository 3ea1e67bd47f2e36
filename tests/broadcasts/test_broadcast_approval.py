"""Approval of notices: a second person decides, an approved notice is sent, a rejected never."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.broadcasts import (
    AlreadyDecided,
    BroadcastStatus,
    OwnBroadcast,
    ReasonInvalid,
    approve,
    approvers,
    reject,
    start_due_broadcasts,
    to_reject,
)
from models.core.authz import Role
from models.core.errors import NotAllowed
from models.core.outbox import OutboxMessage
from tests.broadcasts.broadcast_support import (
    audit_actions,
    bulk_people,
    create,
    outbox_rows,
    staff,
)
from tests.conftest import ADMIN_ID


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


async def test_a_rejection_with_a_reason_is_checked_like_a_decision(services: Services) -> None:
    await bulk_people(services, 2)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    d_admin, d_scopes = await staff(services, 8002, Role.ADMIN)
    q_admin, q_scopes = await staff(services, 8003, Role.ADMIN, "Q", "q-xinglong")
    bid = (await create(services, author, scopes, approval_towns=["D"])).id or 0
    async with services.sessions() as session, session.begin():
        with pytest.raises(NotAllowed):  # another town's admin may not even be asked why
            await to_reject(session, person=q_admin, scopes=q_scopes, broadcast_id=bid)
        with pytest.raises(NotAllowed):
            await reject(
                session, person=q_admin, scopes=q_scopes, broadcast_id=bid, reason="不合适"
            )
        assert (await to_reject(session, person=d_admin, scopes=d_scopes, broadcast_id=bid)).id
        for bad in ("  ", "太" * 201):
            with pytest.raises(ReasonInvalid):
                await reject(session, person=d_admin, scopes=d_scopes, broadcast_id=bid, reason=bad)
    async with services.sessions() as session, session.begin():
        rejected = await reject(
            session, person=d_admin, scopes=d_scopes, broadcast_id=bid, reason=" 时间写错了 "
        )
        assert (rejected.status, rejected.decision_note) == ("rejected", "时间写错了")
    async with services.sessions() as session, session.begin():
        with pytest.raises(AlreadyDecided):
            await to_reject(session, person=d_admin, scopes=d_scopes, broadcast_id=bid)
        told = (
            await session.execute(
                select(col(OutboxMessage.payload)).where(
                    col(OutboxMessage.dedupe_key) == f"bc:{bid}:decision"
                )
            )
        ).scalar_one()
    assert told == {
        "msgid": "broadcast.rejected.author.reason",
        "params": {"id": bid, "reason": "时间写错了"},
    }
    assert await audit_actions(services, bid) == ["broadcast.create", "broadcast.reject"]
