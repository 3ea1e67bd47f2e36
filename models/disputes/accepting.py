"""Taking a case: 接案 with exactly one winner under concurrent taps, the co-mediator's seat of a
joint case, and 转交 (transfer) to another mediator of the lead town."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.core.audit import record_audit
from models.core.authz import Role, Scope
from models.core.base import N_, row_id, utcnow
from models.core.people import Person
from models.disputes.access import CaseAction, Viewer, authorised_case
from models.disputes.errors import CaseTaken, IllegalTransition, NotAMediator
from models.disputes.notices import tell_handling, tell_reporter
from models.disputes.routing import is_town_mediator, staff_of
from models.disputes.tables import OPEN, CaseStatus, DisputeCase


@dataclass(frozen=True)
class Accepted:
    """Who holds the case now: ``seat`` is "lead" (the assignee) or "co" (the co-mediator)."""

    case_id: int
    number: str
    seat: str
    name: str  # the winner's name, for "已由 某某 接案"


async def _name(session: AsyncSession, person_id: int | None) -> str:
    person = await session.get(Person, person_id) if person_id is not None else None
    return (person.display_name if person else None) or "—"


async def accept_case(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    now: datetime | None = None,
) -> Accepted:
    """Take the case: the lead town's mediator becomes its assignee (the first tap wins; the
    others get ``CaseTaken`` naming the winner); on a joint case, the other town's mediator
    takes the co-mediator's seat. Tapping again after winning changes nothing."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.ACCEPT)
    lead = viewer.staff_of(case.lead_town_id)
    if lead:
        result = await session.execute(
            update(DisputeCase)
            .where(
                col(DisputeCase.id) == case_id,
                col(DisputeCase.status) == CaseStatus.NEW.value,
                col(DisputeCase.assignee_id).is_(None),
            )
            .values(
                status=CaseStatus.ACCEPTED.value,
                assignee_id=viewer.person_id,
                accepted_at=now,
                last_update_at=now,
            )
        )
        column = "assignee_id"
    else:
        result = await session.execute(
            update(DisputeCase)
            .where(
                col(DisputeCase.id) == case_id,
                col(DisputeCase.status).in_([s.value for s in OPEN]),
                col(DisputeCase.co_mediator_id).is_(None),
                col(DisputeCase.assignee_id).is_distinct_from(viewer.person_id),
            )
            .values(co_mediator_id=viewer.person_id, last_update_at=now)
        )
        column = "co_mediator_id"
    won = result.rowcount == 1  # type: ignore[attr-defined]
    await session.refresh(case)
    holder = getattr(case, column)
    if not won and holder != viewer.person_id:
        if holder is None:
            raise IllegalTransition(status=case.status)
        raise CaseTaken(name=await _name(session, holder))
    seat = "lead" if lead else "co"
    if won:
        await record_audit(
            session, viewer.person_id, "dispute.accept", "dispute_case", case_id, seat=seat
        )
        if lead:
            await tell_reporter(session, case, "accepted")
    return Accepted(case_id, case.number, seat, await _name(session, viewer.person_id))


async def transfer_candidates(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], case_id: int
) -> list[tuple[int, str]]:
    """The lead town's other mediators a case can be passed to: (id, name)."""
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.VIEW)
    mediators = await staff_of(session, case.lead_town_id, Role.MEDIATOR)
    return [
        (row_id(m), m.display_name or "—")
        for m in mediators
        if m.id not in (viewer.person_id, case.assignee_id)
    ]


async def transfer_case(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    to_person_id: int,
    now: datetime | None = None,
) -> Accepted:
    """Pass the case to another mediator of the lead town (an unaccepted case is assigned)."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await session.get(DisputeCase, case_id)
    unassigned = case is not None and case.assignee_id is None
    action = CaseAction.ACCEPT if unassigned else CaseAction.TRANSFER
    case = await authorised_case(session, viewer, case_id, action)
    if not await is_town_mediator(session, to_person_id, case.lead_town_id):
        raise NotAMediator()
    previous = case.assignee_id
    values: dict[str, object] = {"assignee_id": to_person_id, "last_update_at": now}
    if case.status == CaseStatus.NEW.value:
        values |= {"status": CaseStatus.ACCEPTED.value, "accepted_at": now}
    result = await session.execute(
        update(DisputeCase)
        .where(
            col(DisputeCase.id) == case_id,
            col(DisputeCase.status) == case.status,
            col(DisputeCase.assignee_id).is_not_distinct_from(previous),
            col(DisputeCase.status).in_([s.value for s in OPEN]),
        )
        .values(**values)
    )
    await session.refresh(case)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise IllegalTransition(status=case.status)
    await record_audit(
        session, viewer.person_id, "dispute.transfer", "dispute_case", case_id,
        person=to_person_id, old=previous,
    )  # fmt: skip
    await tell_handling(
        session, case, N_("disputes.transferred"), f"tr{now.timestamp():.0f}",
        only=to_person_id, by=await _name(session, viewer.person_id),
    )  # fmt: skip
    return Accepted(case_id, case.number, "lead", await _name(session, to_person_id))
