"""Residents' ratings, aggregated in SQL: per venue or service (bookings' feedback), per event,
mediation per town (cases' follow-up rating), and per town over all three.

A period is ``days`` long and ends at ``end``; the trend compares it with the period before.
An item is **low-rated** when its average this period is at most ``LOW_AVERAGE`` from at least
``LOW_MIN_COUNT`` ratings (fewer ratings say too little to put it before the joint meeting).
A town's average is its ratings' sum over their count, never an average of averages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking import Booking, BookingFeedback, Slot
from models.core.base import N_
from models.core.places import ServiceCentre, Town, Venue
from models.disputes import DisputeCase
from models.events import Event, EventRating

LOW_AVERAGE = 3.0
LOW_MIN_COUNT = 3
PERIOD_DAYS = 61  # about two months: the span between two joint meetings
COMMENTS_PER_ITEM = 3


class RatedKind(StrEnum):
    """What a rated item is: ``governance.ratings.subject.<value>`` names it."""

    VENUE = "venue"
    EVENT = "event"
    CASES = "cases"  # a town's mediation, rated at the case's follow-up
    TOWN = "town"


SUBJECT = {
    RatedKind.VENUE: N_("governance.ratings.subject.venue"),
    RatedKind.EVENT: N_("governance.ratings.subject.event"),
    RatedKind.CASES: N_("governance.ratings.subject.cases"),
    RatedKind.TOWN: N_("governance.ratings.subject.town"),
}


@dataclass(frozen=True)
class RatingComment:
    """A comment left with a rating: its words, or a voice note (shown as "🎤 语音")."""

    rating: int
    text: str | None
    voice: bool
    at: datetime


@dataclass(frozen=True)
class RatedItem:
    """One item's ratings this period and the period before."""

    subject: RatedKind
    item_id: int  # the venue's, event's or town's id
    name_zh: str
    name_en: str
    town_id: int
    count: int
    total: int
    previous_count: int
    previous_total: int
    comments: tuple[RatingComment, ...] = field(default=())

    def name(self, language: str) -> str:
        """The item's name in ``language``."""
        return self.name_en if language == "en" else self.name_zh

    @property
    def average(self) -> float | None:
        """This period's average, to two places (None without ratings)."""
        return round(self.total / self.count, 2) if self.count else None

    @property
    def previous_average(self) -> float | None:
        """The previous period's average (None without ratings)."""
        return round(self.previous_total / self.previous_count, 2) if self.previous_count else None

    @property
    def trend(self) -> float | None:
        """This period's average minus the previous one's (None when either has no ratings)."""
        if self.average is None or self.previous_average is None:
            return None
        return round(self.average - self.previous_average, 2)

    @property
    def low(self) -> bool:
        """Low-rated: an average of at most ``LOW_AVERAGE`` from ``LOW_MIN_COUNT`` ratings."""
        average = self.average
        return average is not None and average <= LOW_AVERAGE and self.count >= LOW_MIN_COUNT


@dataclass(frozen=True)
class RatingsReport:
    """The period's rated items (low-rated first) and each town's overall figures."""

    start: datetime
    end: datetime
    previous_start: datetime
    items: tuple[RatedItem, ...]
    towns: tuple[RatedItem, ...]

    @property
    def low(self) -> tuple[RatedItem, ...]:
        """The low-rated items, lowest first."""
        return tuple(item for item in self.items if item.low)


def _figures(when: Any, rating: Any, start: datetime, end: datetime, since: datetime) -> list[Any]:
    current: ColumnElement[bool] = and_(when >= start, when < end)
    previous: ColumnElement[bool] = and_(when >= since, when < start)
    return [
        func.count(case((current, 1))),
        func.coalesce(func.sum(case((current, rating))), 0),
        func.count(case((previous, 1))),
        func.coalesce(func.sum(case((previous, rating))), 0),
    ]


def _item(subject: RatedKind, row: Any) -> RatedItem:
    item_id, zh, en, town_id, count, total, previous_count, previous_total = row
    return RatedItem(
        subject,
        item_id,
        zh,
        en,
        town_id,
        int(count),
        int(total),
        int(previous_count),
        int(previous_total),
    )


