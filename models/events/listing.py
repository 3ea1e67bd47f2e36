"""What residents see: upcoming events (this week, my town, the other town, by topic), one
event's details with the places left for the person's town, and "my events"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from models.core.base import get_or_raise, utcnow
from models.core.people import Person
from models.events.notices import describe_event
from models.events.places import places_left
from models.events.requests import RequestView, asked_requests
from models.events.rules import EventNotFound
from models.events.tables import ACTIVE, Event, EventOption, EventStatus, Registration, RegStatus
from models.events.waitlist import waiting_position

PER_PAGE = 6  # elder mode: at most 6 choices a screen
WEEK = timedelta(days=7)


class Listing(StrEnum):
    """Which upcoming events: all, this week, the person's town, the other town."""

    ALL = "all"
    WEEK = "week"
    MY_TOWN = "mine"
    OTHER_TOWN = "other"


@dataclass(frozen=True)
class EventLine:
    """An event on a list, with places left overall and for the person's town."""

    event: Event
    left: int
    left_for_town: int


@dataclass(frozen=True)
class EventPage:
    """One page of events and whether more follow."""

    lines: list[EventLine]
    page: int
    more: bool


async def upcoming_events(
    session: AsyncSession,
    *,
    person: Person,
    listing: Listing = Listing.ALL,
    topic: str | None = None,
    page: int = 0,
    now: datetime | None = None,
    per_page: int = PER_PAGE,
) -> EventPage:
    """Published events still ahead that the person may join, nearest first, ``per_page`` (at
    most ``PER_PAGE``) a page (one indexed query: ``ix_event_status_starts``)."""
    per_page = max(1, min(per_page, PER_PAGE))
    now = now or utcnow()
    query = select(Event).where(
        col(Event.status) == EventStatus.PUBLISHED.value, col(Event.starts_at) > now
    )
    if listing is Listing.WEEK:
        query = query.where(col(Event.starts_at) < now + WEEK)
    elif listing is Listing.MY_TOWN:
        query = query.where(hosted_by(person.town_id))
    elif listing is Listing.OTHER_TOWN:
        query = query.where(not_hosted_by(person.town_id))
    if topic is not None:
        query = query.where(col(Event.topic) == topic)
    query = query.where(
        or_(col(Event.audience_town_id).is_(None), col(Event.audience_town_id) == person.town_id),
        or_(
            col(Event.audience_community_id).is_(None),
            col(Event.audience_community_id) == person.community_id,
        ),
    )
    query = query.order_by(col(Event.starts_at), col(Event.id))
    rows = (await session.execute(query.offset(page * per_page).limit(per_page + 1))).scalars()
    events = list(rows)
    lines = [
        EventLine(event, *await places_left(session, event, person.town_id))
        for event in events[:per_page]
    ]
    return EventPage(lines, page, more=len(events) > per_page)


def hosted_by(town_id: int | None) -> ColumnElement[bool]:
    """Events hosted or co-hosted by the town."""
    return or_(col(Event.host_town_id) == town_id, col(Event.cohost_town_id) == town_id)


def not_hosted_by(town_id: int | None) -> ColumnElement[bool]:
    """Events neither hosted nor co-hosted by the town (a missing co-host is not the town: the
    negation of ``hosted_by`` would be NULL there, and leave such events out)."""
    return and_(
        col(Event.host_town_id) != town_id,
        or_(col(Event.cohost_town_id).is_(None), col(Event.cohost_town_id) != town_id),
    )


async def topics(session: AsyncSession, now: datetime | None = None) -> list[str]:
    """The topics of published events still ahead."""
    query = (
        select(col(Event.topic))
        .where(
            col(Event.status) == EventStatus.PUBLISHED.value,
            col(Event.starts_at) > (now or utcnow()),
        )
        .distinct()
        .order_by(col(Event.topic))
    )
    return list((await session.execute(query)).scalars())


@dataclass(frozen=True)
class EventDetails:
    """One event as the details screen shows it, with the person's registration if any."""

    event: Event
    left: int
    left_for_town: int
    options: list[EventOption]
    mine: Registration | None
    position: int | None  # in the waiting line, when waiting
    # what, when, where and directions as message parameters (``describe_event``)
    described: dict[str, Any] = field(default_factory=dict)


async def event_details(session: AsyncSession, *, event_id: int, person: Person) -> EventDetails:
    """What, when, where, how to get there, accessibility, places left for the person's town,
    what to bring, the question's options and the person's own registration."""
    event = await get_or_raise(session, Event, event_id, EventNotFound)
    if event.status == EventStatus.DRAFT.value:
        raise EventNotFound()
    left, for_town = await places_left(session, event, person.town_id)
    options = list(
        (
            await session.execute(
                select(EventOption)
                .where(col(EventOption.event_id) == event_id)
                .order_by(col(EventOption.position))
            )
        ).scalars()
    )
    query = select(Registration).where(
        col(Registration.event_id) == event_id,
        col(Registration.person_id) == person.id,
        col(Registration.status).in_(ACTIVE),
    )
    mine = (await session.execute(query)).scalars().first()
    waiting = mine is not None and mine.status == RegStatus.WAITLISTED.value
    place = await waiting_position(session, mine) if mine is not None and waiting else None
    described = await describe_event(session, event)
    return EventDetails(event, left, for_town, options, mine, place, described)


@dataclass(frozen=True)
class MyEvents:
    """The person's registrations: coming (confirmed or offered), waiting, and past; and
    the requests they made as proxy that wait for the resident's answer."""

    coming: list[tuple[Registration, Event]]
    waiting: list[tuple[Registration, Event, int]]
    past: list[tuple[Registration, Event]]
    asked: list[RequestView] = field(default_factory=list)  # as proxy, awaiting the answer


async def my_events(
    session: AsyncSession, *, person: Person, now: datetime | None = None, past_limit: int = 6
) -> MyEvents:
    """The person's own registrations (and those they made for others as proxy, and their
    requests still waiting for the resident's answer)."""
    now = now or utcnow()
    query = (
        select(Registration, Event)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(
            or_(
                col(Registration.person_id) == person.id,
                col(Registration.booked_by_id) == person.id,
            )
        )
        .order_by(col(Event.starts_at))
    )
    coming, waiting, past = [], [], []
    for registration, event in (await session.execute(query)).all():
        if event.starts_at <= now:
            if registration.status in (
                RegStatus.ATTENDED.value,
                RegStatus.NO_SHOW.value,
                RegStatus.CONFIRMED.value,
            ):
                past.append((registration, event))
        elif registration.status == RegStatus.WAITLISTED.value:
            waiting.append((registration, event, await waiting_position(session, registration)))
        elif registration.status in (RegStatus.CONFIRMED.value, RegStatus.OFFERED.value):
            coming.append((registration, event))
    asked = await asked_requests(session, person)
    return MyEvents(coming, waiting, list(reversed(past))[:past_limit], asked)
