"""Privacy: closed cases are anonymised after the town's retention period, keeping only what
statistics need (towns, category, status, dates, rating); /deleteme anonymises a person's side
of their cases before their rows go, and tells the mediators of the open ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.base import N_, row_id, utcnow
from models.core.people import Person
from models.disputes.notices import tell_handling
from models.disputes.routing import policy_of
from models.disputes.tables import (
    CLOSED,
    OPEN,
    CaseNote,
    CaseStatus,
    Contact,
    DisputeCase,
    RelayMessage,
)

_FORGOTTEN = {"description": "", "attachments": [], "contact": Contact.BOT.value}


async def anonymise_closed(session: AsyncSession, now: datetime | None = None) -> int:
    """Anonymise cases closed longer ago than their lead town's retention; how many."""
    now = now or utcnow()
    closed = await session.execute(
        select(DisputeCase).where(
            col(DisputeCase.status).in_([s.value for s in CLOSED]),
            col(DisputeCase.anonymised_at).is_(None),
            col(DisputeCase.closed_at).is_not(None),
        )
    )
    done = 0
    for case in closed.scalars().all():
        policy = await policy_of(session, case.lead_town_id)
        if case.closed_at is None or case.closed_at > now - timedelta(days=policy.retention_days):
            continue
        cid = row_id(case)
        await session.execute(
            update(DisputeCase)
            .where(col(DisputeCase.id) == cid)
            .values(
                **_FORGOTTEN, reporter_id=None, proxy_id=None, outcome=None, agreed_terms=None,
                carry_out=None, anonymised_at=now,
            )
        )  # fmt: skip
        await session.execute(delete(CaseNote).where(col(CaseNote.case_id) == cid))
        await session.execute(delete(RelayMessage).where(col(RelayMessage.case_id) == cid))
        await record_audit(session, None, "dispute.anonymise", "dispute_case", cid)
        done += 1
    return done


async def forget_reporter(session: AsyncSession, person: Person) -> int:
    """Before erasure: remove what the person wrote in their cases (the description, photos
    and voice, their relay messages) and tell the mediators of the open ones; how many cases."""
    pid = row_id(person)
    now = utcnow()
    cases = await session.execute(
        select(DisputeCase).where(
            or_(col(DisputeCase.reporter_id) == pid, col(DisputeCase.proxy_id) == pid)
        )
    )
    count = 0
    for case in cases.scalars().all():
        cid = row_id(case)
        await session.execute(
            update(RelayMessage)
            .where(col(RelayMessage.case_id) == cid, col(RelayMessage.sender_id) == pid)
            .values(text="", file_id=None)
        )
        if case.reporter_id != pid:
            continue  # a proxy's own rows are unlinked by the erasure itself
        case.description, case.attachments, case.contact = "", [], Contact.BOT.value
        case.reporter_erased_at, case.last_update_at = now, now
        if case.status == CaseStatus.AWAITING_RESIDENT.value:
            case.status, case.closed_at = CaseStatus.WITHDRAWN.value, now
        await session.flush()
        if CaseStatus(case.status) in OPEN:
            await tell_handling(session, case, N_("disputes.reporter_left"), "erased")
        await record_audit(session, None, "dispute.reporter_erased", "dispute_case", cid)
        count += 1
    return count
