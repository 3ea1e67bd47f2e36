"""The staff exchange roster (挂职): admins keep it, residents ask who is on duty today.

Who may keep an entry: an admin of either town it concerns (the staff member's home town, which
sends them, or the centre's town, which receives them); a town admin sees and changes only
those. Ending early makes yesterday the last day (from today they are no longer on duty);
removing deletes a mistaken entry. Each change writes an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Scope, can, holds
from models.core.base import get_or_raise, row_id, utcnow
from models.core.callbacks import CallbackCode, Field
from models.core.catalogue import Places, centre_of, list_centres, list_towns, places
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.people import Person
from models.core.places import ServiceCentre, Town
from models.governance.roster_text import (
    WeekdaysInvalid,
    check_days,
    read_hours,
    read_name,
    read_title,
)
from models.governance.tables.roster import StaffSecondment

ROSTER = CallbackCode(
    "ro",
    {
        "list": [Field.NUMBER],
        "v": [Field.ID],
        "end": [Field.ID],
        "endok": [Field.ID],
        "rm": [Field.ID],
        "rmok": [Field.ID],
        "new": [],
        "home": [],
    },
)
ROSTER_PAGE = 6  # secondments a page of /roster


class NotStarted(DomainError):
    """Ending early a secondment that has not begun: remove it instead."""

    message_id = "roster.error.not_started"


class AlreadyEnded(DomainError):
    """The secondment is over already."""

    message_id = "roster.error.ended"


@dataclass(frozen=True)
class SecondmentDraft:
    """What the add flow collected (checked again when saved)."""

    name: str
    title: str
    centre_id: int
    home_town_id: int
    first_day: date
    last_day: date
    weekdays: int
    hours: str


@dataclass(frozen=True)
class Secondee:
    """One secondment as screens show it."""

    id: int
    name: str
    title: str
    home_town: Town
    centre: ServiceCentre
    first_day: date
    last_day: date
    weekdays: int
    hours: str
    ended_early: bool


@dataclass(frozen=True)
class RosterPage:
    """A page of the secondments an admin keeps that are not over yet."""

    entries: list[Secondee]
    page: int
    pages: int


@dataclass(frozen=True)
class RosterChoices:
    """The centres an admin may second staff to, each with the home towns they may come from."""

    centres: list[ServiceCentre]
    home_towns: dict[int, list[Town]]


@dataclass(frozen=True)
class DutyToday:
    """Who from the other town is on duty at a centre on a day."""

    centre: ServiceCentre
    day: date
    people: list[Secondee]


def _may(scopes: Iterable[Scope], home_town_id: int, centre_town_id: int) -> bool:
    scopes = list(scopes)
    return any(can(scopes, Action.ROSTER_MANAGE, t) for t in (home_town_id, centre_town_id))


def _shown(found: Places, row: StaffSecondment) -> Secondee:
    town, centre = found.town(row.home_town_id), found.centres.get(row.centre_id)
    if town is None or centre is None:
        raise NotFound()
    return Secondee(
        row_id(row), row.name, row.title, town, centre, row.first_day, row.last_day,
        row.weekdays, row.hours, row.ended_at is not None,
    )  # fmt: skip


async def _secondee(session: AsyncSession, row: StaffSecondment) -> Secondee:
    return _shown(await places(session), row)


async def _kept(session: AsyncSession, scopes: Iterable[Scope], secondment_id: int) -> Secondee:
    """A secondment the admin keeps; NotFound for another's (what exists is not told)."""
    row = await get_or_raise(session, StaffSecondment, secondment_id)
    shown = await _secondee(session, row)
    if not _may(scopes, row.home_town_id, shown.centre.town_id):
        raise NotFound()
    return shown


async def roster_choices(session: AsyncSession, *, scopes: Iterable[Scope]) -> RosterChoices:
    """The centres and home towns this admin may record a secondment for."""
    scopes = list(scopes)
    towns, centres, pairs = await list_towns(session), [], {}
    for centre in await list_centres(session):
        homes = [
            t for t in towns if t.id != centre.town_id and _may(scopes, row_id(t), centre.town_id)
        ]
        if homes:
            centres.append(centre)
            pairs[row_id(centre)] = homes
    return RosterChoices(centres, pairs)


