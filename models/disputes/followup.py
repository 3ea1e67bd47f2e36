"""The follow-up: N days after resolution the reporter is asked "问题解决了吗？" with 1–5 stars.
"Not solved" reopens the case (back in mediation) and alerts its mediator."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import N_, row_id, utcnow
from models.core.outbox import OutboxKind, inline_keyboard, message_payload, notify
from models.core.people import Person
from models.disputes.access import CaseAction, Viewer, authorised_case
from models.disputes.codes import CASE
from models.disputes.errors import FollowUpClosed, RatingInvalid
from models.disputes.lifecycle import move
from models.disputes.notices import tell_handling
from models.disputes.routing import policy_of
from models.disputes.tables import CaseStatus, DisputeCase

STARS = (
    N_("disputes.followup.star1"),
    N_("disputes.followup.star2"),
    N_("disputes.followup.star3"),
    N_("disputes.followup.star4"),
    N_("disputes.followup.star5"),
)


async def send_followups(session: AsyncSession, now: datetime | None = None) -> int:
    """Ask the reporters of cases resolved long enough ago; each case is asked once."""
    now = now or utcnow()
    resolved = await session.execute(
        select(DisputeCase).where(
            col(DisputeCase.status) == CaseStatus.RESOLVED.value,
            col(DisputeCase.followup_sent_at).is_(None),
            col(DisputeCase.reporter_id).is_not(None),
        )
    )
    sent = 0
    for case in resolved.scalars().all():
        policy = await policy_of(session, case.lead_town_id)
        if case.closed_at is None or case.closed_at > now - timedelta(days=policy.followup_days):
            continue
        claimed = await session.execute(
            update(DisputeCase)
            .where(col(DisputeCase.id) == row_id(case), col(DisputeCase.followup_sent_at).is_(None))
            .values(followup_sent_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        cid = row_id(case)
        stars = [(STARS[n - 1], CASE.data("star", cid, n)) for n in range(5, 0, -1)]
        payload = {
            **message_payload(N_("disputes.followup.ask"), number=case.number),
            "reply_markup": inline_keyboard(
                [("disputes.followup.solved", CASE.data("solved", cid))],
                *[[star] for star in stars],
                [("disputes.followup.unsolved", CASE.data("unsolved", cid))],
            ),
        }
        reporter = await session.get(Person, case.reporter_id)
        key = f"dispute:{cid}:followup"
        sent += await notify(session, reporter, OutboxKind.STATUS, payload, dedupe_key=key)
    return sent


async def answer_followup(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    solved: bool,
    stars: int | None = None,
    now: datetime | None = None,
) -> CaseStatus:
    """Record the reporter's answer, once; not solved reopens the case and alerts its mediator."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.ANSWER_FOLLOWUP, lock=True)
    if stars is not None and not 1 <= stars <= 5:
        raise RatingInvalid()
    if (
        case.followup_sent_at is None
        or case.followup_answered_at is not None  # answered: a second tap changes nothing
        or case.status != CaseStatus.RESOLVED.value
    ):
        raise FollowUpClosed()
    values: dict[str, object] = {"followup_answered_at": now, "solved": solved}
    if stars is not None:
        values["rating"] = stars
    if solved:
        answered = await session.execute(
            update(DisputeCase)
            .where(col(DisputeCase.id) == case_id, col(DisputeCase.followup_answered_at).is_(None))
            .values(**values)
        )
        if answered.rowcount != 1:  # type: ignore[attr-defined]
            raise FollowUpClosed()
        await session.refresh(case)
    else:
        await move(session, case, CaseStatus.IN_MEDIATION, actor_id=viewer.person_id, now=now,
                   values=values)  # fmt: skip
        await tell_handling(session, case, N_("disputes.reopened"), f"reopen{now.timestamp():.0f}")
    await record_audit(
        session, viewer.person_id, "dispute.followup", "dispute_case", case_id,
        solved=solved, stars=stars,
    )  # fmt: skip
    return CaseStatus(case.status)
