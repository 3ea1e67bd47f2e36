"""The permission matrix: every action × role × relation to the case (own, same town, other
town, joint, and being its mediator), against the one permission function; and a forged id."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, Scope
from models.disputes import (
    CaseAction,
    CaseNotFound,
    DisputeCase,
    Viewer,
    authorised_case,
    may,
    may_count,
    record_refusal,
)
from tests.disputes.disputes_support import file_report, make_cast, person_and_scopes

A = CaseAction
D, Q = 1, 2
ME, OTHER, ASSIGNEE = 10, 20, 30
REPORTER = {A.VIEW, A.RELAY_TO_MEDIATOR, A.WITHDRAW, A.CHASE, A.ANSWER_FOLLOWUP}
HANDLING = {A.CHANGE_STATUS, A.NOTE, A.SET_EXPECTED, A.RECORD_OUTCOME, A.DOCUMENTS, A.TRANSFER}
SEE = {A.VIEW, A.VIEW_INTERNAL, A.ACCEPT}


def _new(**columns: Any) -> DisputeCase:
    return DisputeCase(number="X", category="noise", parties="same_community", **columns)


def _case(relation: str) -> DisputeCase:
    """A case in ``relation`` to a viewer ``ME`` of town D."""
    if relation == "own":
        return _new(town_id=D, lead_town_id=D, reporter_id=ME, reporter_town_id=D)
    if relation == "same_town":
        return _new(town_id=D, lead_town_id=D, reporter_id=OTHER, reporter_town_id=D)
    if relation == "other_town":
        return _new(town_id=Q, lead_town_id=Q, reporter_id=OTHER, reporter_town_id=Q)
    if relation == "joint":  # led by Q, reported from D: D is the other town on it
        return _new(
            town_id=Q, lead_town_id=Q, joint=True, reporter_id=OTHER, reporter_town_id=D,
            assignee_id=ASSIGNEE,
        )  # fmt: skip
    if relation == "mine":  # D's case, ME its mediator
        return _new(
            town_id=D, lead_town_id=D, reporter_id=OTHER, reporter_town_id=D, assignee_id=ME
        )
    if relation == "joint_mine":  # a joint case led by D, ME its mediator
        return _new(
            town_id=D, lead_town_id=D, joint=True, reporter_id=OTHER, reporter_town_id=Q,
            assignee_id=ME,
        )  # fmt: skip
    raise ValueError(relation)


ROLES = {
    "resident": [Scope(Role.RESIDENT, D)],
    "mediator": [Scope(Role.RESIDENT, D), Scope(Role.MEDIATOR, D)],
    "head": [Scope(Role.RESIDENT, D), Scope(Role.MEDIATION_HEAD, D)],
    "admin": [Scope(Role.RESIDENT, D), Scope(Role.ADMIN, D)],
    "global_admin": [Scope(Role.RESIDENT, D), Scope(Role.ADMIN, None)],
    "admin_mediator": [Scope(Role.RESIDENT, D), Scope(Role.ADMIN, D), Scope(Role.MEDIATOR, D)],
}
MEDIATING = {
    "own": REPORTER,
    "same_town": SEE,
    "other_town": set(),
    "joint": SEE | {A.ANSWER_HANDOVER},
    "mine": SEE | HANDLING | {A.RELAY_TO_REPORTER},
    "joint_mine": SEE | HANDLING | {A.RELAY_TO_REPORTER, A.HANDOVER},
}
NOBODY = {
    "own": REPORTER,
    "same_town": set(),
    "other_town": set(),
    "joint": set(),
    "mine": set(),
    "joint_mine": set(),
}
EXPECTED: dict[str, dict[str, set[CaseAction]]] = {
    "resident": NOBODY,
    "admin": NOBODY,
    "global_admin": NOBODY,
    "mediator": MEDIATING,
    "admin_mediator": MEDIATING,
    "head": {
        **MEDIATING,
        "same_town": SEE | HANDLING,
        "joint_mine": SEE | HANDLING | {A.RELAY_TO_REPORTER, A.HANDOVER},
    },
}


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("relation", sorted(MEDIATING))
@pytest.mark.parametrize("action", list(CaseAction))
def test_permission_matrix(role: str, relation: str, action: CaseAction) -> None:
    viewer = Viewer(ME, frozenset(ROLES[role]))
    expected = action in EXPECTED[role][relation]
    assert may(viewer, _case(relation), action) is expected


def test_admins_see_counts_of_their_town_only() -> None:
    assert may_count(ROLES["admin"], D) and not may_count(ROLES["admin"], Q)
    assert may_count(ROLES["global_admin"], Q)
    assert may_count(ROLES["mediator"], D) and not may_count(ROLES["resident"], D)


async def test_a_forged_case_id_is_refused_alike_and_audited(services: Services) -> None:
    cast = await make_cast(services)
    q_case = await file_report(services, cast.ids["q_res"])
    for case_id in (q_case.case_id, 999_999):
        with pytest.raises(CaseNotFound):
            async with services.sessions() as session, session.begin():
                med, scopes = await person_and_scopes(session, cast.ids["d_med"])
                await authorised_case(session, Viewer.of(med, scopes), case_id, A.VIEW)
        async with services.sessions() as session, session.begin():
            med, _ = await person_and_scopes(session, cast.ids["d_med"])
            await record_refusal(session, person=med, case_id=case_id, action=A.VIEW.value)
    async with services.sessions() as session:
        rows = await session.execute(
            select(AuditLog).where(col(AuditLog.action) == "dispute.refused")
        )
        refused = [(r.actor_id, r.subject_id) for r in rows.scalars()]
    assert refused == [(cast.ids["d_med"], q_case.case_id), (cast.ids["d_med"], 999_999)]
