"""A proxy's requests still waiting for the resident's answer, as the proxy's screens show
them (my events, and one request with "withdraw")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking import name_for_proxy
from models.core.people import Person
from models.events.rules import NotYourRegistration, RegistrationGone
from models.events.tables import Event, ProxyRequest, RequestStatus


@dataclass(frozen=True)
class RequestView:
    """A waiting request, its event, and the resident's name as the proxy may see it."""

    request: ProxyRequest
    event: Event
    resident: str


async def _viewed(session: AsyncSession, request: ProxyRequest, event: Event) -> RequestView:
    resident = await session.get(Person, request.person_id)
    name = await name_for_proxy(session, resident, request.proxy_id) if resident else "—"
    return RequestView(request, event, name)


async def asked_requests(session: AsyncSession, proxy: Person) -> list[RequestView]:
    """The proxy's requests still waiting for an answer, soonest event first."""
    query = (
        select(ProxyRequest, Event)
        .join(Event, col(Event.id) == col(ProxyRequest.event_id))
        .where(
            col(ProxyRequest.proxy_id) == proxy.id,
            col(ProxyRequest.status) == RequestStatus.ASKED.value,
        )
        .order_by(col(Event.starts_at), col(ProxyRequest.id))
    )
    rows = (await session.execute(query)).all()
    return [await _viewed(session, request, event) for request, event in rows]


async def request_view(session: AsyncSession, *, request_id: int, person: Person) -> RequestView:
    """One of the proxy's requests still waiting (others' are refused, ended ones are gone)."""
    request = await session.get(ProxyRequest, request_id, populate_existing=True)
    if request is None or request.proxy_id != person.id:
        raise NotYourRegistration()
    event = await session.get(Event, request.event_id)
    if event is None or request.status != RequestStatus.ASKED.value:
        raise RegistrationGone()
    return await _viewed(session, request, event)
