"""Reporting for someone else: found by phone, the resident asked (their typed "1" answers the
question: Feature.questions), the case opening only then; "no" withdraws it."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.disputes import CaseStatus
from tests.disputes.disputes_support import PHONES, outbox_rows
from tests.disputes.report_support import cases, cast_in_chats, nav_ok, tr
from tests.harness import BotHarness


@pytest.mark.parametrize(("typed", "status"), [("1", CaseStatus.NEW), ("3", CaseStatus.WITHDRAWN)])
async def test_proxy_report_waits_for_the_residents_answer(
    harness: BotHarness, services: Services, typed: str, status: CaseStatus
) -> None:
    cast, users = await cast_in_chats(harness)
    proxy, resident, t = users["d_res2"], users["d_res"], tr(services, "zh_CN")
    await proxy.send("/report")
    await proxy.choose(t("report.kind.proxy"))
    assert proxy.last_text() == t("report.ask_phone") and nav_ok(proxy, t)
    await proxy.send("12345")  # nobody: asked again, nothing found
    assert proxy.last_text().endswith(t("report.ask_phone"))
    await proxy.send(PHONES["d_res"])
    assert proxy.last_text().startswith(t("report.ask_resident", name="李*", town="—")[:6])
    await proxy.choose(t("report.resident.yes"))
    await proxy.choose(t("disputes.category.property"))
    await proxy.choose(t("disputes.parties.same_community"))
    await proxy.send("楼上漏水，物业不管")
    await proxy.choose(t("report.describe.done"))
    await proxy.choose(t("disputes.contact.bot"))
    await proxy.choose(t("report.anonymous.no"))
    await proxy.choose(t("report.confirm.send"))
    [case] = await cases(services)
    assert case.reporter_id == cast.ids["d_res"] and case.proxy_id == cast.ids["d_res2"]
    assert case.status == CaseStatus.AWAITING_RESIDENT.value
    assert t("report.receipt.waiting") in proxy.last_text()
    assert await outbox_rows(services, f"dispute:{case.id}:alert0") == []
    await harness.drain_outbox()  # content, not timing: quiet hours aside
    await resident.send(typed)
    [case] = await cases(services)
    assert case.status == status.value
    alerts = await outbox_rows(services, f"dispute:{case.id}:alert0")
    assert bool(alerts) == (status is CaseStatus.NEW)
    expected = "report.proxy.answered.no" if typed == "3" else "report.proxy.answered.yes"
    assert resident.last_text().startswith(t(expected, status=t("disputes.status.new"))[:4])
