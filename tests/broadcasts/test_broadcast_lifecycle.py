"""A notice's life after it is created: waiting for its time, the report when settled, cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.broadcasts import (
    Broadcast,
    BroadcastStatus,
    NotCancellable,
    cancel_broadcast,
    finish_if_settled,
    progress,
    start_due_broadcasts,
)
from models.core.authz import Role
from models.core.base import utcnow
from models.core.errors import NotFound
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from tests.broadcasts.broadcast_support import (
    audit_actions,
    bulk_people,
    create,
    outbox_rows,
    settle,
    staff,
)


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
