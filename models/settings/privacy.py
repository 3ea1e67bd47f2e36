"""PIPL-minded privacy operations: export everything about a person, and erase it.

Both follow the schema rather than a hand-kept list: every table with a foreign key to
``person`` (and, one level down, to those rows) is exported and erased, so tables added by later
features are covered. Columns holding a Telegram chat or user id without a foreign key
(``TELEGRAM_ID_COLUMNS``) are matched by value, and the rows pointing at those are exported
too. Audit rows survive, anonymised. A table whose ``info["privacy"]`` is ``"address"`` is a
channel's record of how to reach the chat (the WeChat bridge's follower: openid ↔ chat id,
like Telegram's own record of a chat): exported, and kept by erasure so the goodbye still
arrives, while the rows pointing at it are erased.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    String,
    Table,
    cast,
    delete,
    false,
    or_,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

import models  # noqa: F401  (every table must be registered in the metadata)
from models.core.audit import AuditLog
from models.core.authz import RoleGrant
from models.core.base import metadata
from models.core.people import NotificationOptOut, Person
from models.core.places import Community, Town
from models.core.runtime import PtbState

# Columns that hold a Telegram id without a foreign key to person (e.g. an outbox recipient).
TELEGRAM_ID_COLUMNS = frozenset({"chat_id", "tg_user_id", "tg_chat_id", "recipient_chat_id"})
_MAX_DEPTH = 6
ADDRESS = "address"  # a table's info["privacy"]: a channel's way to reach the chat (kept)
_SKIP = frozenset({"person", "ptb_state", "audit_log"})


def _plain(value: Any) -> Any:
    """A JSON-ready version of a column value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _references(target: Table) -> list[tuple[Table, Column[Any], Column[Any]]]:
    """(table, column, referenced column) for every single foreign key pointing at ``target``."""
    found = []
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            if (
                fk.column.table is target
                and fk.constraint is not None
                and len(fk.constraint.columns) == 1
            ):
                found.append((table, fk.parent, fk.column))
    return found


def _telegram_columns(table: Table) -> list[Column[Any]]:
    return [
        c
        for c in table.columns
        if c.name in TELEGRAM_ID_COLUMNS and isinstance(c.type, Integer)  # BigInteger included
    ]


def _is_address(table: Table) -> bool:
    return table.info.get("privacy") == ADDRESS


def _tg_values(person: Person) -> set[int]:
    return {v for v in (person.tg_user_id, person.chat_id) if v is not None}


def _ui_state_filter(person: Person) -> ColumnElement[bool]:
    """ptb_state rows of this person: user/chat data and conversation entries."""
    key = PtbState.__table__.c.key  # type: ignore[attr-defined]
    kind = PtbState.__table__.c.kind  # type: ignore[attr-defined]
    tg, chat = person.tg_user_id, person.chat_id
    clauses: list[ColumnElement[bool]] = []
    if tg is not None:
        clauses += [
            (kind == "user_data") & (key == str(tg)),
            (kind == "conversation") & key.like(f"%, {tg}]"),
            (kind == "conversation") & key.like(f"%:[{tg}]"),
        ]
    if chat is not None:
        clauses += [
            (kind == "chat_data") & (key == str(chat)),
            (kind == "conversation") & key.like(f"%:[{chat}, %"),
            (kind == "conversation") & key.like(f"%:[{chat}]"),
        ]
    return or_(*clauses) if clauses else false()


_PERSON_DETAIL_KEYS = ("person", "person_id", "subject_person")


def _mentions_person(row: AuditLog, pid: int | None) -> bool:
    details = row.details or {}
    return any(details.get(k) == pid for k in _PERSON_DETAIL_KEYS)


async def _audit_about(session: AsyncSession, person: Person) -> list[AuditLog]:
    """Audit rows by or about the person (as actor, subject, or a person id in the details)."""
    pid = person.id
    details_text = cast(AuditLog.__table__.c.details, String)  # type: ignore[attr-defined]
    query = select(AuditLog).where(
        or_(
            AuditLog.actor_id == pid,  # type: ignore[arg-type]
            (AuditLog.subject_type == "person") & (AuditLog.subject_id == pid),  # type: ignore[arg-type]
            details_text.like(f"%{pid}%"),
        )
    )
    rows = (await session.execute(query)).scalars()
    return [
        r
        for r in rows
        if r.actor_id == pid
        or (r.subject_type == "person" and r.subject_id == pid)
        or _mentions_person(r, pid)
    ]


async def _rows(session: AsyncSession, table: Table, where: ColumnElement[bool]) -> list[dict]:
    result = await session.execute(sa_select(table).where(where))
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


async def export_person(session: AsyncSession, person: Person) -> dict[str, Any]:
    """Everything stored about this person, as plain JSON-ready data."""
    town = await session.get(Town, person.town_id) if person.town_id else None
    community = await session.get(Community, person.community_id) if person.community_id else None
    grants = (
        await session.execute(select(RoleGrant).where(RoleGrant.person_id == person.id))
    ).scalars()
    opt_outs = (
        await session.execute(
            select(NotificationOptOut.topic).where(NotificationOptOut.person_id == person.id)
        )
    ).scalars()
    audit = await _audit_about(session, person)
    ui_rows = (await session.execute(select(PtbState).where(_ui_state_filter(person)))).scalars()
    ui: dict[str, Any] = {"user_data": {}, "chat_data": {}, "conversations": {}}
    for row in ui_rows:
        if row.kind == "conversation":
            ui["conversations"][row.key] = row.data
        else:
            ui[row.kind] = row.data
    return {
        "person": person.model_dump(mode="json"),
        "town": town.model_dump(mode="json") if town else None,
        "community": community.model_dump(mode="json") if community else None,
        "roles": [g.model_dump(mode="json") for g in grants],
        "muted_topics": sorted(opt_outs),
        "audit": [a.model_dump(mode="json") for a in audit],
        "conversation_state": ui,
        "related": await _related(session, person),
    }


