"""A joint case through the real Application: both towns alerted, the lead town's mediator
accepts and the other town's takes the co-mediator's seat; the lead asks the other town to
lead, which declines with a reason, then accepts the second request. Declining a request
already answered (or of a withdrawn case) is refused at the tap, before any reason is asked;
one answered while the reason is being written is refused when it comes."""

from __future__ import annotations

from bot.context import Services
from models.disputes import (
    CASE,
    MEDIATOR,
    HandoverRequest,
    Parties,
    accept_case,
    request_handover,
    withdraw_case,
)
from tests.disputes.disputes_support import NAMES, Cast, file_report, person_and_scopes
from tests.disputes.mediator_support import (
    answers,
    case_row,
    cast_with_users,
    now_of,
    text_of,
    tr,
    with_button,
)
from tests.harness import BotHarness, SimUser


async def test_joint_case_handover_declined_then_accepted(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_with_users(harness, services)
    t = tr(services)
    receipt = await file_report(services, cast.ids["d_res"], parties=Parties.OTHER_TOWN)
    assert receipt.joint and receipt.number.startswith("Q-")
    await harness.drain_outbox()
    q_med, d_med, cid = users["q_med"], users["d_med"], receipt.case_id
    accept = CASE.data("acc", cid)
    await q_med.tap(with_button(harness, q_med.id, accept), accept)
    alert = with_button(harness, d_med.id, accept)
    await d_med.tap(alert, accept)
    assert t("disputes_mediator.taken.co", name=NAMES["d_med"], number=receipt.number) in text_of(
        now_of(harness, d_med.id, alert)
    )
    case = await case_row(services, cid)
    assert case.assignee_id == cast.ids["q_med"] and case.co_mediator_id == cast.ids["d_med"]

    screen = with_button(harness, q_med.id, MEDIATOR.data("ho", cid))
    await q_med.tap(screen, MEDIATOR.data("ho", cid))
    await q_med.send("当事人住在D镇，D镇调解更方便")
    assert t("disputes_mediator.done.handover") in "\n".join(
        text_of(m) for m in harness.state.messages(q_med.id)[-3:]
    )
    await harness.drain_outbox()
    async with services.sessions() as session:
        from sqlmodel import col, select

        first = (
            await session.execute(
                select(HandoverRequest).where(col(HandoverRequest.case_id) == cid)
            )
        ).scalar_one()
    decline = CASE.data("hno", first.id or 0)
    await d_med.tap(with_button(harness, d_med.id, decline), decline)
    assert t("disputes_mediator.ask.decline") in d_med.last_text()
    await d_med.send("我们这边调解员这周都不在")
    async with services.sessions() as session:
        answered = await session.get(HandoverRequest, first.id)
    assert answered is not None and answered.status == "declined"
    assert answered.decline_reason == "我们这边调解员这周都不在"
    await harness.drain_outbox()
    told = [text_of(m) for m in harness.state.messages(q_med.id)]
    assert any("我们这边调解员这周都不在" in s for s in told)  # the requester hears why
    assert (await case_row(services, cid)).lead_town_id == cast.towns["Q"]

    await q_med.send("/cases")
    listed = harness.state.last_message(q_med.id)
    assert listed is not None
    await q_med.tap(listed, MEDIATOR.data("case", cid))
    await q_med.tap(now_of(harness, q_med.id, listed), MEDIATOR.data("ho", cid))
    await q_med.send("再请一次：下周当事人在D镇")
    await harness.drain_outbox()
    async with services.sessions() as session:
        second = (
            await session.execute(
                select(HandoverRequest).where(
                    col(HandoverRequest.case_id) == cid, col(HandoverRequest.status) == "pending"
                )
            )
        ).scalar_one()
    ok = CASE.data("hok", second.id or 0)
    await d_med.tap(with_button(harness, d_med.id, ok), ok)
    case = await case_row(services, cid)
    assert case.lead_town_id == cast.towns["D"] and case.assignee_id == cast.ids["d_med"]
    assert case.co_mediator_id == cast.ids["q_med"]
    assert t("disputes_mediator.handover.took") in d_med.last_text()


async def _handover_asked(
    harness: BotHarness, services: Services
) -> tuple[Cast, dict[str, SimUser], int, int]:
    """A joint case led by Q (q_med has it) whose lead Q asked D to take: D's mediators asked."""
    cast, users = await cast_with_users(harness, services)
    receipt = await file_report(services, cast.ids["d_res"], parties=Parties.OTHER_TOWN)
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["q_med"])
        await accept_case(session, person=med, scopes=scopes, case_id=receipt.case_id)
        request = await request_handover(
            session, person=med, scopes=scopes, case_id=receipt.case_id, reason="当事人在D镇"
        )
    await harness.drain_outbox()
    return cast, users, receipt.case_id, request.id or 0


async def _request(services: Services, request_id: int) -> HandoverRequest:
    async with services.sessions() as session:
        found = await session.get(HandoverRequest, request_id)
    assert found is not None
    return found


async def test_declining_an_answered_request_asks_for_no_reason(
    harness: BotHarness, services: Services
) -> None:
    _cast, users, _cid, rid = await _handover_asked(harness, services)
    t = tr(services)
    d_med, d_med2 = users["d_med"], users["d_med2"]
    ok, no = CASE.data("hok", rid), CASE.data("hno", rid)
    await d_med.tap(with_button(harness, d_med.id, ok), ok)  # d_med takes the lead
    await d_med2.tap(with_button(harness, d_med2.id, no), no)  # too late: said at the tap
    answer = answers(harness, d_med2)[-1]
    assert answer["text"] == t("disputes.error.handover_answered") and answer["show_alert"]
    assert t("disputes_mediator.ask.decline") not in d_med2.last_text()
    await d_med2.send("本来想写的理由")  # not taken as a reason: no question was open
    request = await _request(services, rid)
    assert request.status == "accepted" and request.decline_reason is None


async def test_declining_a_request_of_a_withdrawn_case_asks_for_no_reason(
    harness: BotHarness, services: Services
) -> None:
    cast, users, cid, rid = await _handover_asked(harness, services)
    t = tr(services)
    async with services.sessions() as session, session.begin():
        res, scopes = await person_and_scopes(session, cast.ids["d_res"])
        await withdraw_case(session, person=res, scopes=scopes, case_id=cid)
    d_med = users["d_med"]
    no = CASE.data("hno", rid)
    await d_med.tap(with_button(harness, d_med.id, no), no)
    assert answers(harness, d_med)[-1]["text"] == t("disputes.error.transition")
    assert t("disputes_mediator.ask.decline") not in d_med.last_text()
    assert (await _request(services, rid)).status == "pending"


async def test_a_request_answered_while_the_reason_is_written_is_still_refused(
    harness: BotHarness, services: Services
) -> None:
    _cast, users, _cid, rid = await _handover_asked(harness, services)
    t = tr(services)
    d_med, d_med2 = users["d_med"], users["d_med2"]
    ok, no = CASE.data("hok", rid), CASE.data("hno", rid)
    await d_med2.tap(with_button(harness, d_med2.id, no), no)
    assert t("disputes_mediator.ask.decline") in d_med2.last_text()  # still pending: asked
    await d_med.tap(with_button(harness, d_med.id, ok), ok)  # meanwhile d_med accepts
    await d_med2.send("这周我们人手不够")
    told = "\n".join(text_of(m) for m in harness.state.messages(d_med2.id)[-2:])
    assert t("disputes.error.handover_answered") in told
    assert t("disputes_mediator.nothing_saved") in told
    request = await _request(services, rid)
    assert request.status == "accepted" and request.decline_reason is None
