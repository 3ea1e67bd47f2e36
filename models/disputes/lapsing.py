"""A proxy's report the resident never answers lapses: after the lead town's
``proxy_answer_hours`` (48 by default) a case still ``awaiting_resident`` is withdrawn, the
proxy is told once and the resident's question is taken back (the message, if it still waits
in the outbox, and the pending question, if it was delivered).

The move is ``lifecycle.move``'s conditional UPDATE from ``awaiting_resident``, so a resident
answering at the same moment wins or loses cleanly, and the job fires once per case however
often (and in however many processes) it runs; the proxy's message is deduped by key too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.base import N_, row_id, utcnow
from models.core.outbox import OutboxKind, cancel_by_key_prefix, message_payload, notify
from models.core.people import Person
from models.core.questions import PendingQuestion
from models.disputes.errors import IllegalTransition
from models.disputes.lifecycle import move
from models.disputes.reporting import PROXY_REPORT_QUESTION, proxy_ask_key
from models.disputes.routing import policy_of
from models.disputes.tables import CaseStatus, DisputeCase, TownPolicy


async def lapse_proxy_reports(session: AsyncSession, now: datetime | None = None) -> int:
    """Withdraw the proxy reports their resident left unanswered too long; how many."""
    now = now or utcnow()
    policies: dict[int, TownPolicy] = {}
    waiting = await session.execute(
        select(DisputeCase).where(col(DisputeCase.status) == CaseStatus.AWAITING_RESIDENT.value)
    )
    lapsed = 0
    for case in waiting.scalars().all():
        policy = policies.get(case.lead_town_id) or await policy_of(session, case.lead_town_id)
        policies[case.lead_town_id] = policy
        if case.created_at > now - timedelta(hours=policy.proxy_answer_hours):
            continue
        try:
            await move(session, case, CaseStatus.WITHDRAWN, actor_id=None, now=now)
        except IllegalTransition:  # answered (or erased) a moment ago: theirs stands
            continue
        await _take_back_question(session, case)
        await _tell_proxy(session, case, policy.proxy_answer_hours)
        await record_audit(session, None, "dispute.proxy_lapsed", "dispute_case", case.id)
        lapsed += 1
    return lapsed


async def _take_back_question(session: AsyncSession, case: DisputeCase) -> None:
    cid = row_id(case)
    await cancel_by_key_prefix(session, proxy_ask_key(cid), reason="proxy report lapsed")
    if case.reporter_id is not None:
        await session.execute(
            delete(PendingQuestion).where(
                col(PendingQuestion.person_id) == case.reporter_id,
                col(PendingQuestion.kind) == PROXY_REPORT_QUESTION,
                col(PendingQuestion.subject) == str(cid),
            )
        )


async def _tell_proxy(session: AsyncSession, case: DisputeCase, hours: int) -> None:
    if case.proxy_id is None:
        return
    proxy = await session.get(Person, case.proxy_id)
    payload = message_payload(
        N_("disputes.proxy.lapsed"), plural="hours", number=case.number, hours=hours
    )
    key = f"dispute:{row_id(case)}:proxy-lapsed:r{case.proxy_id}"
    await notify(session, proxy, OutboxKind.STATUS, payload, dedupe_key=key)
