"""The joint meeting's agenda draft, assembled from sections (statistics only, no names).

Each section builder reads one source for the period before the meeting and returns its
lines as message payloads (msgid + params, rendered in the reader's language), or None when
it has nothing. ``SECTIONS`` is the order they appear in; ``participation_section`` gives the
participation figures (``models.governance.stats_agenda``).

Nothing here reads a person: the suggestions section names what they are about and their
reference numbers (never the residents' words); the ratings section names venues, events and
towns; the cases section counts cases by town and category; comments and case texts never
reach the agenda.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.authz import Action, Scope, holds
from models.core.base import TOWNS_TZ, utcnow
from models.core.errors import NotAllowed
from models.core.outbox import bilingual_param, message_param, message_payload
from models.core.places import Town
from models.disputes import CATEGORY, OPEN, Category, DisputeCase
from models.governance.meetings import EVERY_MONTHS, MeetingView, add_months, next_meeting
from models.governance.ratings import SUBJECT, ratings_report
from models.governance.stats_agenda import SECTION_TITLE, participation_lines
from models.governance.suggestion_agenda import agenda_suggestions
from models.governance.tables.suggestions import Subject

Line = dict[str, Any]  # a message payload
CATEGORIES = frozenset(c.value for c in Category)


@dataclass(frozen=True)
class Section:
    """One part of the agenda: its title's message id and its lines."""

    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Agenda:
    """The draft for the next meeting: the period it looks back on and its sections."""

    meeting: MeetingView
    since: datetime
    until: datetime
    sections: tuple[Section, ...]


Builder = Callable[[AsyncSession, datetime, datetime, int | None], Awaitable[Section | None]]


SUGGESTION_TOPICS = 8  # the most suggested subjects the agenda lists
SUGGESTION_NUMBERS = 5  # reference numbers shown per subject (then "…")
_ABOUT = {
    Subject.BOT: "governance.agenda.about.bot",
    Subject.OTHER: "governance.agenda.about.other",
}


async def suggestions_section(
    session: AsyncSession, since: datetime, until: datetime, town_id: int | None
) -> Section | None:
    """The most suggested subjects (open now or received in the period), most first."""
    topics = await agenda_suggestions(session, since=since, until=until, town_id=town_id)
    if not topics:
        return None
    towns = {t.id: t for t in (await session.execute(select(Town))).scalars()}
    lines = []
    for topic in topics[:SUGGESTION_TOPICS]:
        town = towns[topic.town_id]
        numbers = "、".join(topic.numbers[:SUGGESTION_NUMBERS])
        if len(topic.numbers) > SUGGESTION_NUMBERS:
            numbers += " …"
        lines.append(
            message_payload(
                "governance.agenda.suggestion_line",
                plural="count",
                town=_name(town.name_zh, town.name_en),
                about=message_param(_ABOUT[topic.subject])
                if topic.subject in _ABOUT
                else _name(topic.name_zh, topic.name_en),
                count=topic.count,
                open=topic.open,
                numbers=numbers,
            )
        )
    return Section("governance.agenda.section.suggestions", tuple(lines))


async def participation_section(
    session: AsyncSession, since: datetime, until: datetime, town_id: int | None
) -> Section | None:
    """The participation figures of the period (``models.governance.stats_agenda``)."""
    lines = await participation_lines(session, since, until, town_id)
    return Section(SECTION_TITLE, lines) if lines else None


def _name(zh: str, en: str) -> dict[str, str]:
    return bilingual_param(zh, en)


async def ratings_section(
    session: AsyncSession, since: datetime, until: datetime, town_id: int | None
) -> Section | None:
    """The low-rated venues, events and towns' mediation of the period, lowest first."""
    days = max(1, (until - since).days)
    towns = frozenset({town_id}) if town_id is not None else None
    report = await ratings_report(session, end=until, towns=towns, days=days)
    lines = tuple(
        message_payload(
            "governance.agenda.rating_low",
            plural="count",
            subject=message_param(SUBJECT[item.subject]),
            name=_name(item.name_zh, item.name_en),
            average=f"{item.average:.1f}",
            count=item.count,
        )
        for item in report.low
    )
    return Section("governance.agenda.section.ratings", lines) if lines else None


async def cases_section(
    session: AsyncSession, since: datetime, until: datetime, town_id: int | None
) -> Section | None:
    """Open cases that are escalated (nobody accepted them in time) or past their expected
    day, counted by lead town and category."""
    today = until.astimezone(TOWNS_TZ).date()
    escalated = col(DisputeCase.escalation_level) > 0
    overdue = and_(col(DisputeCase.expected_on).is_not(None), col(DisputeCase.expected_on) < today)
    query = (
        select(
            col(Town.id),
            col(Town.name_zh),
            col(Town.name_en),
            col(DisputeCase.category),
            func.count(),
            func.count(case((escalated, 1))),
            func.count(case((overdue, 1))),
        )
        .select_from(DisputeCase)
        .join(Town, col(Town.id) == col(DisputeCase.lead_town_id))
        .where(col(DisputeCase.status).in_([s.value for s in OPEN]), or_(escalated, overdue))
        .group_by(col(Town.id), col(Town.name_zh), col(Town.name_en), col(DisputeCase.category))
        .order_by(col(Town.id), col(DisputeCase.category))
    )
    if town_id is not None:
        query = query.where(col(DisputeCase.lead_town_id) == town_id)
    lines = tuple(
        message_payload(
            "governance.agenda.cases_line",
            plural="count",
            town=_name(zh, en),
            category=message_param(CATEGORY[Category(category)])
            if category in CATEGORIES
            else category,
            count=int(count),
            escalated=int(up),
            overdue=int(late),
        )
        for _id, zh, en, category, count, up, late in await session.execute(query)
    )
    return Section("governance.agenda.section.cases", lines) if lines else None


SECTIONS: tuple[Builder, ...] = (
    suggestions_section,
    ratings_section,
    cases_section,
    participation_section,
)


async def agenda_draft(
    session: AsyncSession,
    *,
    scopes: frozenset[Scope],
    now: datetime | None = None,
    town_id: int | None = None,
) -> Agenda:
    """The next meeting's agenda draft over the period since the previous one (two months)."""
    if not holds(scopes, Action.MEETING_VIEW):
        raise NotAllowed()
    now = now or utcnow()
    meeting = await next_meeting(session, now=now)
    until = min(now, meeting.starts_at) if meeting.starts_at else now
    local = until.astimezone(TOWNS_TZ)
    since = datetime.combine(add_months(local.date(), -EVERY_MONTHS), local.timetz())
    since = min(since, until - timedelta(days=1))
    sections = [await build(session, since, until, town_id) for build in SECTIONS]
    return Agenda(meeting, since, until, tuple(s for s in sections if s is not None))
