"""/mediation through the real Application: a town admin sees the town's SLA timings and
changes one by typing a number (nonsense and a sticker refused politely, nothing changed), and
chooses which mediators take a category. A changed re-alert time changes when the job raises
the case; a changed route changes who gets the next alert; both checked through outbox rows.
A forged tap naming the other town is refused, audited, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bot.context import Services
from models.core.audit import AuditLog
from models.core.base import utcnow
from models.disputes import (
    TOWN_SETTINGS,
    Category,
    CategoryRoute,
    TownPolicy,
    escalate_due,
)
from tests.disputes.disputes_support import file_report, outbox_rows
from tests.disputes.mediator_support import (
    cast_with_users,
    datas,
    labels,
    last,
    speak,
    text_of,
    tr,
    with_button,
)
from tests.harness import BotHarness, SimUser


async def _policy(services: Services, town_id: int) -> TownPolicy | None:
    async with services.sessions() as session:
        return await session.get(TownPolicy, town_id)


async def _routes(services: Services, town_id: int) -> set[tuple[str, int]]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(CategoryRoute).where(col(CategoryRoute.town_id) == town_id)
        )
        return {(r.category, r.mediator_id) for r in rows.scalars()}


def _nav_ok(harness: BotHarness, user: SimUser, back: str, home: str) -> None:
    shown = last(harness, user.id)
    assert back in labels(shown) and home in labels(shown), text_of(shown)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_an_admin_changes_the_realert_time_and_escalation_follows(
    harness: BotHarness, services: Services, lang: str
) -> None:
    cast, users = await cast_with_users(harness, services)
    await speak(services, cast.ids["d_admin"], lang)
    admin, t, d = users["d_admin"], tr(services, lang), cast.towns["D"]
    await admin.send("/mediation")
    screen = last(harness, admin.id)
    assert t("disputes_settings.timing.realert_minutes") in text_of(screen)
    assert t.n("disputes_settings.unit.minutes", 120, count=120) in text_of(screen)
    _nav_ok(harness, admin, t("nav.back"), t("nav.home"))
    ask = TOWN_SETTINGS.data("ask", d, "realert_minutes")
    await admin.tap(screen, ask)
    assert admin.last_text() == t(
        "disputes_settings.ask",
        name=t("disputes_settings.timing.realert_minutes"),
        value=t.n("disputes_settings.unit.minutes", 120, count=120),
        unit=t("disputes_settings.unit_name.minutes"),
        low=10,
        high=2880,
    )
    assert t("nav.back") in admin.buttons() and t("nav.home") in admin.buttons()
    refused = t("disputes_settings.error.number", low=10, high=2880)
    for nonsense in ("两个小时", "5", "99999"):
        await admin.send(nonsense)
        assert admin.last_text().startswith(refused), nonsense
    await admin.sticker()
    assert admin.last_text().startswith(refused)
    await admin.send("600")  # later than the head's 480 minutes: out of order
    assert admin.last_text().startswith(t("disputes_settings.error.order"))
    assert await _policy(services, d) is None  # nothing saved yet
    await admin.send("30")
    policy = await _policy(services, d)
    assert policy is not None and policy.realert_minutes == 30 and policy.head_minutes == 480
    assert t.n("disputes_settings.unit.minutes", 30, count=30) in admin.last_text()
    _nav_ok(harness, admin, t("nav.back"), t("nav.home"))

    start = utcnow()
    case = await file_report(services, cast.ids["d_res"], now=start)
    key = f"dispute:{case.case_id}:alert1"
    async with services.sessions() as session, session.begin():
        await escalate_due(session, start + timedelta(minutes=29))
    assert await outbox_rows(services, key) == []
    async with services.sessions() as session, session.begin():
        await escalate_due(session, start + timedelta(minutes=30))
    rows = await outbox_rows(services, key)
    assert {r.person_id for r in rows} == {cast.ids["d_med"], cast.ids["d_med2"]}


async def test_a_changed_route_changes_who_gets_the_next_alert(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_with_users(harness, services)
    admin, t, d = users["d_admin"], tr(services), cast.towns["D"]
    await admin.send("/mediation")
    routes = TOWN_SETTINGS.data("cats", d)
    await admin.tap(last(harness, admin.id), routes)
    assert t("disputes_settings.routes.everyone") in admin.last_text()
    _nav_ok(harness, admin, t("nav.back"), t("nav.home"))
    noise = TOWN_SETTINGS.data("cat", d, "noise")
    await admin.tap(last(harness, admin.id), noise)
    choose = TOWN_SETTINGS.data("rt", d, "noise", cast.ids["d_med2"])
    assert choose in datas(last(harness, admin.id))
    await admin.tap(last(harness, admin.id), choose)
    assert await _routes(services, d) == {("noise", cast.ids["d_med2"])}
    assert t("disputes_settings.category.chosen", name="周调解") in labels(last(harness, admin.id))
    _nav_ok(harness, admin, t("nav.back"), t("nav.home"))

    first = await file_report(services, cast.ids["d_res"])
    alerted = {r.person_id for r in await outbox_rows(services, f"dispute:{first.case_id}:alert0")}
    assert alerted == {cast.ids["d_med2"]}
    other = await file_report(services, cast.ids["d_res"], category=Category.FAMILY)
    alerted = {r.person_id for r in await outbox_rows(services, f"dispute:{other.case_id}:alert0")}
    assert alerted == {cast.ids["d_med"], cast.ids["d_med2"]}  # other kinds: everyone

    everyone = TOWN_SETTINGS.data("all", d, "noise")
    await admin.tap(with_button(harness, admin.id, everyone), everyone)
    assert await _routes(services, d) == set()
    again = await file_report(services, cast.ids["d_res"])
    alerted = {r.person_id for r in await outbox_rows(services, f"dispute:{again.case_id}:alert0")}
    assert alerted == {cast.ids["d_med"], cast.ids["d_med2"]}


async def test_forged_taps_naming_the_other_town_are_refused_and_audited(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_with_users(harness, services)
    admin, t, q = users["d_admin"], tr(services), cast.towns["Q"]
    await admin.send("/mediation")
    forged = [
        TOWN_SETTINGS.data("town", q),
        TOWN_SETTINGS.data("cats", q),
        TOWN_SETTINGS.data("cat", q, "noise"),
        TOWN_SETTINGS.data("rt", q, "noise", cast.ids["q_med"]),
        TOWN_SETTINGS.data("all", q, "noise"),
        TOWN_SETTINGS.data("ask", q, "realert_minutes"),
    ]
    for data in forged:
        await admin.forge_tap(data)
        assert harness.state.callback_answers(admin.id)[-1]["text"] == t("error.not_allowed")
    await admin.send("5")  # no question is open: nothing is typed into the other town
    assert await _policy(services, q) is None and await _routes(services, q) == set()
    async with services.sessions() as session:
        refused = await session.execute(
            select(func.count()).where(col(AuditLog.action) == "dispute.settings_refused")
        )
    assert refused.scalar_one() == len(forged)
