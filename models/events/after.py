"""After the event: every attendee is asked for a 1–5 rating (a comment or voice note may
follow), and the admins of both host towns get the closing report: registered, attended,
walk-ins, no-shows, ratings, and attendance by town, including from the *other* town.

The ratings are in ``event_rating`` where the governance statistics read them
(``closing_report`` is the summary they start from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.base import N_, get_or_raise, upsert_insert, utcnow
from models.core.outbox import OutboxKind, message_payload, notify
from models.core.people import Person
from models.events.notices import ask_rating, describe_event, host_admins
from models.events.rules import EventNotFound, NotRateable
from models.events.tables import (
    COMMENT_MAX,
    Event,
    EventRating,
    EventStatus,
    Registration,
    RegStatus,
    WalkIn,
)

REGISTERED = (
    RegStatus.CONFIRMED.value,
    RegStatus.ATTENDED.value,
    RegStatus.NO_SHOW.value,
)
CLOSE_AFTER = timedelta(minutes=30)  # after the end: late check-ins are in


@dataclass(frozen=True)
class ClosingReport:
    """The numbers of one event (people, parties included)."""

    event: Event
    registered: int
    attended: int
    walk_ins: int
    no_shows: int
    ratings: int
    rating_average: float | None
    by_town: dict[int | None, int]  # town → people who came (attendees and walk-ins)

    @property
    def from_host_towns(self) -> int:
        """People who came from a town that hosted the event (host or co-host)."""
        hosts = set(self.event.host_towns)
        return sum(n for town, n in self.by_town.items() if town in hosts)

    @property
    def from_other_towns(self) -> int:
        """People who came from a town that did not host the event."""
        hosts = set(self.event.host_towns)
        return sum(n for town, n in self.by_town.items() if town is not None and town not in hosts)


async def closing_report(session: AsyncSession, event_id: int) -> ClosingReport:
    """Count an event's registrations, attendance, walk-ins, no-shows and ratings."""
    event = await get_or_raise(session, Event, event_id, EventNotFound)
    counts: dict[str, int] = {}
    by_town: dict[int | None, int] = {}
    query = select(Registration.status, Registration.town_id, func.sum(Registration.party_size))
    rows = await session.execute(
        query.where(col(Registration.event_id) == event_id)
        .where(col(Registration.status).in_(REGISTERED))
        .group_by(col(Registration.status), col(Registration.town_id))
    )
    for status, town_id, people in rows.all():
        counts[status] = counts.get(status, 0) + int(people)
        if status == RegStatus.ATTENDED.value:
            by_town[town_id] = by_town.get(town_id, 0) + int(people)
    walk_ins = 0
    walk_rows = await session.execute(
        select(WalkIn.town_id, func.sum(WalkIn.party_size))
        .where(col(WalkIn.event_id) == event_id)
        .group_by(col(WalkIn.town_id))
    )
    for town_id, people in walk_rows.all():
        walk_ins += int(people)
        by_town[town_id] = by_town.get(town_id, 0) + int(people)
    rated = (
        await session.execute(
            select(func.count(), func.avg(EventRating.rating)).where(
                col(EventRating.event_id) == event_id
            )
        )
    ).one()
    return ClosingReport(
        event=event,
        registered=sum(counts.values()),
        attended=counts.get(RegStatus.ATTENDED.value, 0),
        walk_ins=walk_ins,
        no_shows=counts.get(RegStatus.NO_SHOW.value, 0),
        ratings=int(rated[0]),
        rating_average=float(rated[1]) if rated[1] is not None else None,
        by_town=by_town,
    )


async def send_closing_report(session: AsyncSession, report: ClosingReport) -> int:
    """The report to the admins of both host towns, once each."""
    event = report.event
    payload = message_payload(
        N_("events.report"),
        registered=report.registered,
        attended=report.attended,
        walk_ins=report.walk_ins,
        no_shows=report.no_shows,
        ratings=report.ratings,
        average=f"{report.rating_average:.1f}" if report.rating_average is not None else "—",
        host_town=report.from_host_towns,
        other_towns=report.from_other_towns,
        **await describe_event(session, event),
    )
    sent = 0
    for admin in await host_admins(session, event):
        sent += await notify(
            session, admin, OutboxKind.STATUS, payload,
            dedupe_key=f"event:{event.id}:report:{admin.id}",
        )  # fmt: skip
    return sent


async def close_ended_events(session: AsyncSession, now: datetime | None = None) -> int:
    """Events ended ``CLOSE_AFTER`` ago: ask attendees for ratings and send the closing report,
    once (``closed_at``, set by a conditional update). Returns how many were closed."""
    now = now or utcnow()
    query = select(Event.id).where(
        col(Event.status) == EventStatus.PUBLISHED.value,
        col(Event.closed_at).is_(None),
        col(Event.ends_at) <= now - CLOSE_AFTER,
    )
    closed = 0
    for event_id in (await session.execute(query)).scalars().all():
        result = await session.execute(
            update(Event)
            .where(col(Event.id) == event_id, col(Event.closed_at).is_(None))
            .values(closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            continue  # another worker closed it
        event = await get_or_raise(session, Event, event_id, EventNotFound)
        attendees = await session.execute(
            select(Registration).where(
                col(Registration.event_id) == event_id,
                col(Registration.status) == RegStatus.ATTENDED.value,
            )
        )
        for registration in attendees.scalars():
            await ask_rating(session, registration, event)
        await send_closing_report(session, await closing_report(session, event_id or 0))
        closed += 1
    return closed


async def rate_event(
    session: AsyncSession,
    *,
    registration_id: int,
    person: Person,
    rating: int,
    comment: str | None = None,
    voice_file_id: str | None = None,
    now: datetime | None = None,
) -> EventRating:
    """An attendee's 1–5 rating, with an optional comment or voice note; rating again
    replaces it."""
    now = now or utcnow()
    registration = await session.get(Registration, registration_id)
    if (
        registration is None
        or registration.person_id != person.id
        or registration.status != RegStatus.ATTENDED.value
        or not 1 <= rating <= 5
        or (comment is not None and len(comment) > COMMENT_MAX)
    ):
        raise NotRateable()
    values = {
        "registration_id": registration_id,
        "event_id": registration.event_id,
        "person_id": person.id,
        "rating": rating,
        "comment": comment,
        "voice_file_id": voice_file_id,
        "created_at": now,
    }
    statement = upsert_insert(session, EventRating).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["registration_id"],
        set_={"rating": rating, "comment": comment, "voice_file_id": voice_file_id},
    )
    await session.execute(statement)
    # The upsert bypassed the identity map: read the row again (expiring everything would
    # expire the caller's person too, which then cannot load itself outside an await).
    rated = await session.get(EventRating, registration_id, populate_existing=True)
    if rated is None:
        raise NotRateable()
    return rated
