"""Privacy: /deleteme removes what a reporter wrote and tells the mediator of the open case;
the retention job anonymises closed cases, keeping only what statistics need; /mydata holds
a person's own cases."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.context import Services
from jobs.disputes import retention_once, tick_once
from models.core.base import utcnow
from models.core.people import Person
from models.disputes import (
    CaseNote,
    DisputeCase,
    accept_case,
    add_note,
    withdraw_case,
)
from models.settings import erase_person, export_person
from tests.disputes.disputes_support import file_report, make_cast, outbox_rows, person_and_scopes


async def test_deleteme_forgets_what_the_reporter_wrote_and_tells_the_mediator(
    services: Services,
) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], description="隔壁老王天天吵")
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await accept_case(session, person=med, scopes=scopes, case_id=case.case_id)
    async with services.sessions() as session:
        res = await session.get(Person, cast.ids["d_res"])
        assert res is not None
        export = await export_person(session, res)
    assert [row["number"] for row in export["related"]["dispute_case"]] == [case.number]
    async with services.sessions() as session, session.begin():
        res = await session.get(Person, cast.ids["d_res"])
        assert res is not None
        await erase_person(session, res)
    async with services.sessions() as session:
        row = await session.get(DisputeCase, case.case_id)
    assert row is not None
    assert (row.reporter_id, row.description, row.status) == (None, "", "accepted")
    assert row.reporter_erased_at is not None
    told = await outbox_rows(services, ":erased")
    assert [r.person_id for r in told] == [cast.ids["d_med"]]


async def test_retention_anonymises_closed_cases_only_after_the_period(
    services: Services,
) -> None:
    cast = await make_cast(services)
    closed = await file_report(services, cast.ids["d_res"])
    still_open = await file_report(services, cast.ids["d_res"])
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await accept_case(session, person=med, scopes=scopes, case_id=closed.case_id)
        await add_note(
            session, person=med, scopes=scopes, case_id=closed.case_id, text="内部", public=False
        )
    async with services.sessions() as session, session.begin():
        res, scopes = await person_and_scopes(session, cast.ids["d_res"])
        await withdraw_case(session, person=res, scopes=scopes, case_id=closed.case_id)
    assert await retention_once(services, utcnow() + timedelta(days=729)) == 0
    assert await retention_once(services, utcnow() + timedelta(days=731)) == 1
    assert await retention_once(services, utcnow() + timedelta(days=800)) == 0
    async with services.sessions() as session:
        gone = await session.get(DisputeCase, closed.case_id)
        kept = await session.get(DisputeCase, still_open.case_id)
        notes = (
            await session.execute(select(CaseNote).where(col(CaseNote.case_id) == closed.case_id))
        ).all()
    assert gone is not None and kept is not None
    assert (gone.reporter_id, gone.description, gone.category, gone.status) == (
        None, "", "noise", "withdrawn"
    )  # fmt: skip
    assert notes == [] and kept.description and kept.anonymised_at is None


async def test_the_minute_job_escalates(services: Services) -> None:
    cast = await make_cast(services)
    await file_report(services, cast.ids["d_res"])
    counts = await tick_once(services, utcnow() + timedelta(hours=3))
    assert counts == {"raised": 1, "nudged": 0, "followups": 0, "proxy_lapsed": 0}
