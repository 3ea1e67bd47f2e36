"""Races on a proxy's request, on SQLite and PostgreSQL: racing asks keep one question, and a
yes racing the proxy's withdrawal lets exactly one of them win."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import col, select

from bot.context import Services
from models.core.errors import DomainError
from models.core.outbox import OutboxMessage
from models.events import (
    Asked,
    ProxyRequest,
    Registration,
    RequestStatus,
    answer_proxy_request,
    register_or_ask,
    withdraw_request,
)
from tests.events.events_support import make_event, people, person


async def _ask(services: Services, proxy_id: int, resident_id: int, event_id: int) -> Asked:
    async with services.sessions() as session, session.begin():
        done = await register_or_ask(
            session, person=await person(session, proxy_id), event_id=event_id,
            resident_id=resident_id,
        )  # fmt: skip
        assert isinstance(done, Asked)
        return done


async def _rows(services: Services, model: Any, *where: Any) -> list[Any]:
    async with services.sessions() as session:
        return list((await session.execute(select(model).where(*where))).scalars())


async def test_racing_asks_keep_one_request_and_one_question(services: Services) -> None:
    event_id = await make_event(services.sessions)
    resident, proxy = await people(services.sessions, "D", 71_000, 2)

    asked = await asyncio.gather(*(_ask(services, proxy, resident, event_id) for _ in range(8)))

    assert sum(a.created for a in asked) == 1
    assert len({a.request.id for a in asked}) == 1
    assert len(await _rows(services, ProxyRequest)) == 1
    like = col(OutboxMessage.dedupe_key).like("event:%:ask:%:question")
    assert len(await _rows(services, OutboxMessage, like)) == 1


async def _answer(services: Services, resident: int, request_id: int) -> str:
    async with services.sessions() as session, session.begin():
        who = await person(session, resident)
        await answer_proxy_request(session, person=who, request_id=request_id, answer="ok")
        return "answered"


async def _withdraw(services: Services, proxy: int, request_id: int) -> str:
    async with services.sessions() as session, session.begin():
        await withdraw_request(session, request_id=request_id, person=await person(session, proxy))
        return "withdrawn"


async def test_a_yes_racing_a_withdrawal_lets_one_win(services: Services) -> None:
    event_id = await make_event(services.sessions)
    residents = await people(services.sessions, "D", 72_000, 5)
    proxy = (await people(services.sessions, "Q", 73_000, 1))[0]
    for resident in residents:
        request = (await _ask(services, proxy, resident, event_id)).request
        outcomes = await asyncio.gather(
            _answer(services, resident, request.id or 0),
            _withdraw(services, proxy, request.id or 0),
            return_exceptions=True,
        )
        won = [o for o in outcomes if isinstance(o, str)]
        assert len(won) == 1, outcomes
        assert all(isinstance(o, (str, DomainError)) for o in outcomes), outcomes
        [stored] = await _rows(services, ProxyRequest, col(ProxyRequest.id) == request.id)
        made = await _rows(services, Registration, col(Registration.person_id) == resident)
        if won == ["answered"]:
            assert stored.status == RequestStatus.AGREED.value and len(made) == 1
        else:
            assert stored.status == RequestStatus.WITHDRAWN.value and made == []
