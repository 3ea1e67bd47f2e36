"""What people see of cases: a resident's own list (status in plain words) and one case's card,
shown as much as the viewer may see (``access``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Scope
from models.core.people import Person, mask_phone
from models.disputes.access import CaseAction, Viewer, authorised_case, may
from models.disputes.labels import category_label, status_label
from models.disputes.tables import CaseNote, CaseStatus, Contact, DisputeCase


@dataclass(frozen=True)
class CaseLine:
    """One line of /mycases: number, category and status as message ids, when reported."""

    case_id: int
    number: str
    category: str
    status: str
    reported_at: datetime


async def my_cases(session: AsyncSession, *, person: Person) -> list[CaseLine]:
    """The person's own cases (reported by them or for them), newest first."""
    query = (
        select(DisputeCase)
        .where(
            or_(col(DisputeCase.reporter_id) == person.id, col(DisputeCase.proxy_id) == person.id),
            col(DisputeCase.anonymised_at).is_(None),
        )
        .order_by(col(DisputeCase.created_at).desc(), col(DisputeCase.id).desc())
    )
    return [
        CaseLine(
            c.id or 0, c.number, category_label(c.category), status_label(c.status), c.created_at
        )
        for c in (await session.execute(query)).scalars()
    ]


@dataclass(frozen=True)
class NoteView:
    """A note as shown: its text (as written), public or internal, when."""

    text: str
    public: bool
    at: datetime


@dataclass(frozen=True)
class CaseCard:
    """A case as the viewer may see it. ``reporter_name`` / ``reporter_phone`` are None when
    the reporter is anonymous or the viewer may not know (the phone only if they chose it)."""

    case_id: int
    number: str
    status: CaseStatus
    category: str
    parties: str
    description: str
    attachments: list[dict[str, str]]
    anonymous: bool
    joint: bool
    lead_town_id: int
    expected_on: date | None
    reporter_name: str | None
    reporter_phone: str | None
    notes: list[NoteView]
    staff: bool  # the viewer sees it as staff (internal notes, buttons to handle it)


async def case_card(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], case_id: int
) -> CaseCard:
    """The case for its reporter (public notes) or for staff (all notes; identity unless
    anonymous); ``CaseNotFound`` for anyone else."""
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.VIEW)
    staff = may(viewer, case, CaseAction.VIEW_INTERNAL)
    name = phone = None
    reporter = await session.get(Person, case.reporter_id) if case.reporter_id else None
    if reporter is not None and (not staff or not case.anonymous):
        name = reporter.display_name
        shared = case.contact == Contact.PHONE.value or not staff
        phone = (reporter.phone if staff else mask_phone(reporter.phone)) if shared else None
    query = select(CaseNote).where(col(CaseNote.case_id) == case_id).order_by(col(CaseNote.id))
    notes = [
        NoteView(n.text, n.public, n.created_at)
        for n in (await session.execute(query)).scalars()
        if staff or n.public
    ]
    return CaseCard(
        case_id, case.number, CaseStatus(case.status), category_label(case.category),
        case.parties, case.description, list(case.attachments), case.anonymous, case.joint,
        case.lead_town_id, case.expected_on, name, phone, notes, staff,
    )  # fmt: skip
