"""Audit log of privileged actions (role grants, invites, approvals, case status, broadcasts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow


class AuditLog(SQLModel, table=True):
    """One privileged action. ``details`` holds ids and codes only, never personal data."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    action: str = Field(max_length=64, index=True)
    subject_type: str = Field(default="", max_length=32)
    subject_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


async def record_audit(
    session: AsyncSession,
    actor_id: int | None,
    action: str,
    subject_type: str = "",
    subject_id: int | None = None,
    **details: Any,
) -> AuditLog:
    """Append an audit row in the caller's transaction."""
    row = AuditLog(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    session.add(row)
    await session.flush()
    return row
