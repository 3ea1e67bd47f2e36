"""Helpers for the events model tests: towns, people in bulk, an event with quotas."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from bot.db import SessionFactory
from models.core.authz import Role, Scope
from models.core.base import utcnow
from models.core.people import Person
from models.core.places import Community, Town
from models.events import EventDraft, OptionDraft, create_event

ADMIN = frozenset({Scope(Role.ADMIN, None)})


async def towns(sessions: SessionFactory) -> dict[str, int]:
    """Town ids by code (D, Q)."""
    async with sessions() as session:
        return {t.code: t.id or 0 for t in (await session.execute(select(Town))).scalars()}


async def people(sessions: SessionFactory, town: str, first_tg: int, count: int) -> list[int]:
    """``count`` onboarded residents of ``town`` (one transaction); their ids in order."""
    async with sessions() as session, session.begin():
        town_row = (await session.execute(select(Town).where(col(Town.code) == town))).scalar_one()
        community = (
            (await session.execute(select(Community).where(col(Community.town_id) == town_row.id)))
            .scalars()
            .first()
        )
        made = [
            Person(
                tg_user_id=first_tg + n,
                chat_id=first_tg + n,
                display_name=f"居民{first_tg + n}",
                town_id=town_row.id,
                community_id=community.id if community else None,
                language="zh_CN",
                consent_at=utcnow(),
                onboarded_at=utcnow(),
            )
            for n in range(count)
        ]
        session.add_all(made)
        await session.flush()
        return [p.id or 0 for p in made]


async def make_event(
    sessions: SessionFactory,
    *,
    capacity: int = 50,
    quotas: dict[str, int] | None = None,
    starts_in: timedelta = timedelta(days=3),
    max_party: int = 3,
    held_back: int = 0,
    held_back_in: timedelta | None = None,
    code: str = "test-event",
    ride: bool = False,
    now: datetime | None = None,
    cohosted: bool = True,
) -> int:
    """A published event hosted by D town (co-hosted by Q unless not ``cohosted``) with the
    given quotas."""
    ids = await towns(sessions)
    starts = (now or utcnow()) + starts_in
    draft = EventDraft(
        code=code,
        name_zh="边界联谊会",
        name_en="Border gathering",
        host_town_id=ids["D"],
        cohost_town_id=ids["Q"] if cohosted else None,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        place_zh="界河公园",
        place_en="Border River Park",
        max_party=max_party,
        held_back=held_back,
        held_back_until=(now or utcnow()) + held_back_in if held_back_in else None,
        quotas={ids[t]: q for t, q in (quotas or {}).items()},
        question_kind="choice" if ride else None,
        options=(
            (
                OptionDraft(
                    "长江新村站",
                    "Changjiang stop",
                    ride=True,
                    pickup_at=starts - timedelta(hours=1),
                ),
                OptionDraft("不需要接送", "No ride"),
            )
            if ride
            else ()
        ),
    )
    async with sessions() as session, session.begin():
        event = await create_event(session, draft=draft, by=None, scopes=ADMIN, publish=True)
        return event.id or 0


async def person(session, person_id: int) -> Person:  # type: ignore[no-untyped-def]
    """A person row."""
    found = await session.get(Person, person_id)
    assert found is not None
    return found
