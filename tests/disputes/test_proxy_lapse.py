"""A proxy's report the resident never answers lapses after the town's ``proxy_answer_hours``
(48 h): withdrawn, the proxy told once, the resident's question taken back; exactly once,
across a restart of the job, checked through the outbox rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import build_services
from bot.context import Services
from bot.settings import Settings
from jobs.disputes import tick_once
from models.core.base import utcnow
from models.core.outbox import OutboxStatus
from models.core.questions import PendingQuestion
from models.disputes import PROXY_REPORT, CaseStatus, Category, Parties, Report, report_case
from tests.disputes.disputes_support import Cast, make_cast, outbox_rows, person_and_scopes
from tests.disputes.mediator_support import case_row, tr
from tests.harness import BotHarness

T0 = datetime(2026, 12, 5, 23, 30, tzinfo=utcnow().tzinfo)  # any instant: times are passed in
WINDOW = timedelta(hours=48)


async def _proxy_report(services: Services, cast: Cast, now: datetime | None = None) -> int:
    """王阿姨 reports for 李大爷, who has given her no standing consent: the case waits."""
    async with services.sessions() as session, session.begin():
        proxy, _ = await person_and_scopes(session, cast.ids["d_res2"])
        resident, _ = await person_and_scopes(session, cast.ids["d_res"])
        report = Report(Category.NOISE, Parties.SAME_COMMUNITY, description="楼上半夜拖椅子")
        receipt = await report_case(
            session, person=proxy, report=report, resident=resident, now=now
        )
    assert receipt.status is CaseStatus.AWAITING_RESIDENT
    return receipt.case_id


async def test_an_unanswered_proxy_report_lapses_once_across_a_restart(
    services: Services, settings: Settings
) -> None:
    cast = await make_cast(services)
    cid = await _proxy_report(services, cast, now=T0)
    assert (await tick_once(services, T0 + WINDOW - timedelta(minutes=1)))["proxy_lapsed"] == 0
    assert (await case_row(services, cid)).status == CaseStatus.AWAITING_RESIDENT.value
    assert (await tick_once(services, T0 + WINDOW))["proxy_lapsed"] == 1
    assert (await tick_once(services, T0 + WINDOW + timedelta(minutes=1)))["proxy_lapsed"] == 0
    await services.engine.dispose()
    restarted = build_services(settings)
    try:
        assert (await tick_once(restarted, T0 + WINDOW * 3))["proxy_lapsed"] == 0
        case = await case_row(restarted, cid)
        told = await outbox_rows(restarted, f"dispute:{cid}:proxy-lapsed")
        [asked] = await outbox_rows(restarted, f"dispute:{cid}:proxy-ask")
        alerts = await outbox_rows(restarted, f"dispute:{cid}:alert")
    finally:
        await restarted.engine.dispose()
    assert case.status == CaseStatus.WITHDRAWN.value and case.closed_at == T0 + WINDOW
    assert [r.person_id for r in told] == [cast.ids["d_res2"]]  # the proxy, once
    assert told[0].payload["params"] == {"number": case.number, "hours": 48}
    assert asked.status == OutboxStatus.CANCELLED.value  # never delivered: taken back
    assert alerts == []  # no mediator ever heard of it


async def test_a_delivered_question_is_taken_back_and_its_answers_change_nothing(
    harness: BotHarness, services: Services
) -> None:
    cast = await make_cast(services)
    t = tr(services)
    resident, proxy = harness.user(7001), harness.user(7002)
    cid = await _proxy_report(services, cast)
    await harness.drain_outbox()  # the resident's question is on their screen
    async with services.sessions() as session:
        assert await session.get(PendingQuestion, cast.ids["d_res"]) is not None
    assert (await tick_once(services, utcnow() + WINDOW))["proxy_lapsed"] == 1
    async with services.sessions() as session:
        assert await session.get(PendingQuestion, cast.ids["d_res"]) is None
    await harness.drain_outbox()
    case = await case_row(services, cid)
    assert t("disputes.proxy.lapsed", number=case.number, hours=48) in proxy.last_text()
    await resident.send("1")  # was "yes, hand it over": no longer a question
    await resident.forge_tap(PROXY_REPORT.data("ok", cid))  # its old button: refused
    case = await case_row(services, cid)
    assert case.status == CaseStatus.WITHDRAWN.value
    assert await outbox_rows(services, f"dispute:{cid}:alert") == []
