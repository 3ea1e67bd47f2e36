"""Confidentiality: who may do what with a case. The one function handlers and use cases ask.

- A reporter (or the proxy who reported for them) sees their own cases and may withdraw,
  chase, write to the mediator and answer the follow-up.
- Mediators (and the town's head of mediation) see the cases of their town, and the joint
  cases that involve their town; the assignee and co-mediator may also work on them wherever
  the lead moved. Handling (status, notes, outcome, documents) is for the assignee, the
  co-mediator and the lead town's head; relaying to the reporter for the assignee and
  co-mediator.
- Town admins who are not mediators see counts, never a case (``may_count``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.audit import record_audit
from models.core.authz import Role, Scope
from models.core.people import Person
from models.disputes.errors import CaseNotFound
from models.disputes.tables import DisputeCase

STAFF = frozenset({Role.MEDIATOR, Role.MEDIATION_HEAD})


class CaseAction(StrEnum):
    """Everything one can do with a case."""

    VIEW = "view"
    VIEW_INTERNAL = "view_internal"  # internal notes, the reporter's identity unless anonymous
    ACCEPT = "accept"
    TRANSFER = "transfer"
    HANDOVER = "handover"  # ask the other town to take the lead
    ANSWER_HANDOVER = "answer_handover"
    CHANGE_STATUS = "change_status"
    NOTE = "note"
    SET_EXPECTED = "set_expected"
    RECORD_OUTCOME = "record_outcome"
    DOCUMENTS = "documents"
    RELAY_TO_REPORTER = "relay_to_reporter"
    RELAY_TO_MEDIATOR = "relay_to_mediator"
    WITHDRAW = "withdraw"
    CHASE = "chase"
    ANSWER_FOLLOWUP = "answer_followup"


REPORTER_ACTIONS = frozenset(
    {
        CaseAction.VIEW,
        CaseAction.RELAY_TO_MEDIATOR,
        CaseAction.WITHDRAW,
        CaseAction.CHASE,
        CaseAction.ANSWER_FOLLOWUP,
    }
)
HANDLING_ACTIONS = frozenset(
    {
        CaseAction.CHANGE_STATUS,
        CaseAction.NOTE,
        CaseAction.SET_EXPECTED,
        CaseAction.RECORD_OUTCOME,
        CaseAction.DOCUMENTS,
        CaseAction.TRANSFER,
    }
)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the person's id and every role they hold now."""

    person_id: int
    scopes: frozenset[Scope]

    @classmethod
    def of(cls, person: Person, scopes: Iterable[Scope]) -> Viewer:
        """The viewer for ``person`` holding ``scopes``."""
        if person.id is None:
            raise CaseNotFound()
        return cls(person.id, frozenset(scopes))

    def staff_of(self, town_id: int | None, roles: frozenset[Role] = STAFF) -> bool:
        """Whether they hold one of ``roles`` in ``town_id`` (a both-towns grant covers it)."""
        return town_id is not None and any(
            s.role in roles and (s.town_id is None or s.town_id == town_id) for s in self.scopes
        )


def case_towns(case: DisputeCase) -> frozenset[int]:
    """The towns a case involves: the lead town, and both towns' when it is joint."""
    towns = {case.lead_town_id, case.town_id}
    if case.joint and case.reporter_town_id is not None:
        towns.add(case.reporter_town_id)
    return frozenset(towns)


def other_town(case: DisputeCase) -> int | None:
    """The joint case's town that does not lead it (None when not joint)."""
    others = case_towns(case) - {case.lead_town_id}
    return next(iter(others), None) if case.joint else None


def may(viewer: Viewer, case: DisputeCase, action: CaseAction) -> bool:
    """Whether ``viewer`` may do ``action`` with ``case`` (roles and relation, not the status)."""
    pid = viewer.person_id
    own = pid in (case.reporter_id, case.proxy_id)
    # A mediator whose role was taken back no longer handles the cases they held.
    staff = any(s.role in STAFF for s in viewer.scopes)
    handling = staff and pid in (case.assignee_id, case.co_mediator_id)
    town_staff = any(viewer.staff_of(town) for town in case_towns(case))
    # Nobody handles their own case, whatever roles they hold.
    head = not own and viewer.staff_of(case.lead_town_id, frozenset({Role.MEDIATION_HEAD}))
    if action in REPORTER_ACTIONS and own:
        return True
    if action is CaseAction.VIEW:
        return handling or town_staff
    if action is CaseAction.VIEW_INTERNAL or action is CaseAction.ACCEPT:
        return not own and (handling or town_staff)
    if action is CaseAction.RELAY_TO_REPORTER:
        return handling
    if action is CaseAction.HANDOVER:
        return case.joint and ((handling and pid == case.assignee_id) or head)
    if action is CaseAction.ANSWER_HANDOVER:
        return case.joint and not own and viewer.staff_of(other_town(case))
    if action in HANDLING_ACTIONS:
        return handling or head
    return False


def may_count(scopes: Iterable[Scope], town_id: int) -> bool:
    """Whether the scopes may see a town's case counts (its admins, mediators and head)."""
    roles = STAFF | {Role.ADMIN}
    return any(s.role in roles and s.town_id in (None, town_id) for s in scopes)


async def authorised_case(
    session: AsyncSession, viewer: Viewer, case_id: int, action: CaseAction, *, lock: bool = False
) -> DisputeCase:
    """The case if ``viewer`` may do ``action`` with it; ``CaseNotFound`` otherwise (alike for
    a forged id and a case out of reach, so neither tells what exists)."""
    case = await session.get(DisputeCase, case_id, with_for_update=lock)
    if case is None or case.anonymised_at is not None or not may(viewer, case, action):
        raise CaseNotFound()
    return case


async def record_refusal(
    session: AsyncSession, *, person: Person, case_id: int | None, action: str
) -> None:
    """Audit a refused attempt on a case (a forged button); run it after the refusal."""
    await record_audit(session, person.id, "dispute.refused", "dispute_case", case_id, op=action)
