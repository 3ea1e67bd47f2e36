"""Runtime rows: PTB persistence state and the webhook's seen update ids."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow


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
