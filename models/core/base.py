"""Shared column types and helpers: UTC timestamps, naming convention."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, MetaData
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from models.core.errors import DomainError, NotFound

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata
# The towns' time zone: the default for planning and showing local dates (Settings may differ).
TOWNS_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def N_(msgid: str) -> str:
    """Mark a message id for extraction (models may not import ``bot``; same as ``bot.i18n.N_``)."""
    return msgid


def upsert_insert(session: AsyncSession, model: type[SQLModel], *, orm: bool = False) -> Any:
    """An INSERT for ``model`` that supports ``on_conflict_do_nothing`` on the session's dialect.

    ``orm``: an ORM-enabled INSERT, so ``.returning(model)`` gives the new rows as objects.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    target = model if orm else model.__table__  # type: ignore[attr-defined]
    return pg_insert(target) if dialect == "postgresql" else sqlite_insert(target)


M = TypeVar("M", bound=SQLModel)


async def get_or_raise(
    session: AsyncSession,
    model: type[M],
    key: Any,
    error: type[DomainError] = NotFound,
    **params: object,
) -> M:
    """The row of ``model`` with primary key ``key``, or ``error`` when it is gone.

    A row can vanish between two taps (a resident erased mid-flow, a booking cancelled by
    staff): that is a domain outcome with a polite answer, never an internal error.
    """
    row = await session.get(model, key) if key is not None else None
    if row is None:
        raise error(**params)
    return row


def row_id(row: Any) -> int:
    """The id of a row that was read from the database or flushed (so it has one)."""
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return value


class JsonText(str):
    """A value already encoded as JSON: a JSON column stores it as it is (``store_json``)."""


def store_json(value: Any) -> str:
    """Every engine's JSON encoder: ``JsonText`` as it is, anything else with ``json.dumps``.

    The bot's UI state is encoded once, to tell whether it changed (``bot/persistence.py``);
    this lets the same text be written without encoding it again.
    """
    return str(value) if isinstance(value, JsonText) else json.dumps(value)
