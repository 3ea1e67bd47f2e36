"""A proxy registers a resident who has not given standing consent: the resident is asked once.

With standing consent the proxy's registration goes through at once (booking's rules). Without
it the request is kept (``event_proxy_request``, ``asked``) and the resident gets one urgent
question in their language, 1 yes this time / 2 yes, and from now on / 3 no (the question
booking and disputes ask: ``models.booking.consent_question``). Yes registers them as
``register(…, resident_agreed=True)`` (confirmed, or in the waiting line, by the usual rules);
"from now on" also records the standing consent; no keeps nothing. The proxy is told once.
Unanswered, it lapses at ``expires_at`` (``lapse_requests``, in ``jobs.events``); the proxy may
withdraw it before the answer.

**A request holds no places.** An event's places are shared with a waiting line in arrival
order: places held for someone who may never answer would be kept from people ready to come.
So they are taken at the yes, as if the resident signed up then (full: the end of the line),
and capacity and quotas never change while a request waits.

**It lapses** a day on (``ASK_WINDOW``: an older resident may look at their phone once a day,
and a waiting request costs nobody a place), or when sign-up closes if that is sooner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking import (
    PROXY_ANSWERS,
    AlreadyAnswered,
    RequestWithdrawn,
    ResidentNotFound,
    has_consent,
    name_for_proxy,
    take_consent_answer,
)
from models.core.audit import record_audit
from models.core.base import N_, get_or_raise, row_id, upsert_insert, utcnow
from models.core.errors import DomainError
from models.core.outbox import cancel_by_key_prefix
from models.core.people import Person
from models.events.answers import RegistrationView, view_of
from models.events.proxy_notices import (
    ask_key,
    ask_resident,
    tell_proxy,
    tell_resident_withdrawn,
)
from models.events.registering import Registered, check_registrable, register
from models.events.rules import EventNotFound, NotYourRegistration, RegistrationGone, RequestLapsed
from models.events.tables import ASKED_SQL, Event, ProxyRequest, RegStatus, RequestStatus
from models.events.waitlist import waiting_position

ASK_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Asked:
    """The resident was asked (``created`` False: a request was waiting already) about the
    event; their name as the proxy may see it (masked)."""

    request: ProxyRequest
    event: Event
    created: bool
    resident: str


@dataclass(frozen=True)
class RequestAnswered:
    """The resident's answer; the registration made on a yes (``view``), or why a yes could
    not register them any more (``refused``); the proxy's name."""

    answer: str
    view: RegistrationView | None
    refused: DomainError | None
    proxy: str


def ask_deadline(event: Event, now: datetime) -> datetime:
    """When an unanswered request lapses: a day on, or when sign-up closes if sooner."""
    closes = event.registration_closes_at or event.starts_at
    return min(now + ASK_WINDOW, closes, event.starts_at)


async def register_or_ask(
    session: AsyncSession,
    *,
    person: Person,
    event_id: int,
    party_size: int = 1,
    option_id: int | None = None,
    answer_text: str | None = None,
    resident_id: int | None = None,
    now: datetime | None = None,
) -> tuple[Registered, RegistrationView] | Asked:
    """Register oneself, or the resident ``resident_id`` for their proxy ``person``: at once
    with the resident's standing consent, else the resident is asked (``Asked``)."""
    now = now or utcnow()
    resident = person
    if resident_id is not None and resident_id != person.id:
        found = await session.get(Person, resident_id)
        if found is None or found.onboarded_at is None:
            raise ResidentNotFound()
        resident = found
    proxy = person if resident is not person else None
    if proxy is None or await has_consent(session, row_id(resident), row_id(proxy)):
        made = await register(
            session, person=resident, event_id=event_id, party_size=party_size,
            option_id=option_id, answer_text=answer_text, booked_by=proxy, now=now,
        )  # fmt: skip
        return made, await view_of(session, made.registration, person)
    event = await get_or_raise(session, Event, event_id, EventNotFound)
    option_id, answer_text = await check_registrable(
        session, event, resident, party_size, option_id, answer_text, now
    )
    statement = (
        upsert_insert(session, ProxyRequest, orm=True)
        .values(
            event_id=event_id,
            person_id=resident.id,
            proxy_id=proxy.id,
            party_size=party_size,
            option_id=option_id,
            answer_text=answer_text,
            status=RequestStatus.ASKED.value,
            created_at=now,
            expires_at=ask_deadline(event, now),
        )
        .on_conflict_do_nothing(
            index_elements=["event_id", "person_id"], index_where=text(ASKED_SQL)
        )
        .returning(ProxyRequest)
    )
    request = (await session.scalars(statement)).one_or_none()
    name = await name_for_proxy(session, resident, proxy.id)
    if request is None:  # a double tap, or asked already: the first question stands
        return Asked(await _asked(session, event_id, row_id(resident)), event, False, name)
    await ask_resident(session, request, event, proxy)
    await record_audit(
        session, proxy.id, "event.proxy_ask", "event_proxy_request", request.id, event=event_id
    )
    return Asked(request, event, True, name)


async def _asked(session: AsyncSession, event_id: int, person_id: int) -> ProxyRequest:
    query = select(ProxyRequest).where(
        col(ProxyRequest.event_id) == event_id,
        col(ProxyRequest.person_id) == person_id,
        col(ProxyRequest.status) == RequestStatus.ASKED.value,
    )
    found = (await session.execute(query)).scalars().first()
    if found is None:  # answered or lapsed between the two statements
        raise RegistrationGone()
    return found


