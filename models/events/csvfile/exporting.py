"""Export events.csv (the columns the import reads, so an export imported back changes
nothing) and registrations.csv (one row a registration: the event, the person's display name,
town, party size, status, answer and check-in time; never a phone number: the driver's ride
list is the only place a shared phone appears)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.base import TOWNS_TZ
from models.core.csvfile import format_local, write_table
from models.core.people import Person
from models.core.places import Community, Town, Venue
from models.events.csvfile.columns import (
    HEAD_COLUMNS,
    TAIL_COLUMNS,
    TEXT_COLUMNS,
    event_columns,
    format_audience,
    format_optional_time,
    format_options,
)
from models.events.managing import draft_of
from models.events.tables import Event, EventOption, Registration

REGISTRATION_COLUMNS = (
    "event_code", "name", "town", "party_size", "status", "answer", "checked_in_at",
)  # fmt: skip


def _between(first: date | None, last: date | None, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    """Conditions on the start: local days ``first``..``last`` (inclusive; None: open)."""
    where: list[ColumnElement[bool]] = []
    if first is not None:
        where.append(col(Event.starts_at) >= datetime.combine(first, time(), tz))
    if last is not None:
        where.append(col(Event.starts_at) < datetime.combine(last + timedelta(days=1), time(), tz))
    return where


async def _codes(session: AsyncSession) -> tuple[list[Town], dict[int, str], dict[int, str]]:
    towns = list((await session.execute(select(Town).order_by(col(Town.id)))).scalars())
    venues = {v.id or 0: v.code for v in (await session.execute(select(Venue))).scalars()}
    communities = {c.id or 0: c.code for c in (await session.execute(select(Community))).scalars()}
    return towns, venues, communities


async def export_events(
    session: AsyncSession,
    *,
    first: date | None = None,
    last: date | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> str:
    """Events starting on local days ``first``..``last`` (default: all), by start, as CSV."""
    towns, venues, communities = await _codes(session)
    town_codes = {t.id or 0: t.code for t in towns}
    query = (
        select(Event)
        .where(*_between(first, last, tz))
        .order_by(col(Event.starts_at), col(Event.code))
    )
    rows = []
    for event in (await session.execute(query)).scalars().all():
        draft = await draft_of(session, event)
        cells: dict[str, object] = {c: getattr(draft, c) for c in TEXT_COLUMNS}
        cells |= {
            "code": event.code,
            "status": event.status,
            "missing_language": draft.missing_language or "",
            "host_town": town_codes.get(draft.host_town_id, ""),
            "cohost_town": town_codes.get(draft.cohost_town_id or 0, ""),
            "venue_code": venues.get(draft.venue_id or 0, ""),
            "starts_at": format_local(draft.starts_at, tz),
            "ends_at": format_local(draft.ends_at, tz),
            "capacity": draft.capacity,
            "held_back": draft.held_back,
            "held_back_until": format_optional_time(draft.held_back_until, tz),
            "registration_closes_at": format_optional_time(draft.registration_closes_at, tz),
            "audience": format_audience(
                draft.audience_town_id, draft.audience_community_id, town_codes, communities
            ),
            "topic": draft.topic,
            "max_party": draft.max_party,
            "question_kind": draft.question_kind or "",
            "options": format_options(draft.options, draft.starts_at, tz),
            "taken": event.taken,
        }
        quotas = [draft.quotas.get(t.id or 0, "") for t in towns]
        rows.append([*(cells[c] for c in HEAD_COLUMNS), *quotas, *(cells[c] for c in TAIL_COLUMNS)])
    return write_table(event_columns(towns), rows)


async def export_registrations(
    session: AsyncSession,
    *,
    first: date | None = None,
    last: date | None = None,
    tz: ZoneInfo = TOWNS_TZ,
) -> str:
    """Every registration of the events starting on local days ``first``..``last`` (default:
    all), by event start and then in registration order, as CSV."""
    towns = {t.id: t.code for t in (await session.execute(select(Town))).scalars()}
    query = (
        select(Registration, Event, Person, EventOption)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .join(Person, col(Person.id) == col(Registration.person_id))
        .outerjoin(EventOption, col(EventOption.id) == col(Registration.option_id))
        .where(*_between(first, last, tz))
        .order_by(col(Event.starts_at), col(Event.code), col(Registration.id))
    )
    rows = []
    for registration, event, person, option in (await session.execute(query)).all():
        answer = option.label_zh if option is not None else (registration.answer_text or "")
        rows.append(
            [
                event.code,
                person.display_name or "",
                towns.get(registration.town_id, ""),
                registration.party_size,
                registration.status,
                answer,
                format_optional_time(registration.checked_in_at, tz),
            ]
        )
    return write_table(REGISTRATION_COLUMNS, rows)
