"""Runtime rows: PTB persistence state, the webhook's seen update ids and its inbox.

The webhook's inbox makes intake exactly-once: an update's id (``processed_update``) and its
raw JSON (``update_inbox``) are written in one transaction before Telegram gets its 200; the
inbox row is deleted once the handlers are done with it, and what is left after a crash is
processed at the next start. A redelivered id is refused by the first table, across restarts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, delete, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from models.core.base import UTCDateTime, upsert_insert, utcnow


class PtbState(SQLModel, table=True):
    """Conversation and user state of the Telegram UI, so a restart strands nobody mid-flow."""

    __tablename__ = "ptb_state"

    kind: str = Field(max_length=32, primary_key=True)
    key: str = Field(max_length=256, primary_key=True)
    data: Any = Field(default=None, sa_type=JSON, nullable=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """An update id already accepted by the webhook, so redelivery is processed once."""

    __tablename__ = "processed_update"

    update_id: int = Field(
        sa_column_kwargs={"autoincrement": False}, sa_type=BigInteger, primary_key=True
    )
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class InboxUpdate(SQLModel, table=True):
    """An accepted update not yet handled: kept until its handlers finish, replayed after a crash.

    It holds the raw update (names, texts) for milliseconds, so it is deleted, not marked done.
    """

    __tablename__ = "update_inbox"

    update_id: int = Field(
        sa_column_kwargs={"autoincrement": False}, sa_type=BigInteger, primary_key=True
    )
    payload: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


async def claim_update(
    session: AsyncSession, update_id: int, payload: dict[str, Any] | None = None
) -> bool:
    """Record an update id (and its raw JSON in the inbox); False when it was seen before."""
    try:
        async with session.begin_nested():
            session.add(ProcessedUpdate(update_id=update_id))
            if payload is not None:
                session.add(InboxUpdate(update_id=update_id, payload=payload))
    except IntegrityError:
        return False
    return True


async def finish_update(session: AsyncSession, update_id: int) -> None:
    """The update's handlers are done: drop it from the inbox."""
    await session.execute(delete(InboxUpdate).where(col(InboxUpdate.update_id) == update_id))


async def unfinished_updates(session: AsyncSession) -> list[InboxUpdate]:
    """Updates accepted but not handled before the last stop, oldest first."""
    query = select(InboxUpdate).order_by(col(InboxUpdate.update_id))
    return list((await session.execute(query)).scalars())


async def prune_processed_updates(session: AsyncSession, older_than: timedelta) -> int:
    """Forget update ids older than Telegram's redelivery window."""
    cutoff = utcnow() - older_than
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


StateKey = tuple[str, str]  # (kind, key) of one ptb_state row
_ROWS_PER_STATEMENT = 500  # well under SQLite's limit of bound parameters per statement


async def load_ui_state(session: AsyncSession, kind: str, prefix: str = "") -> list[PtbState]:
    """The stored UI state rows of one kind (whose key starts with ``prefix``)."""
    query = select(PtbState).where(col(PtbState.kind) == kind)
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(PtbState.key).like(f"{escaped}%", escape="\\"))
    return list((await session.execute(query)).scalars())


async def save_ui_state(
    session: AsyncSession, changed: Mapping[StateKey, Any], removed: Iterable[StateKey]
) -> None:
    """Write changed rows (one upsert, run for all of them) and delete removed ones."""
    gone = list(removed)
    for start in range(0, len(gone), _ROWS_PER_STATEMENT):
        keys = gone[start : start + _ROWS_PER_STATEMENT]
        await session.execute(
            delete(PtbState).where(tuple_(col(PtbState.kind), col(PtbState.key)).in_(keys))
        )
    now = utcnow()
    rows = [
        {"kind": kind, "key": key, "data": data, "updated_at": now}
        for (kind, key), data in changed.items()
    ]
    if rows:
        # One upsert statement run for all rows (executemany): compiled once and cached, where a
        # VALUES list of several hundred rows was compiled anew at every flush.
        statement = upsert_insert(session, PtbState)
        upsert = statement.on_conflict_do_update(
            index_elements=["kind", "key"],
            set_={"data": statement.excluded.data, "updated_at": statement.excluded.updated_at},
        )
        await session.execute(upsert, rows)
