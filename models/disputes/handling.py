"""A mediator's work on a case: moving it on, internal and public notes, the expected date,
the outcome with the agreed terms; and the reporter withdrawing it. Each is audited, and each
change the reporter should know of tells them in plain words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import N_, row_id, utcnow
from models.core.outbox import OutboxKind, message_payload, notify
from models.core.people import Person
from models.disputes.access import CaseAction, Viewer, authorised_case
from models.disputes.errors import DescriptionTooLong, IllegalTransition, ReasonRequired
from models.disputes.labels import day_param
from models.disputes.lifecycle import move, touch
from models.disputes.notices import tell_handling, tell_reporter
from models.disputes.tables import (
    NOTE_MAX,
    OPEN,
    TERMS_MAX,
    CaseNote,
    CaseStatus,
    Referral,
)

STAFF_TARGETS = frozenset({CaseStatus.IN_MEDIATION, CaseStatus.RESOLVED, CaseStatus.REFERRED})


@dataclass(frozen=True)
class Moved:
    """A case's move: its number, where it was and where it is now."""

    case_id: int
    number: str
    before: CaseStatus
    status: CaseStatus


def _text(value: str | None, limit: int = NOTE_MAX) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise DescriptionTooLong(max=limit)
    return text


async def change_status(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    status: CaseStatus,
    note: str | None = None,
    referral: Referral | None = None,
    now: datetime | None = None,
) -> Moved:
    """Move the case on (in mediation, resolved, or referred with where to); an optional public
    note goes to the reporter with the news."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.CHANGE_STATUS)
    text = _text(note)
    if status not in STAFF_TARGETS or (status is CaseStatus.REFERRED) != (referral is not None):
        raise IllegalTransition(status=case.status)
    extra = {"referred_to": referral.value} if referral is not None else {}
    before = await move(session, case, status, actor_id=viewer.person_id, now=now, values=extra)
    if text:
        session.add(CaseNote(case_id=case_id, author_id=viewer.person_id, public=True, text=text))
    await tell_reporter(session, case, f"st-{status.value}-{now.timestamp():.0f}", text or None)
    return Moved(case_id, case.number, before, status)


async def add_note(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    text: str,
    public: bool,
    now: datetime | None = None,
) -> CaseNote:
    """Keep a note on the case: internal (never shown to parties) or public (the reporter is
    told, with the status in plain words)."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.NOTE)
    body = _text(text)
    if not body:
        raise ReasonRequired()
    note = CaseNote(
        case_id=case_id, author_id=viewer.person_id, public=public, text=body, created_at=now
    )
    session.add(note)
    await touch(session, case, now)
    await record_audit(
        session, viewer.person_id, "dispute.note", "dispute_case", case_id, public=public
    )
    if public:
        await tell_reporter(session, case, f"note{row_id(note)}", body)
    return note


async def set_expected(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    expected_on: date,
    now: datetime | None = None,
) -> date:
    """Set the date the mediator expects to have news by; the reporter is told."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.SET_EXPECTED)
    if CaseStatus(case.status) not in OPEN:
        raise IllegalTransition(status=case.status)
    case.expected_on = expected_on
    await touch(session, case, now)
    await record_audit(
        session, viewer.person_id, "dispute.expected", "dispute_case", case_id,
        on=expected_on.isoformat(),
    )  # fmt: skip
    payload = message_payload(
        N_("disputes.notice.expected"), number=case.number, on=day_param(expected_on)
    )
    for pid in dict.fromkeys([case.reporter_id, case.proxy_id]):
        target = await session.get(Person, pid) if pid is not None else None
        key = f"dispute:{case_id}:exp{expected_on.isoformat()}:r{pid}"
        await notify(session, target, OutboxKind.STATUS, payload, dedupe_key=key)
    return expected_on


async def record_outcome(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    outcome: str,
    agreed_terms: str,
    carry_out: str = "",
    note: str | None = None,
    now: datetime | None = None,
) -> Moved:
    """Record the facts found, the agreed terms and how and by when they are carried out, and
    mark the case resolved (the reporter is told; the follow-up comes later)."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.RECORD_OUTCOME)
    values = {
        "outcome": _text(outcome),
        "agreed_terms": _text(agreed_terms, TERMS_MAX),
        "carry_out": _text(carry_out),
    }
    if not values["agreed_terms"]:
        raise ReasonRequired()
    before = await move(
        session, case, CaseStatus.RESOLVED, actor_id=viewer.person_id, now=now, values=values
    )
    await tell_reporter(session, case, f"st-resolved-{now.timestamp():.0f}", _text(note) or None)
    return Moved(case_id, case.number, before, CaseStatus.RESOLVED)


async def withdraw_case(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    now: datetime | None = None,
) -> Moved:
    """The reporter withdraws their case; its mediators are told."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.WITHDRAW)
    before = await move(session, case, CaseStatus.WITHDRAWN, actor_id=viewer.person_id, now=now)
    await tell_handling(session, case, N_("disputes.withdrawn"), "withdrawn")
    return Moved(case_id, case.number, before, CaseStatus.WITHDRAWN)
