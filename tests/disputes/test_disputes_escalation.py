"""SLA escalation with a controllable clock: each level fires exactly once, survives a restart
(a new engine), and alerts nobody twice; checked through the outbox rows. Nudges and 催办 too."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from bot.app import build_services
from bot.context import Services
from bot.settings import Settings
from models.core.base import utcnow
from models.disputes import ChaseTooSoon, accept_case, add_note, chase, escalate_due
from tests.disputes.disputes_support import file_report, make_cast, outbox_rows, person_and_scopes

T0 = datetime(2026, 12, 5, 23, 30, tzinfo=utcnow().tzinfo)  # any instant: times are passed in


async def _tick(services: Services, at: datetime) -> dict[str, int]:
    async with services.sessions() as session, session.begin():
        return await escalate_due(session, at)


def _levels(rows: list) -> Counter[str]:  # type: ignore[type-arg]
    return Counter(row.dedupe_key.split(":")[2] for row in rows)


async def test_each_level_fires_once_and_survives_a_restart(
    services: Services, settings: Settings
) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], now=T0)
    key = f"dispute:{case.case_id}:"
    assert await _tick(services, T0 + timedelta(minutes=119)) == {"raised": 0, "nudged": 0}
    assert _levels(await outbox_rows(services, key)) == {"alert0": 2}
    for _ in range(2):
        await _tick(services, T0 + timedelta(hours=2))
    rows = await outbox_rows(services, key)
    assert _levels(rows) == {"alert0": 2, "alert1": 2}
    assert {r.person_id for r in rows if "alert1" in r.dedupe_key} == {
        cast.ids["d_med"], cast.ids["d_med2"]
    }  # fmt: skip
    await _tick(services, T0 + timedelta(hours=8))
    await services.engine.dispose()
    restarted = build_services(settings)
    try:
        await _tick(restarted, T0 + timedelta(hours=8, minutes=1))
        await _tick(restarted, T0 + timedelta(hours=24))
        await _tick(restarted, T0 + timedelta(hours=48))
        rows = await outbox_rows(restarted, key)
    finally:
        await restarted.engine.dispose()
    assert _levels(rows) == {"alert0": 2, "alert1": 2, "esc2": 1, "esc3": 2}
    assert {r.person_id for r in rows if "esc2" in r.dedupe_key} == {cast.ids["d_head"]}
    assert {r.person_id for r in rows if "esc3" in r.dedupe_key} == {
        cast.ids["d_admin"], cast.ids["q_admin"]
    }  # fmt: skip
    assert all(r.urgent for r in rows if r.person_id != cast.ids["d_res"])
    assert len({(r.chat_id, r.dedupe_key) for r in rows}) == len(rows)


async def test_a_job_down_for_a_day_fires_every_level_once_in_one_pass(
    services: Services,
) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], now=T0)
    assert (await _tick(services, T0 + timedelta(hours=30)))["raised"] == 3
    assert (await _tick(services, T0 + timedelta(hours=31)))["raised"] == 0
    rows = await outbox_rows(services, f"dispute:{case.case_id}:")
    assert _levels(rows) == {"alert0": 2, "alert1": 2, "esc2": 1, "esc3": 2}


async def test_an_accepted_case_stops_escalating(services: Services) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], now=T0)
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await accept_case(session, person=med, scopes=scopes, case_id=case.case_id, now=T0)
    assert (await _tick(services, T0 + timedelta(hours=30)))["raised"] == 0


async def test_chase_raises_one_level_once_per_period(services: Services) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], now=T0)
    async with services.sessions() as session, session.begin():
        res, scopes = await person_and_scopes(session, cast.ids["d_res"])
        chased = await chase(
            session, person=res, scopes=scopes, case_id=case.case_id, now=T0 + timedelta(hours=1)
        )
    assert chased.level == 1
    with pytest.raises(ChaseTooSoon) as soon:
        async with services.sessions() as session, session.begin():
            res, scopes = await person_and_scopes(session, cast.ids["d_res"])
            await chase(
                session, person=res, scopes=scopes, case_id=case.case_id,
                now=T0 + timedelta(hours=3),
            )  # fmt: skip
    assert soon.value.params == {"hours": 22}
    # The job does not fire level 1 again; level 2 comes on its own time.
    await _tick(services, T0 + timedelta(hours=8))
    rows = await outbox_rows(services, f"dispute:{case.case_id}:")
    assert _levels(rows) == {"alert0": 2, "alert1": 2, "esc2": 1}


async def test_a_quiet_case_nudges_its_mediator_once_per_quiet_spell(
    services: Services,
) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], now=T0)
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await accept_case(session, person=med, scopes=scopes, case_id=case.case_id, now=T0)
    assert (await _tick(services, T0 + timedelta(days=2, hours=23)))["nudged"] == 0
    assert (await _tick(services, T0 + timedelta(days=3)))["nudged"] == 1
    assert (await _tick(services, T0 + timedelta(days=5)))["nudged"] == 0
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await add_note(
            session, person=med, scopes=scopes, case_id=case.case_id, text="约了双方周六见面",
            public=False, now=T0 + timedelta(days=5),
        )  # fmt: skip
    assert (await _tick(services, T0 + timedelta(days=8)))["nudged"] == 1
    nudges = [r for r in await outbox_rows(services, ":nudge") if r.person_id]
    assert [r.person_id for r in nudges] == [cast.ids["d_med"]] * 2
