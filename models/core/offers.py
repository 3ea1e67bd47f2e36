"""Waiting lines and time-limited offers, for any table of queued people.

When places are freed, they are offered at once, in arrival order, to the first waiting
person whose party fits: the offer *holds* the places (the caller's ``hold`` takes them with
the counters' conditional update, ``models.core.capacity``), so nobody else can take them while
the person decides. An offer lapses at its deadline; ``lapse_due`` marks the lapsed ones (rows
locked with ``SKIP LOCKED`` on PostgreSQL, so two workers never lapse the same offer) and the
caller gives their places back and offers them on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel


@dataclass(frozen=True)
class Queue:
    """A waiting line in a table: which column names what people queue for, the statuses of
    waiting, offered and lapsed rows, and the columns an offer fills in. Arrival order is the
    rows' ``id``."""

    model: type[SQLModel]
    subject: str  # e.g. "slot_id", "event_id"
    waiting: str
    offered: str
    lapsed: str
    status: str = "status"
    party: str = "party_size"
    offered_at: str = "offered_at"
    expires: str = "offer_expires_at"

    def column(self, name: str) -> Any:
        """One of the table's columns."""
        return getattr(self.model, name)


def offer_deadline(
    now: datetime, starts_at: datetime, window: timedelta, margin: timedelta = timedelta(0)
) -> datetime:
    """When an offer made ``now`` lapses: after ``window``, but ``margin`` before the start so
    the next person still has time; closer to the start than that, halfway to it."""
    latest = max(starts_at - margin, now + (starts_at - now) / 2)
    return min(now + window, latest)


async def waiting_in_turn(session: AsyncSession, queue: Queue, subject_id: int) -> list[Any]:
    """The rows waiting for ``subject_id``, first come first."""
    query = (
        select(queue.model)
        .where(
            queue.column(queue.subject) == subject_id,
            queue.column(queue.status) == queue.waiting,
        )
        .order_by(queue.column("id"))
    )
    return list((await session.execute(query)).scalars().all())


async def position(session: AsyncSession, queue: Queue, entry: Any) -> int:
    """An entry's place in its line: 1 for the first person waiting."""
    query = select(func.count()).where(
        queue.column(queue.subject) == getattr(entry, queue.subject),
        queue.column(queue.status) == queue.waiting,
        queue.column("id") <= entry.id,
    )
    return int((await session.execute(query)).scalar_one())


async def offer_in_turn(
    session: AsyncSession,
    queue: Queue,
    subject_id: int,
    *,
    hold: Callable[[Any], Awaitable[bool]],
    send: Callable[[Any], Awaitable[None]],
    now: datetime,
    expires_at: datetime,
) -> int:
    """Offer freed places to the people waiting, in order; returns how many offers were made.

    ``hold(entry)`` takes the entry's places (False: they do not fit, a smaller party behind
    may); ``send(entry)`` tells the person, once the entry is marked offered.
    """
    offers = 0
    for entry in await waiting_in_turn(session, queue, subject_id):
        if not await hold(entry):
            continue
        setattr(entry, queue.status, queue.offered)
        setattr(entry, queue.offered_at, now)
        setattr(entry, queue.expires, expires_at)
        await session.flush()
        await send(entry)
        offers += 1
    return offers


async def lapse_due(session: AsyncSession, queue: Queue, now: datetime) -> list[Any]:
    """Mark the offers past their deadline lapsed and return them (their places still held:
    the caller gives them back and offers them on)."""
    query = select(queue.model).where(
        queue.column(queue.status) == queue.offered,
        queue.column(queue.expires) <= now,
    )
    rows = list((await session.execute(query.with_for_update(skip_locked=True))).scalars())
    for entry in rows:
        setattr(entry, queue.status, queue.lapsed)
    await session.flush()
    return rows
