"""Races decided by the database: fifty suggestions sent at once get fifty different numbers in
order, and fifty decisions on one suggestion at once leave exactly one (one notice, one audit)."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, Scope
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.governance import (
    Subject,
    Suggestion,
    SuggestionDecided,
    SuggestionDraft,
    decide_suggestion,
    send_suggestion,
)
from tests.factories import make_person

RACERS = 50
EVERYWHERE = {Scope(Role.ADMIN, None)}


async def _send(services: Services, person: Person, n: int) -> str:
    async with services.sessions() as session, session.begin():
        draft = SuggestionDraft(Subject.OTHER, text=f"建议{n}")
        return (await send_suggestion(session, person=person, draft=draft)).number


async def test_fifty_at_once_get_fifty_numbers(services: Services) -> None:
    person = await make_person(services.sessions, 7401, "D")
    numbers = await asyncio.gather(*(_send(services, person, n) for n in range(RACERS)))
    counters = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert counters == list(range(1, RACERS + 1))
    assert all(number.startswith("JY-D-") for number in numbers)


async def test_fifty_decisions_at_once_leave_exactly_one(services: Services) -> None:
    resident = await make_person(services.sessions, 7402, "Q", "q-xinglong")
    admin = await make_person(services.sessions, 7403, "Q", "q-xinglong", name="管理员")
    await _send(services, resident, 0)
    async with services.sessions() as session:
        sid = (await session.execute(select(col(Suggestion.id)))).scalar_one() or 0

    async def decide(n: int) -> str:
        async with services.sessions() as session, session.begin():
            try:
                await decide_suggestion(
                    session,
                    person=admin,
                    scopes=EVERYWHERE,
                    suggestion_id=sid,
                    adopted=n % 2 == 0,
                    text=f"决定{n}",
                )
            except SuggestionDecided:
                return "decided"
            return f"won:{n}"

    outcomes = await asyncio.gather(*(decide(n) for n in range(RACERS)))
    winners = [o for o in outcomes if o != "decided"]
    assert len(winners) == 1
    async with services.sessions() as session:
        row = await session.get(Suggestion, sid)
        notices = (
            (
                await session.execute(
                    select(OutboxMessage).where(
                        col(OutboxMessage.dedupe_key).contains("suggestion:")
                    )
                )
            )
            .scalars()
            .all()
        )
        audits = (
            (
                await session.execute(
                    select(AuditLog).where(col(AuditLog.action) == "suggestion.decided")
                )
            )
            .scalars()
            .all()
        )
    assert row is not None and row.outcome == f"决定{winners[0].split(':')[1]}"
    assert len(notices) == 1 and notices[0].person_id == resident.id
    assert len(audits) == 1