async def _related(session: AsyncSession, person: Person) -> dict[str, list[dict]]:
    """Rows of every other table that point at the person (by foreign key or Telegram id)."""
    related: dict[str, list[dict]] = {}
    person_table: Table = Person.__table__  # type: ignore[attr-defined]
    for table, column, target in _references(person_table):
        if table.name in _SKIP:
            continue
        rows = await _rows(session, table, column == getattr(person, target.name))
        if rows:
            related.setdefault(table.name, []).extend(rows)
    tg_ids = _tg_values(person)
    for table in metadata.sorted_tables:
        columns = _telegram_columns(table)
        if table.name in _SKIP or not columns or not tg_ids:
            continue
        matched = or_(*(c.in_(tg_ids) for c in columns))
        _add_fresh(related, table, await _rows(session, table, matched))
        if not _is_address(table):
            continue
        for below, column, target in _references(table):  # its menu lines, documents …
            pointing = column.in_(sa_select(target).where(matched).scalar_subquery())
            _add_fresh(related, below, await _rows(session, below, pointing))
    return related


def _add_fresh(related: dict[str, list[dict]], table: Table, rows: list[dict]) -> None:
    seen = {json.dumps(r, sort_keys=True, default=str) for r in related.get(table.name, [])}
    fresh = [r for r in rows if json.dumps(r, sort_keys=True, default=str) not in seen]
    if fresh:
        related.setdefault(table.name, []).extend(fresh)


async def _erase_rows(
    session: AsyncSession, table: Table, where: ColumnElement[bool], depth: int = 0
) -> None:
    """Delete matching rows; rows pointing at them are deleted too, or unlinked when optional."""
    if depth > _MAX_DEPTH:
        raise RuntimeError(f"erasure recursion too deep at {table.name}")
    for ref_table, column, target in _references(table):
        pointing = column.in_(sa_select(target).where(where).scalar_subquery())
        if ref_table.name == "audit_log" or (column.nullable and ref_table is not table):
            await session.execute(update(ref_table).where(pointing).values({column.name: None}))
        elif ref_table is not table:
            await _erase_rows(session, ref_table, pointing, depth + 1)
    await session.execute(delete(table).where(where))


async def _give_back_places(session: AsyncSession, person: Person) -> None:
    """Places the person holds go back to the slot (and its waitlist) before their rows go."""
    from models.booking.bookings import ACTIVE, Booking, cancel_booking
    from models.booking.waitlist import WaitlistEntry, WaitStatus, leave_waitlist

    bookings = await session.execute(
        sa_select(Booking).where(
            col(Booking.person_id) == person.id, col(Booking.status).in_(ACTIVE)
        )
    )
    for booking in bookings.scalars().all():
        await cancel_booking(session, booking, person)
    offers = await session.execute(
        sa_select(WaitlistEntry).where(
            col(WaitlistEntry.person_id) == person.id,
            col(WaitlistEntry.status) == WaitStatus.OFFERED.value,
        )
    )
    for entry in offers.scalars().all():
        await leave_waitlist(session, entry)


async def _forget_in_disputes(session: AsyncSession, person: Person) -> None:
    """What the person wrote in their dispute cases goes before the foreign keys unlink them;
    the mediators of their open cases are told."""
    from models.disputes import forget_reporter

    await forget_reporter(session, person)


async def _forget_in_suggestions(session: AsyncSession, person: Person) -> None:
    """What the person wrote in their suggestions goes; the suggestions stay, unlinked."""
    from models.governance import forget_sender

    await forget_sender(session, person)


async def erase_person(session: AsyncSession, person: Person) -> None:
    """Delete the person and everything tied to them; audit rows stay, anonymised."""
    pid = person.id
    await _give_back_places(session, person)
    await _forget_in_disputes(session, person)
    await _forget_in_suggestions(session, person)
    for row in await _audit_about(session, person):
        if row.actor_id == pid:
            row.actor_id = None
        if row.subject_type == "person" and row.subject_id == pid:
            row.subject_id = None
        if _mentions_person(row, pid):
            row.details = {
                k: (None if k in _PERSON_DETAIL_KEYS and v == pid else v)
                for k, v in row.details.items()
            }
    await session.flush()
    await session.execute(delete(PtbState).where(_ui_state_filter(person)))
    tg_ids = _tg_values(person)
    for table in reversed(metadata.sorted_tables):
        columns = _telegram_columns(table)
        if table.name in _SKIP or not columns or not tg_ids:
            continue
        matched = or_(*(c.in_(tg_ids) for c in columns))
        if not _is_address(table):
            await _erase_rows(session, table, matched)
            continue
        for below, column, target in _references(table):
            if not _is_address(below):
                pointing = column.in_(sa_select(target).where(matched).scalar_subquery())
                await _erase_rows(session, below, pointing)
    person_table: Table = Person.__table__  # type: ignore[attr-defined]
    await _erase_rows(session, person_table, person_table.c.id == pid)
    await session.flush()
