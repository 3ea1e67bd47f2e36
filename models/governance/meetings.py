"""The rotating joint meeting: the schedule, the committee, and the reminders before it.

Decisions (the issue leaves them open): a secretary or an admin sets the next meeting's day,
time, host town and place (``plan_meeting``); only one meeting is planned at a time (a
partial unique index). With none planned, the bot *proposes* the next one: two months after
the last meeting, hosted by the other town (``EVERY_MONTHS``); it is not stored until someone
confirms it. Committee members and secretaries of both towns are reminded ``REMIND_BEFORE``
(7 days and 1 day) before; each reminder's dedupe key holds the meeting's start, so a moved
meeting is announced again and an unchanged one never twice, restart or not.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import MEETING_ROLES, Action, RoleGrant, Scope, holds
from models.core.base import TOWNS_TZ, utcnow
from models.core.errors import DomainError, NotAllowed
from models.core.outbox import OutboxKind, bilingual_param, message_payload, notify, when_param
from models.core.people import Person
from models.core.places import ServiceCentre, Town
from models.governance.tables import JointMeeting, MeetingStatus

logger = logging.getLogger(__name__)

EVERY_MONTHS = 2
REMIND_BEFORE = (timedelta(days=7), timedelta(days=1))
REMINDER_IDS = {
    timedelta(days=7): "governance.meeting.reminder.week",
    timedelta(days=1): "governance.meeting.reminder.day",
}
HELD_AFTER = timedelta(hours=6)  # a planned meeting counts as held this long after its start


class MeetingInPast(DomainError):
    """The chosen time has already passed."""

    message_id = "governance.meeting.error.past"


@dataclass(frozen=True)
class MeetingView:
    """The next meeting, planned or only proposed (``id`` None), and where."""

    id: int | None
    starts_at: datetime | None
    host_town: Town
    place: str
    place_zh: str  # the host town's centre, when no place was typed
    place_en: str

    def where(self, language: str) -> str:
        """The place in ``language``: the typed one, or the host town's centre."""
        if self.place:
            return self.place
        return self.place_en if language == "en" else self.place_zh


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def _view(
    session: AsyncSession, meeting: JointMeeting | None, starts_at: datetime | None, host_id: int
) -> MeetingView:
    host = await session.get(Town, host_id)
    if host is None:
        raise NotAllowed()
    centre = (
        (
            await session.execute(
                select(ServiceCentre)
                .where(col(ServiceCentre.town_id) == host_id)
                .order_by(col(ServiceCentre.id))
            )
        )
        .scalars()
        .first()
    )
    zh, en = (centre.name_zh, centre.name_en) if centre else (host.name_zh, host.name_en)
    place = meeting.place if meeting else ""
    return MeetingView(meeting.id if meeting else None, starts_at, host, place, zh, en)


async def planned_meeting(session: AsyncSession) -> JointMeeting | None:
    """The meeting now planned, if any."""
    query = select(JointMeeting).where(col(JointMeeting.status) == MeetingStatus.PLANNED.value)
    return (await session.execute(query)).scalar_one_or_none()


async def next_meeting(session: AsyncSession, *, now: datetime | None = None) -> MeetingView:
    """The planned meeting, or the proposal: two months after the last, the other town hosting."""
    meeting = await planned_meeting(session)
    if meeting is not None:
        return await _view(session, meeting, meeting.starts_at, meeting.host_town_id)
    towns = [t.id for t in (await session.execute(select(Town).order_by(col(Town.id)))).scalars()]
    last = (
        (
            await session.execute(
                select(JointMeeting)
                .where(col(JointMeeting.status) == MeetingStatus.HELD.value)
                .order_by(col(JointMeeting.starts_at).desc())
            )
        )
        .scalars()
        .first()
    )
    if last is None or len(towns) < 2:
        return await _view(session, None, None, int(towns[0] or 0))
    host = next(t for t in towns if t != last.host_town_id)
    local = last.starts_at.astimezone(TOWNS_TZ)
    day = add_months(local.date(), EVERY_MONTHS)
    today = (now or utcnow()).astimezone(TOWNS_TZ).date()
    while day <= today:  # meetings were skipped: propose the next date still ahead
        day = add_months(day, EVERY_MONTHS)
    starts = datetime.combine(day, local.time(), TOWNS_TZ)
    return await _view(session, None, starts, int(host or 0))