async def _venues(
    session: AsyncSession, span: tuple[datetime, datetime, datetime], towns: Any
) -> list[RatedItem]:
    since, start, end = span
    when = col(BookingFeedback.created_at)
    query = (
        select(
            col(Venue.id),
            col(Venue.name_zh),
            col(Venue.name_en),
            col(ServiceCentre.town_id),
            *_figures(when, col(BookingFeedback.rating), start, end, since),
        )
        .select_from(BookingFeedback)
        .join(Booking, col(Booking.id) == col(BookingFeedback.booking_id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .join(Venue, col(Venue.id) == col(Slot.venue_id))
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(when >= since, when < end)
        .group_by(col(Venue.id), col(Venue.name_zh), col(Venue.name_en), col(ServiceCentre.town_id))
    )
    if towns is not None:
        query = query.where(col(ServiceCentre.town_id).in_(towns))
    return [_item(RatedKind.VENUE, row) for row in await session.execute(query)]


async def _events(
    session: AsyncSession, span: tuple[datetime, datetime, datetime], towns: Any
) -> list[RatedItem]:
    since, start, end = span
    when = col(EventRating.created_at)
    query = (
        select(
            col(Event.id),
            col(Event.name_zh),
            col(Event.name_en),
            col(Event.host_town_id),
            *_figures(when, col(EventRating.rating), start, end, since),
        )
        .select_from(EventRating)
        .join(Event, col(Event.id) == col(EventRating.event_id))
        .where(when >= since, when < end)
        .group_by(col(Event.id), col(Event.name_zh), col(Event.name_en), col(Event.host_town_id))
    )
    if towns is not None:
        query = query.where(
            or_(col(Event.host_town_id).in_(towns), col(Event.cohost_town_id).in_(towns))
        )
    return [_item(RatedKind.EVENT, row) for row in await session.execute(query)]


async def _cases(
    session: AsyncSession, span: tuple[datetime, datetime, datetime], towns: Any
) -> list[RatedItem]:
    since, start, end = span
    # A case is rated when the reporter answers the follow-up.
    when = func.coalesce(col(DisputeCase.followup_answered_at), col(DisputeCase.closed_at))
    query = (
        select(
            col(Town.id),
            col(Town.name_zh),
            col(Town.name_en),
            col(Town.id),
            *_figures(when, col(DisputeCase.rating), start, end, since),
        )
        .select_from(DisputeCase)
        .join(Town, col(Town.id) == col(DisputeCase.lead_town_id))
        .where(col(DisputeCase.rating).is_not(None), when >= since, when < end)
        .group_by(col(Town.id), col(Town.name_zh), col(Town.name_en))
    )
    if towns is not None:
        query = query.where(col(DisputeCase.lead_town_id).in_(towns))
    return [_item(RatedKind.CASES, row) for row in await session.execute(query)]


async def _comments(
    session: AsyncSession, items: list[RatedItem], start: datetime, end: datetime
) -> dict[tuple[RatedKind, int], list[RatingComment]]:
    found: dict[tuple[RatedKind, int], list[RatingComment]] = defaultdict(list)
    venues = [i.item_id for i in items if i.subject is RatedKind.VENUE]
    events = [i.item_id for i in items if i.subject is RatedKind.EVENT]
    said = [
        (RatedKind.VENUE, BookingFeedback, col(Slot.venue_id), venues),
        (RatedKind.EVENT, EventRating, col(EventRating.event_id), events),
    ]
    for subject, table, key, ids in said:
        if not ids:
            continue
        query = select(key, table.rating, table.comment, table.voice_file_id, table.created_at)  # type: ignore[attr-defined]
        if table is BookingFeedback:
            query = query.join(Booking, col(Booking.id) == col(BookingFeedback.booking_id)).join(
                Slot, col(Slot.id) == col(Booking.slot_id)
            )
        when = table.created_at  # type: ignore[attr-defined]
        query = query.where(
            key.in_(ids),
            when >= start,
            when < end,
            or_(table.comment.is_not(None), table.voice_file_id.is_not(None)),  # type: ignore[attr-defined]
        ).order_by(when.desc())
        for item_id, rating, text, voice, at in await session.execute(query):
            if len(found[(subject, item_id)]) < COMMENTS_PER_ITEM:
                found[(subject, item_id)].append(RatingComment(rating, text, voice is not None, at))
    return found


def _by_town(items: Iterable[RatedItem], names: dict[int, Town]) -> tuple[RatedItem, ...]:
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for item in items:
        figures = sums[item.town_id]
        for n, value in enumerate(
            (item.count, item.total, item.previous_count, item.previous_total)
        ):
            figures[n] += value
    return tuple(
        RatedItem(
            RatedKind.TOWN, town_id, names[town_id].name_zh, names[town_id].name_en, town_id,
            count, total, previous_count, previous_total,
        )
        for town_id, (count, total, previous_count, previous_total) in sorted(sums.items())
    )  # fmt: skip


def _order(item: RatedItem) -> tuple[bool, float, int, str]:
    return (not item.low, item.average or 0.0, -item.count, item.name_zh)


async def ratings_report(
    session: AsyncSession,
    *,
    end: datetime,
    towns: frozenset[int] | None = None,
    days: int = PERIOD_DAYS,
) -> RatingsReport:
    """The ratings of the ``days`` before ``end`` (and the period before), for ``towns`` (None:
    both): items rated this period, low-rated first, with their latest comments."""
    start = end - timedelta(days=days)
    span = (start - timedelta(days=days), start, end)
    found = [
        *await _venues(session, span, towns),
        *await _events(session, span, towns),
        *await _cases(session, span, towns),
    ]
    names = {t.id: t for t in (await session.execute(select(Town))).scalars() if t.id is not None}
    town_figures = _by_town(found, names)
    if towns is not None:
        town_figures = tuple(t for t in town_figures if t.item_id in towns)
    rated = [item for item in found if item.count]
    comments = await _comments(session, rated, start, end)
    items = sorted(
        (replace(i, comments=tuple(comments.get((i.subject, i.item_id), ()))) for i in rated),
        key=_order,
    )
    return RatingsReport(start, end, span[0], tuple(items), town_figures)
