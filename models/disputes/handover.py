"""Handing the lead of a joint case to the other town, with a reason; the other side accepts
(one of its mediators becomes the assignee, the former one the co-mediator) or declines with a
reason. Every step is audited; one request waits at a time (a partial unique index)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import N_, row_id, utcnow
from models.core.outbox import OutboxKind, inline_keyboard, message_payload, notify
from models.core.people import Person
from models.disputes.access import CaseAction, Viewer, authorised_case, other_town
from models.disputes.codes import CASE
from models.disputes.errors import (
    CaseNotFound,
    HandoverAnswered,
    HandoverPending,
    IllegalTransition,
    NotJoint,
    ReasonRequired,
)
from models.disputes.notices import case_params
from models.disputes.routing import duty_mediators
from models.disputes.tables import (
    NOTE_MAX,
    OPEN,
    CaseStatus,
    DisputeCase,
    HandoverRequest,
    HandoverStatus,
)


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason or len(reason) > NOTE_MAX:
        raise ReasonRequired()
    return reason


async def request_handover(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    reason: str,
    now: datetime | None = None,
) -> HandoverRequest:
    """Ask the other town to take the lead of a joint case; its mediators are asked."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.HANDOVER)
    to_town = other_town(case)
    if not case.joint or to_town is None:
        raise NotJoint()
    if CaseStatus(case.status) not in OPEN:
        raise IllegalTransition(status=case.status)
    request = HandoverRequest(
        case_id=case_id, from_town_id=case.lead_town_id, to_town_id=to_town,
        reason=_reason(reason), requested_by=viewer.person_id, created_at=now,
    )  # fmt: skip
    try:
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:
        raise HandoverPending() from None
    await record_audit(
        session, viewer.person_id, "dispute.handover_request", "dispute_case", case_id,
        request=request.id, to_town=to_town,
    )  # fmt: skip
    rid = row_id(request)
    payload = {
        **message_payload(
            N_("disputes.handover.ask"), **await case_params(session, case), reason=request.reason
        ),
        "reply_markup": inline_keyboard(
            [("disputes.handover.accept", CASE.data("hok", rid))],
            [("disputes.handover.decline", CASE.data("hno", rid))],
        ),
    }
    asked = {p.id: p for p in await duty_mediators(session, to_town, case.category)}
    if case.co_mediator_id is not None:
        co = await session.get(Person, case.co_mediator_id)
        if co is not None:
            asked[co.id] = co
    for target in asked.values():
        key = f"dispute:{case_id}:handover{rid}:p{target.id}"
        await notify(session, target, OutboxKind.CASE_ALERT, payload, dedupe_key=key, urgent=True)
    return request


async def answer_handover(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    request_id: int,
    accept: bool,
    reason: str | None = None,
    now: datetime | None = None,
) -> HandoverRequest:
    """Accept the lead (the answering mediator becomes the assignee) or decline with a reason."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    request, case = await _answerable(session, viewer, request_id)
    decline = None if accept else _reason(reason)
    status = HandoverStatus.ACCEPTED if accept else HandoverStatus.DECLINED
    result = await session.execute(
        update(HandoverRequest)
        .where(
            col(HandoverRequest.id) == request_id,
            col(HandoverRequest.status) == HandoverStatus.PENDING.value,
        )
        .values(status=status.value, decided_by=viewer.person_id, decided_at=now,
                decline_reason=decline)
    )  # fmt: skip
    await session.refresh(request)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise HandoverAnswered()
    if accept:
        if case.lead_town_id != request.from_town_id:
            raise IllegalTransition(status=case.status)
        previous = case.assignee_id
        case.lead_town_id = request.to_town_id
        case.assignee_id = viewer.person_id
        case.co_mediator_id = previous if previous != viewer.person_id else None
        if case.status == CaseStatus.NEW.value:
            case.status, case.accepted_at = CaseStatus.ACCEPTED.value, now
        case.last_update_at = now
        await session.flush()
    await record_audit(
        session, viewer.person_id, "dispute.handover_" + status.value, "dispute_case",
        case.id, request=request_id,
    )  # fmt: skip
    requester = await session.get(Person, request.requested_by) if request.requested_by else None
    msgid = N_("disputes.handover.accepted") if accept else N_("disputes.handover.declined")
    payload = message_payload(
        msgid, **await case_params(session, case), reason=decline or "",
        name=person.display_name or "—",
    )  # fmt: skip
    key = f"dispute:{case.id}:handover{request_id}:answer"
    await notify(session, requester, OutboxKind.STATUS, payload, dedupe_key=key)
    return request


async def _answerable(
    session: AsyncSession, viewer: Viewer, request_id: int
) -> tuple[HandoverRequest, DisputeCase]:
    """The request and its case, if the viewer may answer it and there is still something to
    answer: ``HandoverAnswered`` once decided, ``IllegalTransition`` once the case is closed."""
    request = await session.get(HandoverRequest, request_id, populate_existing=True)
    if request is None:
        raise CaseNotFound()
    if request.status != HandoverStatus.PENDING.value:
        # answered: perhaps the lead moved to the viewer's town, so they may no longer answer;
        # staff of the case's towns are told it was answered, anyone else learns nothing
        await authorised_case(session, viewer, request.case_id, CaseAction.VIEW_INTERNAL)
        raise HandoverAnswered()
    case = await authorised_case(session, viewer, request.case_id, CaseAction.ANSWER_HANDOVER)
    if CaseStatus(case.status) not in OPEN:
        raise IllegalTransition(status=case.status)
    return request, case


async def handover_to_answer(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], request_id: int
) -> HandoverRequest:
    """The request a mediator is about to answer, checked before they write a reason to decline
    it (``answer_handover`` checks again: someone may answer it meanwhile)."""
    request, _case = await _answerable(session, Viewer.of(person, scopes), request_id)
    return request


async def pending_handover(session: AsyncSession, case: DisputeCase) -> HandoverRequest | None:
    """The case's handover request waiting for an answer, if any."""
    query = select(HandoverRequest).where(
        col(HandoverRequest.case_id) == row_id(case),
        col(HandoverRequest.status) == HandoverStatus.PENDING.value,
    )
    return (await session.execute(query)).scalar_one_or_none()
