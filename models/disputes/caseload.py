"""What a mediator works from: their cases (/cases), one case with what they may do with it,
and the counts a town admin sees instead of cases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Role, Scope
from models.core.errors import NotAllowed
from models.core.people import Person
from models.core.places import Town
from models.disputes.accepting import _name
from models.disputes.access import STAFF, CaseAction, Viewer, authorised_case, may, may_count
from models.disputes.handover import pending_handover
from models.disputes.labels import category_label, status_label
from models.disputes.mine import CaseCard, CaseLine, case_card
from models.disputes.staff import town_counts
from models.disputes.tables import OPEN, DisputeCase

PAGE_SIZE = 6


@dataclass(frozen=True)
class Caseload:
    """A page of the mediator's cases, open ones first, newest first within."""

    lines: list[CaseLine]
    page: int
    pages: int
    total: int


def _staff_towns(scopes: Iterable[Scope]) -> tuple[bool, set[int]]:
    """(a both-towns grant, the towns) of the scopes' mediator and head grants."""
    grants = [s for s in scopes if s.role in STAFF]
    return any(s.town_id is None for s in grants), {s.town_id for s in grants if s.town_id}


async def staff_cases(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], page: int = 0
) -> Caseload:
    """The cases a mediator may see: their towns' (joint ones included) and those they hold."""
    viewer = Viewer.of(person, scopes)
    everywhere, towns = _staff_towns(viewer.scopes)
    if not everywhere and not towns:
        raise NotAllowed()
    query = select(DisputeCase).where(col(DisputeCase.anonymised_at).is_(None))
    if not everywhere:
        query = query.where(
            or_(
                col(DisputeCase.lead_town_id).in_(towns),
                col(DisputeCase.town_id).in_(towns),
                col(DisputeCase.joint) & col(DisputeCase.reporter_town_id).in_(towns),
                col(DisputeCase.assignee_id) == viewer.person_id,
                col(DisputeCase.co_mediator_id) == viewer.person_id,
            )
        )
    query = query.order_by(col(DisputeCase.created_at).desc(), col(DisputeCase.id).desc())
    cases = [c for c in (await session.execute(query)).scalars() if may(viewer, c, CaseAction.VIEW)]
    cases.sort(key=lambda c: c.status not in {s.value for s in OPEN})  # stable: open first
    pages = max(1, -(-len(cases) // PAGE_SIZE))
    page %= pages
    lines = [
        CaseLine(c.id or 0, c.number, category_label(c.category), status_label(c.status),
                 c.created_at)
        for c in cases[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]  # fmt: skip
    return Caseload(lines, page, pages, len(cases))


@dataclass(frozen=True)
class StaffCase:
    """One case as a mediator sees it, with who holds it and what this viewer may do now."""

    card: CaseCard
    assignee: str | None
    co_mediator: str | None
    lead_town: Town | None
    allowed: frozenset[CaseAction]
    handover_pending: bool
    mine: bool  # the viewer is its assignee or co-mediator


async def staff_case(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], case_id: int
) -> StaffCase:
    """The case for staff (``CaseNotFound`` for anyone who may not handle or view it as staff)."""
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.VIEW_INTERNAL)
    card = await case_card(session, person=person, scopes=scopes, case_id=case_id)
    allowed = frozenset(a for a in CaseAction if may(viewer, case, a))
    return StaffCase(
        card,
        await _name(session, case.assignee_id) if case.assignee_id else None,
        await _name(session, case.co_mediator_id) if case.co_mediator_id else None,
        await session.get(Town, case.lead_town_id),
        allowed,
        await pending_handover(session, case) is not None,
        viewer.person_id in (case.assignee_id, case.co_mediator_id),
    )


@dataclass(frozen=True)
class TownCounts:
    """A town's cases by status: what its admins see."""

    town: Town
    counts: dict[str, int]


async def counts_for(session: AsyncSession, *, scopes: Iterable[Scope]) -> list[TownCounts]:
    """Case counts of every town the scopes may count (an admin of both towns: both)."""
    scopes = list(scopes)
    towns = (await session.execute(select(Town).order_by(col(Town.id)))).scalars().all()
    shown = [t for t in towns if t.id is not None and may_count(scopes, t.id)]
    if not shown:
        raise NotAllowed()
    return [
        TownCounts(t, await town_counts(session, scopes=scopes, town_id=t.id or 0)) for t in shown
    ]


def is_staff(scopes: Iterable[Scope]) -> bool:
    """Whether the scopes hold a mediator's or head of mediation's grant."""
    return any(s.role in (Role.MEDIATOR, Role.MEDIATION_HEAD) for s in scopes)
