"""Reporting and accepting: numbers per town and year, routing to the right mediators, and
exactly one winner among 20 concurrent 接案 taps (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.context import Services
from models.core.authz import Role, grant_role
from models.disputes import (
    CaseStatus,
    CaseTaken,
    DisputeCase,
    Parties,
    accept_case,
    set_duty,
)
from tests.disputes.disputes_support import file_report, make_cast, outbox_rows, person_and_scopes
from tests.factories import make_person


async def test_numbers_are_per_town_and_year_and_alerts_reach_on_duty_mediators(
    services: Services,
) -> None:
    cast = await make_cast(services)
    async with services.sessions() as session, session.begin():
        med2, scopes = await person_and_scopes(session, cast.ids["d_med2"])
        await set_duty(session, person=med2, scopes=scopes, on=False)
    first = await file_report(services, cast.ids["d_res"])
    second = await file_report(services, cast.ids["d_res2"])
    assert first.number.startswith("D-") and first.number.endswith("-0001")
    assert second.number.endswith("-0002")
    assert first.status is CaseStatus.NEW and first.first_response_hours == 24
    alerted = {row.person_id for row in await outbox_rows(services, f"dispute:{first.case_id}:")}
    # D's mediator on duty only: not the one off duty, not Q's, not heads or admins.
    assert alerted == {cast.ids["d_med"]}
    rows = await outbox_rows(services, f"dispute:{first.case_id}:alert0")
    assert all(row.urgent and row.kind == "case_alert" for row in rows)


async def test_joint_case_leads_in_respondents_town_and_alerts_both_towns(
    services: Services,
) -> None:
    cast = await make_cast(services)
    receipt = await file_report(services, cast.ids["d_res"], parties=Parties.OTHER_TOWN)
    assert receipt.joint and receipt.number.startswith("Q-")
    alerted = {row.person_id for row in await outbox_rows(services, f"{receipt.case_id}:alert0")}
    assert alerted == {cast.ids["d_med"], cast.ids["d_med2"], cast.ids["q_med"]}
    no_consent = await file_report(
        services, cast.ids["d_res"], parties=Parties.OTHER_TOWN, consent=False
    )
    assert not no_consent.joint and no_consent.number.startswith("D-")
    alerted = {row.person_id for row in await outbox_rows(services, f"{no_consent.case_id}:")}
    assert cast.ids["q_med"] not in alerted


async def test_twenty_concurrent_accepts_give_exactly_one_assignee(services: Services) -> None:
    cast = await make_cast(services)
    mediators = []
    for n in range(20):
        person = await make_person(services.sessions, 8100 + n, "D", name=f"调解员{n}")
        async with services.sessions() as session, session.begin():
            await grant_role(session, person.id or 0, Role.MEDIATOR, cast.towns["D"])
        mediators.append(person.id or 0)
    receipt = await file_report(services, cast.ids["d_res"])

    async def tap(pid: int) -> str:
        async with services.sessions() as session, session.begin():
            person, scopes = await person_and_scopes(session, pid)
            try:
                await accept_case(session, person=person, scopes=scopes, case_id=receipt.case_id)
            except CaseTaken as taken:
                return f"taken:{taken.params['name']}"
            return "won"

    outcomes = await asyncio.gather(*(tap(pid) for pid in mediators))
    assert outcomes.count("won") == 1
    async with services.sessions() as session:
        case = (
            await session.execute(select(DisputeCase).where(DisputeCase.id == receipt.case_id))
        ).scalar_one()
    assert case.status == CaseStatus.ACCEPTED.value
    winner = mediators[outcomes.index("won")]
    assert case.assignee_id == winner
    assert set(outcomes) - {"won"} == {f"taken:调解员{outcomes.index('won')}"}
    # The winner tapping again changes nothing and is no error.
    async with services.sessions() as session, session.begin():
        person, scopes = await person_and_scopes(session, winner)
        again = await accept_case(session, person=person, scopes=scopes, case_id=receipt.case_id)
    assert again.seat == "lead"
    told = await outbox_rows(services, f"dispute:{receipt.case_id}:accepted")
    assert [row.person_id for row in told] == [cast.ids["d_res"]]