async def plan_meeting(
    session: AsyncSession,
    *,
    person: Person,
    scopes: frozenset[Scope],
    day: date,
    at: time,
    host_town_id: int,
    place: str = "",
) -> MeetingView:
    """Set the next meeting (creating it, or moving the planned one); secretaries and admins."""
    if not holds(scopes, Action.MEETING_MANAGE):
        raise NotAllowed()
    starts_at = datetime.combine(day, at, TOWNS_TZ).astimezone(UTC)
    if starts_at <= utcnow():
        raise MeetingInPast()
    if await session.get(Town, host_town_id) is None:
        raise NotAllowed()
    meeting = await planned_meeting(session)
    if meeting is None:
        meeting = JointMeeting(
            starts_at=starts_at, host_town_id=host_town_id, planned_by_id=person.id
        )
        session.add(meeting)
    meeting.starts_at, meeting.host_town_id, meeting.place = starts_at, host_town_id, place.strip()
    meeting.planned_by_id, meeting.updated_at = person.id, utcnow()
    await session.flush()
    await record_audit(
        session,
        person.id,
        "meeting.plan",
        "governance_meeting",
        meeting.id,
        starts_at=starts_at.isoformat(),
        host_town_id=host_town_id,
    )
    return await _view(session, meeting, meeting.starts_at, meeting.host_town_id)


async def meeting_towns(session: AsyncSession) -> list[Town]:
    """The towns that can host a meeting, by id."""
    return list((await session.execute(select(Town).order_by(col(Town.id)))).scalars())


async def committee(session: AsyncSession) -> list[Person]:
    """Committee members and secretaries of both towns, each once, by id."""
    query = (
        select(Person)
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(
            col(RoleGrant.role).in_([role.value for role in MEETING_ROLES]),
            col(RoleGrant.revoked_at).is_(None),
        )
        .distinct()
        .order_by(col(Person.id))
    )
    return list((await session.execute(query)).scalars())


async def settle_held(session: AsyncSession, now: datetime) -> int:
    """Mark planned meetings whose time is well past as held; how many."""
    result = await session.execute(
        update(JointMeeting)
        .where(
            col(JointMeeting.status) == MeetingStatus.PLANNED.value,
            col(JointMeeting.starts_at) <= now - HELD_AFTER,
        )
        .values(status=MeetingStatus.HELD.value, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def remind_committee(session: AsyncSession, now: datetime) -> int:
    """Queue the reminders now due for the planned meeting; how many were added."""
    meeting = await planned_meeting(session)
    if meeting is None or meeting.starts_at <= now:
        return 0
    # Only the nearest reminder whose time has come (their texts name the time, not "in a
    # week"): a meeting set 3 days ahead gets the early one now and the last one the day before.
    due = [lead for lead in sorted(REMIND_BEFORE) if meeting.starts_at - lead <= now]
    if not due:
        return 0
    lead = due[0]
    view = await _view(session, meeting, meeting.starts_at, meeting.host_town_id)
    place = view.place or None
    payload = message_payload(
        REMINDER_IDS[lead],
        when=when_param(meeting.starts_at),
        town=bilingual_param(view.host_town.name_zh, view.host_town.name_en),
        place=bilingual_param(place or view.place_zh, place or view.place_en),
    )
    stamp = int(meeting.starts_at.timestamp())
    added = 0
    for person in await committee(session):
        key = f"meeting-remind:{meeting.id}:{stamp}:{lead.days}d:{person.id}"
        added += await notify(session, person, OutboxKind.REMINDER, payload, dedupe_key=key)
    if added:
        logger.info("meeting %s: %s reminders queued", meeting.id, added)
    return added