async def _move(
    session: AsyncSession, request: ProxyRequest, to: RequestStatus, now: datetime
) -> bool:
    """asked → ``to`` if nobody answered, withdrew or lapsed it since it was read."""
    result = await session.execute(
        update(ProxyRequest)
        .where(
            col(ProxyRequest.id) == request.id,
            col(ProxyRequest.status) == RequestStatus.ASKED.value,
        )
        .values(status=to.value, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _not_open(request: ProxyRequest) -> DomainError:
    """Why an answer to a request that is no longer waiting changes nothing."""
    if request.status == RequestStatus.WITHDRAWN.value:
        return RequestWithdrawn()
    if request.status == RequestStatus.LAPSED.value:
        return RequestLapsed()
    return AlreadyAnswered()


async def answer_proxy_request(
    session: AsyncSession,
    *,
    person: Person,
    request_id: int,
    answer: str,
    now: datetime | None = None,
) -> RequestAnswered:
    """The resident's answer (``ok``, ``always`` or ``no``) to a proxy's request. Only the
    named resident may answer (anyone else: ``NotYourRegistration``, nothing changes)."""
    now = now or utcnow()
    request = await session.get(ProxyRequest, request_id, populate_existing=True)
    if request is None or request.person_id != person.id or answer not in PROXY_ANSWERS:
        raise NotYourRegistration()
    if request.status != RequestStatus.ASKED.value:
        raise _not_open(request)
    if request.expires_at <= now:  # past its time; the minute job lapses it and tells the proxy
        raise RequestLapsed()
    event = await get_or_raise(session, Event, request.event_id, EventNotFound)
    refused: DomainError | None = None
    if answer != "no":
        try:
            await check_registrable(
                session, event, person, request.party_size, request.option_id,
                request.answer_text, now,
            )  # fmt: skip
        except DomainError as error:  # closed, or the event changed: nobody is registered
            refused = error
    to = (
        RequestStatus.DECLINED
        if answer == "no"
        else RequestStatus.CLOSED
        if refused
        else RequestStatus.AGREED
    )
    if not await _move(session, request, to, now):
        raise _not_open(request)  # withdrawn or lapsed a moment ago
    await take_consent_answer(session, person, request.proxy_id, answer)
    await record_audit(
        session, person.id, "event.proxy_answer", "event_proxy_request", request.id, a=answer
    )
    proxy = await session.get(Person, request.proxy_id)
    view = None
    if to is RequestStatus.AGREED:
        view = await _register(session, request, event, person, proxy, now)
    else:
        msgid = (
            N_("events.proxy.told.declined") if refused is None else N_("events.proxy.told.closed")
        )
        await tell_proxy(session, request, event, msgid)
    name = (proxy.display_name if proxy else None) or "—"
    return RequestAnswered(answer, view, refused, name)


async def _register(
    session: AsyncSession,
    request: ProxyRequest,
    event: Event,
    resident: Person,
    proxy: Person | None,
    now: datetime,
) -> RegistrationView:
    """The yes: registered by the usual rules; the resident's receipt is shown on their screen
    (the outbox copy is dropped), the proxy is told where the resident stands."""
    made = await register(
        session, person=resident, event_id=event.id or 0, party_size=request.party_size,
        option_id=request.option_id, answer_text=request.answer_text, booked_by=proxy,
        resident_agreed=True, now=now,
    )  # fmt: skip
    registration = made.registration
    request.registration_id = registration.id
    await session.flush()
    await cancel_by_key_prefix(
        session, f"event:{event.id}:reg:{registration.id}:receipt:", reason="shown"
    )
    if registration.status == RegStatus.WAITLISTED.value:
        position = await waiting_position(session, registration)
        await tell_proxy(
            session, request, event, N_("events.proxy.told.waitlisted"), position=position
        )
    else:
        await tell_proxy(session, request, event, N_("events.proxy.told.confirmed"))
    return await view_of(session, registration, resident)


async def withdraw_request(
    session: AsyncSession, *, request_id: int, person: Person, now: datetime | None = None
) -> ProxyRequest:
    """The proxy takes back a request the resident has not answered (only the proxy may)."""
    now = now or utcnow()
    request = await session.get(ProxyRequest, request_id, populate_existing=True)
    if request is None or request.proxy_id != person.id:
        raise NotYourRegistration()
    if not await _move(session, request, RequestStatus.WITHDRAWN, now):
        raise RegistrationGone()  # answered or lapsed first
    event = await get_or_raise(session, Event, request.event_id, EventNotFound)
    await tell_resident_withdrawn(session, request, event, person)
    await record_audit(
        session, person.id, "event.proxy_withdraw", "event_proxy_request", request.id
    )
    return request


async def lapse_requests(session: AsyncSession, now: datetime | None = None) -> int:
    """Requests unanswered by their time lapse: a question not sent yet never is, and the
    proxy is told once. Returns how many lapsed."""
    now = now or utcnow()
    query = select(ProxyRequest).where(
        col(ProxyRequest.status) == RequestStatus.ASKED.value,
        col(ProxyRequest.expires_at) <= now,
    )
    lapsed = 0
    for request in list((await session.execute(query)).scalars()):
        if not await _move(session, request, RequestStatus.LAPSED, now):
            continue  # answered or withdrawn meanwhile
        lapsed += 1
        await cancel_by_key_prefix(session, ask_key(request), reason="lapsed")
        event = await session.get(Event, request.event_id)
        if event is not None:
            await tell_proxy(session, request, event, N_("events.proxy.told.lapsed"))
    return lapsed
