"""Sending a suggestion (意见建议) and reading one's own: what it can be about, the town it
concerns, its readable number, and the resident's list with each one's status.

The town concerned is the venue's centre's town, the event's host town, or (about the bot or
anything else) the resident's own town; that town's admins answer it (``suggestion_queue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.base import TOWNS_TZ, row_id, upsert_insert, utcnow
from models.core.errors import NotRegistered
from models.core.people import Person
from models.core.places import ServiceCentre, Town, Venue
from models.events import Event, EventStatus
from models.governance.suggestion_errors import SubjectGone, SuggestionEmpty, SuggestionTooLong
from models.governance.tables.suggestions import (
    TEXT_MAX,
    Subject,
    Suggestion,
    SuggestionCounter,
    SuggestionReply,
    SuggestionStatus,
)

# Events one may suggest about: those that ended up to this long ago, or start within the next.
EVENTS_SINCE = timedelta(days=60)
EVENTS_UNTIL = timedelta(days=90)
MINE_SHOWN = 10


@dataclass(frozen=True)
class SubjectChoice:
    """A venue or event one can pick: its id and its names."""

    id: int
    name_zh: str
    name_en: str
    place_zh: str = ""  # the venue's centre, or the event's day (shown after the name)
    place_en: str = ""
    starts_at: datetime | None = None


@dataclass(frozen=True)
class SuggestionDraft:
    """What the suggestion conversation gathered, one answer a screen."""

    subject: Subject
    subject_id: int | None = None  # the venue or event
    text: str = ""
    voice_file_id: str | None = None
    anonymous: bool = False


@dataclass(frozen=True)
class SuggestionReceipt:
    """What the resident is told: the number to quote."""

    suggestion_id: int
    number: str


@dataclass(frozen=True)
class MySuggestion:
    """One of the resident's suggestions as they see it."""

    number: str
    subject: Subject
    about_zh: str
    about_en: str
    status: SuggestionStatus
    outcome: str | None
    replies: int
    created_at: datetime


async def suggestion_venues(session: AsyncSession) -> list[SubjectChoice]:
    """The catalogue's active venues and services, by town, centre and name."""
    query = (
        select(Venue, ServiceCentre)
        .join(ServiceCentre, col(ServiceCentre.id) == col(Venue.centre_id))
        .where(col(Venue.active).is_(True))
        .order_by(col(ServiceCentre.town_id), col(ServiceCentre.id), col(Venue.id))
    )
    return [
        SubjectChoice(row_id(v), v.name_zh, v.name_en, c.name_zh, c.name_en)
        for v, c in (await session.execute(query)).all()
    ]


async def suggestion_events(
    session: AsyncSession, *, now: datetime | None = None
) -> list[SubjectChoice]:
    """Published events that ended recently or start soon, soonest first."""
    now = now or utcnow()
    query = (
        select(Event)
        .where(
            col(Event.status) == EventStatus.PUBLISHED.value,
            col(Event.ends_at) >= now - EVENTS_SINCE,
            col(Event.starts_at) <= now + EVENTS_UNTIL,
        )
        .order_by(col(Event.starts_at), col(Event.id))
    )
    return [
        SubjectChoice(row_id(e), e.name_zh, e.name_en, starts_at=e.starts_at)
        for e in (await session.execute(query)).scalars()
    ]


async def _town_concerned(session: AsyncSession, person: Person, draft: SuggestionDraft) -> int:
    if draft.subject is Subject.VENUE:
        venue = await session.get(Venue, draft.subject_id) if draft.subject_id else None
        centre = await session.get(ServiceCentre, venue.centre_id) if venue else None
        if centre is None:
            raise SubjectGone()
        return centre.town_id
    if draft.subject is Subject.EVENT:
        event = await session.get(Event, draft.subject_id) if draft.subject_id else None
        if event is None:
            raise SubjectGone()
        return event.host_town_id
    if person.town_id is None:
        raise NotRegistered()
    return person.town_id


