"""On the demo's half year of history: ratings and the agenda draft are computed, and the
agenda holds no resident's name or phone number (every person in the database is checked)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import select

from bot.context import Services
from models.core.authz import Role, Scope
from models.core.people import Person
from models.demo import seed_history, seed_places
from models.governance import agenda_draft, ratings_report


async def test_the_demo_history_gives_an_agenda_without_personal_data(
    services: Services, pinned_now: datetime
) -> None:
    async with services.sessions() as session, session.begin():
        await seed_history(session, await seed_places(session), pinned_now)
    async with services.sessions() as session:
        report = await ratings_report(session, end=pinned_now)
        agenda = await agenda_draft(
            session, scopes=frozenset({Scope(Role.ADMIN, None)}), now=pinned_now
        )
        people = list((await session.execute(select(Person))).scalars())
    assert report.items and report.towns
    assert sum(t.count for t in report.towns) == sum(i.count for i in report.items)
    dumped = json.dumps([s.lines for s in agenda.sections], ensure_ascii=False)
    assert agenda.sections
    for person in people:
        for secret in (person.display_name, person.phone):
            if secret and len(secret) > 1:
                assert secret not in dumped, secret
