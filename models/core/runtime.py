"""Runtime rows: PTB persistence state and the webhook's seen update ids."""

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


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record an update id; False when it was seen before (the unique key decides)."""
    try:
        async with session.begin_nested():
            session.add(ProcessedUpdate(update_id=update_id))
    except IntegrityError:
        return False
    return True


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