async def next_number(session: AsyncSession, town: Town, now: datetime) -> str:
    """The town's next suggestion number this year, e.g. ``JY-D-2026-0007`` (建议)."""
    year = now.astimezone(TOWNS_TZ).year
    town_id = row_id(town)
    await session.execute(
        upsert_insert(session, SuggestionCounter)
        .values(town_id=town_id, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["town_id", "year"])
    )
    result = await session.execute(
        update(SuggestionCounter)
        .where(col(SuggestionCounter.town_id) == town_id, col(SuggestionCounter.year) == year)
        .values(last=col(SuggestionCounter.last) + 1)
        .returning(col(SuggestionCounter.last))
    )
    return f"JY-{town.code}-{year}-{int(result.scalar_one()):04d}"


def check_words(text: str, *, required: bool = True) -> str:
    """The words trimmed; refused when too long, or empty when ``required``."""
    words = text.strip()
    if len(words) > TEXT_MAX:
        raise SuggestionTooLong(max=TEXT_MAX)
    if required and not words:
        raise SuggestionEmpty()
    return words


async def send_suggestion(
    session: AsyncSession, *, person: Person, draft: SuggestionDraft, now: datetime | None = None
) -> SuggestionReceipt:
    """Keep the suggestion, numbered in the town it concerns; its admins see it in their queue."""
    if person.id is None or person.onboarded_at is None:
        raise NotRegistered()
    words = check_words(draft.text, required=draft.voice_file_id is None)
    now = now or utcnow()
    town = await session.get(Town, await _town_concerned(session, person, draft))
    if town is None:
        raise SubjectGone()
    suggestion = Suggestion(
        number=await next_number(session, town, now),
        town_id=row_id(town),
        subject=draft.subject.value,
        venue_id=draft.subject_id if draft.subject is Subject.VENUE else None,
        event_id=draft.subject_id if draft.subject is Subject.EVENT else None,
        person_id=person.id,
        anonymous=draft.anonymous,
        text=words,
        voice_file_id=draft.voice_file_id,
        created_at=now,
    )
    session.add(suggestion)
    await session.flush()
    # The audit names the suggestion, never who sent an anonymous one.
    actor = None if draft.anonymous else person.id
    await record_audit(session, actor, "suggestion.sent", "suggestion", row_id(suggestion))
    return SuggestionReceipt(row_id(suggestion), suggestion.number)


async def about_names(session: AsyncSession, suggestion: Suggestion) -> tuple[str, str]:
    """The venue's or event's names, in Chinese and English ("" when about the bot or other)."""
    row: Venue | Event | None = None
    if suggestion.venue_id is not None:
        row = await session.get(Venue, suggestion.venue_id)
    elif suggestion.event_id is not None:
        row = await session.get(Event, suggestion.event_id)
    return (row.name_zh, row.name_en) if row is not None else ("", "")


async def my_suggestions(session: AsyncSession, *, person: Person) -> list[MySuggestion]:
    """The resident's latest suggestions, newest first, with their status."""
    query = (
        select(Suggestion)
        .where(col(Suggestion.person_id) == person.id)
        .order_by(col(Suggestion.created_at).desc(), col(Suggestion.id).desc())
        .limit(MINE_SHOWN)
    )
    mine = []
    for row in (await session.execute(query)).scalars():
        replies = await session.execute(
            select(col(SuggestionReply.id)).where(col(SuggestionReply.suggestion_id) == row.id)
        )
        zh, en = await about_names(session, row)
        mine.append(
            MySuggestion(
                number=row.number,
                subject=Subject(row.subject),
                about_zh=zh,
                about_en=en,
                status=SuggestionStatus(row.status),
                outcome=row.outcome,
                replies=len(replies.all()),
                created_at=row.created_at,
            )
        )
    return mine


async def forget_sender(session: AsyncSession, person: Person) -> int:
    """Erasure (/deleteme): the person's suggestions lose their words and voice notes before
    the foreign key unlinks them; their number, subject and status stay for the statistics."""
    result = await session.execute(
        update(Suggestion)
        .where(col(Suggestion.person_id) == person.id)
        .values(text="", voice_file_id=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
