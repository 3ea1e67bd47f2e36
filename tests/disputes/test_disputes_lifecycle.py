"""The lifecycle refuses illegal moves and leaves the data unchanged; notes, relay, handover and
the follow-up; and an anonymous reporter's identity reaches no outbox row addressed to staff."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.context import Services
from models.core.base import utcnow
from models.disputes import (
    CaseStatus,
    DisputeCase,
    IllegalTransition,
    Parties,
    Referral,
    accept_case,
    add_note,
    answer_followup,
    answer_handover,
    change_status,
    record_outcome,
    relay_to_mediator,
    relay_to_reporter,
    request_handover,
    send_followups,
    withdraw_case,
)
from tests.disputes.disputes_support import (
    NAMES,
    PHONES,
    ROLES,
    file_report,
    make_cast,
    outbox_rows,
    person_and_scopes,
)

T0 = datetime(2026, 12, 31, 23, 30, tzinfo=utcnow().tzinfo)


async def _as(services: Services, pid: int, use_case, **kwargs):  # type: ignore[no-untyped-def]
    async with services.sessions() as session, session.begin():
        person, scopes = await person_and_scopes(session, pid)
        return await use_case(session, person=person, scopes=scopes, **kwargs)


async def _row(services: Services, case_id: int) -> dict:  # type: ignore[type-arg]
    async with services.sessions() as session:
        case = await session.get(DisputeCase, case_id)
        assert case is not None
        return case.model_dump()


async def test_illegal_moves_are_refused_and_change_nothing(services: Services) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["d_res"], now=T0)
    med = cast.ids["d_med"]
    await _as(services, med, accept_case, case_id=case.case_id)
    await _as(services, cast.ids["d_res"], withdraw_case, case_id=case.case_id)
    before = await _row(services, case.case_id)
    for status in (CaseStatus.IN_MEDIATION, CaseStatus.RESOLVED):
        with pytest.raises(IllegalTransition):
            await _as(services, med, change_status, case_id=case.case_id, status=status)
    with pytest.raises(IllegalTransition):
        await _as(services, med, change_status, case_id=case.case_id,
                  status=CaseStatus.REFERRED, referral=Referral.COURT)  # fmt: skip
    with pytest.raises(IllegalTransition):
        await _as(services, cast.ids["d_res"], withdraw_case, case_id=case.case_id)
    assert await _row(services, case.case_id) == before
    fresh = await file_report(services, cast.ids["d_res"])
    await _as(services, med, accept_case, case_id=fresh.case_id)
    with pytest.raises(IllegalTransition):  # referred needs where to
        await _as(services, med, change_status, case_id=fresh.case_id, status=CaseStatus.REFERRED)


async def test_case_from_report_to_follow_up_with_notes_relay_and_reopen(
    services: Services,
) -> None:
    cast = await make_cast(services)
    res, med = cast.ids["d_res"], cast.ids["d_med"]
    case = await file_report(services, res, now=T0)
    await _as(services, med, accept_case, case_id=case.case_id)
    await _as(services, med, add_note, case_id=case.case_id, text="内部：楼上是租户", public=False)
    await _as(services, med, change_status, case_id=case.case_id,
              status=CaseStatus.IN_MEDIATION, note="周六上午在活动室见面")  # fmt: skip
    await _as(services, med, relay_to_reporter, case_id=case.case_id, kind="text", text="您好")
    await _as(services, res, relay_to_mediator, case_id=case.case_id, kind="voice",
              file_id="VOICE-1")  # fmt: skip
    await _as(services, med, record_outcome, case_id=case.case_id,
              outcome="晚上十点后不拖椅子", agreed_terms="加装椅脚垫",
              carry_out="一周内")  # fmt: skip
    told = [r.payload for r in await outbox_rows(services) if r.person_id == res]
    texts = json.dumps(told, ensure_ascii=False)
    assert "周六上午在活动室见面" in texts and "内部：楼上是租户" not in texts
    assert any(p.get("params", {}).get("text") == "您好" for p in told)
    to_med = [r.payload for r in await outbox_rows(services, ":relay") if r.person_id == med]
    assert to_med[0]["voice"] == "VOICE-1" and to_med[0]["params"]["name"] == NAMES["d_res"]
    async with services.sessions() as session, session.begin():
        assert await send_followups(session, utcnow() + timedelta(days=6)) == 0
    async with services.sessions() as session, session.begin():
        assert await send_followups(session, utcnow() + timedelta(days=8)) == 1
    async with services.sessions() as session, session.begin():
        assert await send_followups(session, utcnow() + timedelta(days=9)) == 0
    status = await _as(services, res, answer_followup, case_id=case.case_id, solved=False, stars=2)
    assert status is CaseStatus.IN_MEDIATION
    row = await _row(services, case.case_id)
    assert (row["rating"], row["solved"], row["closed_at"]) == (2, False, None)
    reopened = await outbox_rows(services, ":reopen")
    assert [r.person_id for r in reopened] == [med]


async def test_joint_case_handover_declined_then_accepted(services: Services) -> None:
    cast = await make_cast(services)
    case = await file_report(services, cast.ids["q_res"], parties=Parties.OTHER_TOWN)
    assert case.number.startswith("D-")  # the respondent's town leads
    await _as(services, cast.ids["d_med"], accept_case, case_id=case.case_id)
    co = await _as(services, cast.ids["q_med"], accept_case, case_id=case.case_id)
    assert co.seat == "co"
    first = await _as(services, cast.ids["d_med"], request_handover, case_id=case.case_id,
                      reason="对方住在启东，上门方便")  # fmt: skip
    await _as(services, cast.ids["q_med"], answer_handover, request_id=first.id, accept=False,
              reason="这周人手不够")  # fmt: skip
    second = await _as(services, cast.ids["d_med"], request_handover, case_id=case.case_id,
                       reason="再请考虑")  # fmt: skip
    await _as(services, cast.ids["q_med"], answer_handover, request_id=second.id, accept=True)
    row = await _row(services, case.case_id)
    assert (row["lead_town_id"], row["assignee_id"], row["co_mediator_id"]) == (
        cast.towns["Q"], cast.ids["q_med"], cast.ids["d_med"]
    )  # fmt: skip
    answers = [r.payload["msgid"] for r in await outbox_rows(services, ":answer")]
    assert answers == ["disputes.handover.declined", "disputes.handover.accepted"]


async def test_anonymous_reporter_identity_reaches_no_staff_payload(services: Services) -> None:
    cast = await make_cast(services)
    res = cast.ids["d_res"]
    case = await file_report(services, res, parties=Parties.OTHER_TOWN, anonymous=True, now=T0)
    async with services.sessions() as session, session.begin():
        from models.disputes import escalate_due

        await escalate_due(session, T0 + timedelta(hours=30))
    await _as(services, cast.ids["q_med"], accept_case, case_id=case.case_id)
    await _as(services, res, relay_to_mediator, case_id=case.case_id, kind="text", text="在吗")
    await _as(services, res, relay_to_mediator, case_id=case.case_id, kind="photo",
              file_id="PHOTO-1")  # fmt: skip
    tg = ROLES["d_res"][0]
    secrets = [NAMES["d_res"], PHONES["d_res"], PHONES["d_res"][-4:], str(tg)]
    staff_rows = [r for r in await outbox_rows(services) if r.person_id != res]
    assert len(staff_rows) >= 8  # alerts, escalations, relays: the scan has something to scan
    for row in staff_rows:
        text = json.dumps(row.payload, ensure_ascii=False)
        assert not any(secret in text for secret in secrets), row.dedupe_key
        assert row.chat_id != tg
    relays = [r for r in staff_rows if ":relay" in r.dedupe_key]
    assert relays and all(r.payload["params"]["name"]["msgid"] == "disputes.anonymous"
                          for r in relays)  # fmt: skip
    async with services.sessions() as session:
        mine = (
            await session.execute(select(DisputeCase).where(col(DisputeCase.id) == case.case_id))
        ).scalar_one()
    assert mine.anonymous and mine.reporter_id == res
