"""Suggestions for the joint meeting's agenda and for statistics: figures and reference
numbers only, never who sent a suggestion nor what they wrote.

A topic is one subject: a venue or service, an event, or (per town) the bot or "something
else". A topic is on the agenda when it has suggestions open now or received in the period;
"popular" means many suggestions concern the same subject: topics come most-suggested first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, or_, select

from models.governance.suggestions import about_names
from models.governance.tables.suggestions import Subject, Suggestion, SuggestionStatus

SUBJECT_ORDER = {subject: n for n, subject in enumerate(Subject)}


@dataclass
class SuggestionTopic:
    """One subject's suggestions: how many, how many open, how many came in the period, and
    their reference numbers (oldest first)."""

    subject: Subject
    subject_id: int | None  # the venue or event; None for the bot or something else
    town_id: int  # the town concerned
    name_zh: str  # the venue's or event's name ("" for the bot or something else)
    name_en: str
    count: int = 0  # suggestions counted here: open now, or received in the period
    open: int = 0
    received: int = 0
    numbers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SuggestionCounts:
    """A period's figures: received in it, decided in it (adopted / not), open at its end."""

    received: int
    adopted: int
    not_adopted: int
    open: int


def _in(moment: datetime | None, since: datetime, until: datetime) -> bool:
    return moment is not None and since <= moment < until


async def agenda_suggestions(
    session: AsyncSession, *, since: datetime, until: datetime, town_id: int | None = None
) -> list[SuggestionTopic]:
    """Topics with suggestions open now or received in [since, until), most-suggested first."""
    query = (
        select(Suggestion)
        .where(
            col(Suggestion.created_at) < until,
            or_(
                col(Suggestion.status) == SuggestionStatus.OPEN.value,
                col(Suggestion.created_at) >= since,
            ),
        )
        .order_by(col(Suggestion.created_at), col(Suggestion.id))
    )
    if town_id is not None:
        query = query.where(col(Suggestion.town_id) == town_id)
    topics: dict[tuple[str, int | None, int], SuggestionTopic] = {}
    for row in (await session.execute(query)).scalars():
        subject_id = row.venue_id if row.venue_id is not None else row.event_id
        key = (row.subject, subject_id, row.town_id)
        topic = topics.get(key)
        if topic is None:
            zh, en = await about_names(session, row)
            topic = SuggestionTopic(Subject(row.subject), subject_id, row.town_id, zh, en)
            topics[key] = topic
        topic.count += 1
        topic.open += row.status == SuggestionStatus.OPEN.value
        topic.received += _in(row.created_at, since, until)
        topic.numbers.append(row.number)
    return sorted(
        topics.values(),
        key=lambda t: (-t.count, -t.open, SUBJECT_ORDER[t.subject], t.numbers[0]),
    )


async def suggestion_counts(
    session: AsyncSession, *, since: datetime, until: datetime, town_id: int | None = None
) -> SuggestionCounts:
    """Received, adopted and not adopted in [since, until); open among those received before
    ``until``."""
    query = select(Suggestion.status, Suggestion.created_at, Suggestion.decided_at).where(
        col(Suggestion.created_at) < until
    )
    if town_id is not None:
        query = query.where(col(Suggestion.town_id) == town_id)
    received = adopted = not_adopted = still_open = 0
    for status, created_at, decided_at in (await session.execute(query)).all():
        received += _in(created_at, since, until)
        decided_now = _in(decided_at, since, until)
        adopted += decided_now and status == SuggestionStatus.ADOPTED.value
        not_adopted += decided_now and status == SuggestionStatus.NOT_ADOPTED.value
        still_open += status == SuggestionStatus.OPEN.value
    return SuggestionCounts(received, adopted, not_adopted, still_open)
