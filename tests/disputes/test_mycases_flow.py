"""/mycases through the real Application: the list with statuses in plain words, a case's card,
the relay both ways (the mediator's side called on the model), 催办 twice, withdrawing
(confirmed), the follow-up's "not solved" reopening the case, and forged case ids refused and
audited."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.context import Services
from models.core.audit import AuditLog
from models.core.base import utcnow
from models.disputes import (
    CASE,
    CaseStatus,
    DisputeCase,
    RelayMessage,
    accept_case,
    record_outcome,
    relay_to_reporter,
    send_followups,
)
from tests.disputes.disputes_support import file_report, outbox_rows, person_and_scopes
from tests.disputes.report_support import cases, cast_in_chats, nav_ok, tr
from tests.harness import BotHarness


async def _accept(services: Services, mediator_id: int, case_id: int) -> None:
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, mediator_id)
        await accept_case(session, person=med, scopes=scopes, case_id=case_id)


async def test_list_card_and_relay_both_ways(harness: BotHarness, services: Services) -> None:
    cast, users = await cast_in_chats(harness)
    user, t = users["d_res"], tr(services, "zh_CN")
    receipt = await file_report(services, cast.ids["d_res"], description="楼上<i>很吵</i>")
    await _accept(services, cast.ids["d_med"], receipt.case_id)
    await user.send("/mycases")
    line = t("mycases.line", number=receipt.number, kind=t("disputes.category.noise"),
             status=t("disputes.status.accepted"))  # fmt: skip
    assert any(line in b for b in user.buttons()) and nav_ok(user, t)
    await user.choose(receipt.number)
    assert t("mycases.card.words", words="楼上<i>很吵</i>") in user.last_text()
    await user.choose(t("mycases.relay"))
    await user.send("今晚又吵了")
    assert user.last_text().startswith(t("mycases.relay.sent", number=receipt.number))
    await user.voice()
    await user.photo()
    async with services.sessions() as session:
        rows = (await session.execute(select(RelayMessage))).scalars().all()
    assert [(r.kind, r.text) for r in rows] == [
        ("text", "今晚又吵了"),
        ("voice", ""),
        ("photo", ""),
    ]
    await harness.drain_outbox()  # content, not timing: quiet hours aside
    got = harness.state.messages(7011)  # d_med's chat
    assert sorted(m["kind"] for m in got[-3:]) == ["photo", "text", "voice"]
    await user.press(t("nav.home"))
    # The mediator writes back (their side, on the model); the reporter taps ✏️ and answers.
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await relay_to_reporter(session, person=med, scopes=scopes, case_id=receipt.case_id,
                                kind="voice", file_id=rows[1].file_id)  # fmt: skip
    await harness.drain_outbox()  # content, not timing: quiet hours aside
    arrived = harness.state.last_message(7001)
    assert (
        arrived is not None
        and arrived["kind"] == "voice"
        and receipt.number in str(arrived["caption"])
    )
    await user.tap(arrived, CASE.data("reply", receipt.case_id))
    assert user.last_text() == t("mycases.ask_relay")
    await user.send("好的，谢谢")
    async with services.sessions() as session:
        count = len((await session.execute(select(RelayMessage))).scalars().all())
    assert count == 5


async def test_chase_twice_then_withdraw(harness: BotHarness, services: Services) -> None:
    cast, users = await cast_in_chats(harness)
    user, t = users["d_res"], tr(services, "zh_CN")
    receipt = await file_report(services, cast.ids["d_res"])
    await user.send("/mycases")
    await user.choose(receipt.number)
    await user.choose(t("mycases.chase"))
    assert user.last_text().startswith(t("mycases.chased.waiting"))
    [case] = await cases(services)
    assert case.escalation_level == 1
    await user.choose(t("mycases.chase"))
    assert user.last_text().startswith(t.n("disputes.error.chase_soon", 24, hours=24))
    [case] = await cases(services)
    assert case.escalation_level == 1  # unchanged
    await user.choose(t("mycases.withdraw"))
    await user.choose(t("mycases.withdraw.keep"))
    assert (await cases(services))[0].status == CaseStatus.NEW.value
    await user.choose(t("mycases.withdraw"))
    await user.choose(t("mycases.withdraw.sure"))
    assert user.last_text().startswith(t("mycases.withdrawn", number=receipt.number))
    assert (await cases(services))[0].status == CaseStatus.WITHDRAWN.value


async def test_followup_not_solved_reopens_and_tells_the_mediator(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_in_chats(harness)
    user, t = users["d_res"], tr(services, "zh_CN")
    receipt = await file_report(services, cast.ids["d_res"])
    await _accept(services, cast.ids["d_med"], receipt.case_id)
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        await record_outcome(session, person=med, scopes=scopes, case_id=receipt.case_id,
                             outcome="噪音", agreed_terms="晚上十点后不拖椅子")  # fmt: skip
    async with services.sessions() as session, session.begin():
        assert await send_followups(session, utcnow() + timedelta(days=8)) == 1
    await harness.drain_outbox()  # content, not timing: quiet hours aside
    data = CASE.data("unsolved", receipt.case_id)
    [asked] = [m for m in harness.state.messages(7001) if data in str(m.get("reply_markup"))]
    await user.tap(asked, data)
    assert user.last_text() == t("report.followup.reopened")
    [case] = await cases(services)
    assert case.status == CaseStatus.IN_MEDIATION.value and case.solved is False
    told = await outbox_rows(services, f"dispute:{receipt.case_id}:reopen")
    assert [r.person_id for r in told] == [cast.ids["d_med"]]


async def test_forged_case_ids_are_refused_and_audited(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_in_chats(harness)
    t = tr(services, "zh_CN")
    theirs = await file_report(services, cast.ids["d_res2"])
    await _accept(services, cast.ids["d_med"], theirs.case_id)
    intruder = users["d_res"]
    await intruder.send("/mycases")  # nothing of theirs
    assert intruder.last_text().startswith(t("mycases.empty"))
    for action in ("chase", "reply", "unsolved"):
        await intruder.forge_tap(CASE.data(action, theirs.case_id))
    await intruder.forge_tap(CASE.data("star", theirs.case_id, 5))
    async with services.sessions() as session:
        audits = (await session.execute(
            select(AuditLog).where(col(AuditLog.action) == "dispute.refused")
        )).scalars().all()  # fmt: skip
        case = await session.get(DisputeCase, theirs.case_id)
        relays = (await session.execute(select(RelayMessage))).scalars().all()
    assert len(audits) == 4 and {a.actor_id for a in audits} == {cast.ids["d_res"]}
    assert case is not None and case.escalation_level == 0 and case.chase_used_at is None
    assert case.status == CaseStatus.ACCEPTED.value and relays == []