async def add_secondment(
    session: AsyncSession, *, actor: Person, scopes: Iterable[Scope], draft: SecondmentDraft,
    today: date,
) -> Secondee:  # fmt: skip
    """Record a secondment after checking every answer again."""
    centre = await centre_of(session, draft.centre_id)
    if centre is None or draft.home_town_id == centre.town_id:
        raise NotFound()
    if not _may(scopes, draft.home_town_id, centre.town_id):
        raise NotAllowed()
    check_days(draft.first_day, draft.last_day, today)
    if not 0 < draft.weekdays < 1 << 7:
        raise WeekdaysInvalid()
    row = StaffSecondment(
        name=read_name(draft.name), title=read_title(draft.title),
        home_town_id=draft.home_town_id, centre_id=draft.centre_id,
        first_day=draft.first_day, last_day=draft.last_day,
        weekdays=draft.weekdays, hours=read_hours(draft.hours), created_by=actor.id,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    await record_audit(
        session, actor.id, "roster.add", "staff_secondment", row.id,
        centre=row.centre_id, first=str(row.first_day), last=str(row.last_day),
    )  # fmt: skip
    return await _secondee(session, row)


async def roster_page(
    session: AsyncSession, *, scopes: Iterable[Scope], today: date, page: int = 0
) -> RosterPage:
    """The secondments this admin keeps that are not over, by centre and first day."""
    scopes = list(scopes)
    if not holds(scopes, Action.ROSTER_MANAGE):
        raise NotAllowed()
    query = (
        select(StaffSecondment)
        .where(col(StaffSecondment.last_day) >= today)
        .order_by(col(StaffSecondment.centre_id), col(StaffSecondment.first_day),
                  col(StaffSecondment.id))
    )  # fmt: skip
    kept, found = [], await places(session)
    for row in (await session.execute(query)).scalars():
        shown = _shown(found, row)
        if _may(scopes, row.home_town_id, shown.centre.town_id):
            kept.append(shown)
    pages = max(1, -(-len(kept) // ROSTER_PAGE))
    page = min(max(page, 0), pages - 1)
    return RosterPage(kept[page * ROSTER_PAGE : (page + 1) * ROSTER_PAGE], page, pages)


async def secondment(
    session: AsyncSession, *, scopes: Iterable[Scope], secondment_id: int
) -> Secondee:
    """One secondment this admin keeps."""
    return await _kept(session, scopes, secondment_id)


async def end_secondment(
    session: AsyncSession, *, actor: Person, scopes: Iterable[Scope], secondment_id: int,
    today: date,
) -> Secondee:  # fmt: skip
    """End early: yesterday becomes the last day, so from today they are not on duty."""
    await _kept(session, scopes, secondment_id)
    row = await get_or_raise(session, StaffSecondment, secondment_id)
    if row.last_day < today:
        raise AlreadyEnded()
    if row.first_day >= today:
        raise NotStarted()
    planned, row.last_day, row.ended_at = row.last_day, today - timedelta(days=1), utcnow()
    session.add(row)
    await session.flush()
    await record_audit(session, actor.id, "roster.end", "staff_secondment", row.id,
                       planned=str(planned), last=str(row.last_day))  # fmt: skip
    return await _secondee(session, row)


async def remove_secondment(
    session: AsyncSession, *, actor: Person, scopes: Iterable[Scope], secondment_id: int
) -> Secondee:
    """Delete a mistaken entry (the audit row keeps what it was)."""
    shown = await _kept(session, scopes, secondment_id)
    row = await get_or_raise(session, StaffSecondment, secondment_id)
    await session.delete(row)
    await session.flush()
    await record_audit(session, actor.id, "roster.remove", "staff_secondment", shown.id,
                       centre=shown.centre.id, first=str(shown.first_day),
                       last=str(shown.last_day))  # fmt: skip
    return shown


async def duty_centres(session: AsyncSession, *, person: Person) -> list[ServiceCentre]:
    """The centres a resident may ask about, their own town's first."""
    return await list_centres(session, town_id=person.town_id)


async def on_duty(session: AsyncSession, *, centre_id: int, day: date) -> DutyToday:
    """Who from another town is on duty at the centre on ``day``, by their hours and name."""
    centre = await centre_of(session, centre_id)
    if centre is None:
        raise NotFound()
    query = select(StaffSecondment).where(
        col(StaffSecondment.centre_id) == centre_id,
        col(StaffSecondment.first_day) <= day,
        col(StaffSecondment.last_day) >= day,
    )
    rows = [r for r in (await session.execute(query)).scalars() if r.on_duty(day)]
    found = await places(session)
    people = [_shown(found, r) for r in rows]
    people.sort(key=lambda p: (p.hours, p.name, p.id))
    return DutyToday(centre, day, people)
