"""Outbox rows: idempotent enqueue, claiming with leases, concurrent claimers never share a row."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.base import utcnow
from models.core.delivery import LEASE, claim_due
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus, enqueue, message_payload


async def _enqueue(services: Services, n: int, **kw: object) -> None:
    async with services.sessions() as session, session.begin():
        for i in range(n):
            await enqueue(
                session,
                chat_id=5000 + i,
                kind=OutboxKind.STATUS,
                payload=message_payload("broadcast.notice", text=f"hello {i}"),
                dedupe_key=f"test:{i}",
                **kw,  # type: ignore[arg-type]
            )


async def test_enqueue_same_dedupe_key_twice_is_a_no_op(services: Services) -> None:
    await _enqueue(services, 3)
    await _enqueue(services, 3)
    async with services.sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    assert len(rows) == 3
    assert {r.status for r in rows} == {OutboxStatus.PENDING.value}


async def test_quiet_hours_hold_non_urgent_and_future_rows_wait(services: Services) -> None:
    await _enqueue(services, 2)
    async with services.sessions() as session, session.begin():
        await enqueue(
            session,
            chat_id=1,
            kind=OutboxKind.CASE_ALERT,
            payload=message_payload("broadcast.notice", text="urgent"),
            dedupe_key="urgent",
            urgent=True,
        )
        await enqueue(
            session,
            chat_id=2,
            kind=OutboxKind.REMINDER,
            payload=message_payload("broadcast.notice", text="later"),
            dedupe_key="later",
            due_at=utcnow() + timedelta(hours=1),
        )
    async with services.sessions() as session, session.begin():
        quiet = await claim_due(session, "w1", 10, quiet=True)
    assert [m.dedupe_key for m in quiet] == ["urgent"]
    async with services.sessions() as session, session.begin():
        normal = await claim_due(session, "w1", 10, quiet=False)
    assert sorted(m.dedupe_key for m in normal) == ["test:0", "test:1"]
    assert all(m.status == OutboxStatus.SENDING.value and m.attempts == 1 for m in normal)


async def test_expired_lease_is_claimed_again(services: Services) -> None:
    await _enqueue(services, 1)
    async with services.sessions() as session, session.begin():
        first = await claim_due(session, "crashed", 10, quiet=False)
    async with services.sessions() as session, session.begin():
        assert await claim_due(session, "w2", 10, quiet=False) == []
    later = utcnow() + LEASE + timedelta(seconds=1)
    async with services.sessions() as session, session.begin():
        again = await claim_due(session, "w2", 10, quiet=False, now=later)
    assert [m.id for m in again] == [first[0].id]
    assert again[0].claimed_by == "w2" and again[0].attempts == 2


async def test_concurrent_claimers_never_share_a_row(services: Services) -> None:
    await _enqueue(services, 200)

    async def claimer(name: str) -> list[int]:
        got: list[int] = []
        while True:
            async with services.sessions() as session, session.begin():
                batch = await claim_due(session, name, 7, quiet=False)
            if not batch:
                return got
            got.extend(m.id for m in batch if m.id is not None)

    results = await asyncio.gather(*(claimer(f"w{i}") for i in range(4)))
    claimed = [i for r in results for i in r]
    assert len(claimed) == 200
    assert len(set(claimed)) == 200
    async with services.sessions() as session:
        statuses = (await session.execute(select(col(OutboxMessage.status)))).scalars().all()
    assert set(statuses) == {OutboxStatus.SENDING.value}
