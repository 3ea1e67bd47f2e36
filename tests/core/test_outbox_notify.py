"""``notify``: one message to one person's chat, once per dedupe key; nobody to reach, no row."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.context import Services
from models.core.base import utcnow
from models.core.outbox import OutboxKind, OutboxMessage, message_payload, notify
from models.core.people import Person
from tests.factories import make_person


async def _rows(services: Services) -> list[OutboxMessage]:
    async with services.sessions() as session:
        return list((await session.execute(select(OutboxMessage))).scalars())


async def test_a_person_with_a_chat_gets_one_row_per_key(services: Services) -> None:
    person = await make_person(services.sessions, 8201)
    due = utcnow() + timedelta(hours=1)
    payload = message_payload("broadcast.notice", text="hello")
    async with services.sessions() as session, session.begin():
        first = await notify(
            session, person, OutboxKind.STATUS, payload, dedupe_key="t:1", due_at=due, urgent=True
        )
        again = await notify(session, person, OutboxKind.STATUS, payload, dedupe_key="t:1")
    assert (first, again) == (True, False)
    [row] = await _rows(services)
    assert (row.chat_id, row.person_id, row.kind) == (8201, person.id, OutboxKind.STATUS.value)
    assert (row.payload, row.due_at, row.urgent) == (payload, due, True)


async def test_nobody_to_reach_adds_nothing(services: Services) -> None:
    payload = message_payload("broadcast.notice", text="hello")
    chatless = Person(tg_user_id=8202, chat_id=None, consent_at=utcnow())
    async with services.sessions() as session, session.begin():
        assert not await notify(session, None, OutboxKind.STATUS, payload, dedupe_key="t:none")
        assert not await notify(session, chatless, OutboxKind.STATUS, payload, dedupe_key="t:nc")
    assert await _rows(services) == []
