"""A joint case through the real Application: both towns alerted, the lead town's mediator
accepts and the other town's takes the co-mediator's seat; the lead asks the other town to
lead, which declines with a reason, then accepts the second request."""

from __future__ import annotations

from bot.context import Services
from models.disputes import CASE, MEDIATOR, HandoverRequest, Parties
from tests.disputes.disputes_support import NAMES, file_report
from tests.disputes.mediator_support import (
    case_row,
    cast_with_users,
    now_of,
    text_of,
    tr,
    with_button,
)
from tests.harness import BotHarness


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
