"""/roster's refusals and changes through the real Application: bad answers are explained and
nothing is kept; ending early and removing ask first and write an audit row; forged taps and
people without the role change nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Services
from models.governance import ROSTER
from tests.authz.authz_cast import forge_tap
from tests.governance.roster_support import (
    D_ADMIN,
    D_RESIDENT,
    Q_RESIDENT,
    VOLUNTEER,
    audit_count,
    button_data,
    current,
    inline_with,
    local_today,
    make_cast,
    second,
    secondments,
)
from tests.harness import BotHarness


async def test_bad_answers_are_explained_and_nothing_is_kept(
    harness: BotHarness, services: Services
) -> None:
    await make_cast(services)
    t = services.i18n.translator("zh_CN")
    today = local_today()
    admin = harness.user(D_ADMIN)
    await admin.send("/roster")
    await admin.tap(inline_with(admin, "ro:new"), "ro:new")
    await admin.send("123")  # no letter: not a name
    assert admin.last_text().startswith(t.n("roster.error.name", 20, max=20))
    await admin.send("张明")
    await admin.send("社区副书记")
    await admin.send("不知道")  # a choice-only screen
    assert admin.last_text().startswith(t("roster.again.choose"))
    await admin.choose("Q镇党群服务中心")
    await admin.send("下个月某天")
    assert admin.last_text().startswith(t("roster.error.day"))
    await admin.send((today + timedelta(days=5)).isoformat())
    await admin.send((today + timedelta(days=2)).isoformat())  # before the first day
    assert admin.last_text().startswith(t("roster.error.order"))
    await admin.send((today + timedelta(days=5 + 800)).isoformat())
    assert admin.last_text().startswith(t("roster.error.too_long"))
    await admin.send("2026年2月30日")
    assert admin.last_text().startswith(t("roster.error.day"))
    await admin.send((today + timedelta(days=30)).isoformat())
    await admin.send("周五至周一")  # runs backwards
    assert admin.last_text().startswith(t("roster.error.weekdays"))
    await admin.send("周二、周四")
    await admin.send("17:00-09:00")
    assert admin.last_text().startswith(t("roster.error.hours"))
    await admin.send("9点-12点")
    assert "09:00-12:00" in admin.last_text() and t("roles.weekday.1") in admin.last_text()
    await admin.choose(t("roster.add.drop"))
    assert await secondments(services) == [] and await audit_count(services) == 0


async def test_a_secondment_ending_in_the_past_is_refused(
    harness: BotHarness, services: Services
) -> None:
    await make_cast(services)
    t = services.i18n.translator("zh_CN")
    today = local_today()
    admin = harness.user(D_ADMIN)
    await admin.send("/roster")
    await admin.tap(inline_with(admin, "ro:new"), "ro:new")
    for answer in ("张明", "副书记", "Q镇党群服务中心"):
        await admin.send(answer)
    await admin.send((today - timedelta(days=10)).isoformat())
    await admin.send((today - timedelta(days=1)).isoformat())
    assert admin.last_text().startswith(t("roster.error.past"))
    assert await secondments(services) == []


async def test_ending_early_and_removing(harness: BotHarness, services: Services) -> None:
    await make_cast(services)
    t = services.i18n.translator("zh_CN")
    today = local_today()
    day = timedelta(days=1)
    running = await second(services, name="王芳", first=today - 3 * day, last=today + 20 * day)
    coming = await second(services, name="赵强", first=today + 2 * day, last=today + 9 * day)
    admin = harness.user(D_ADMIN)
    await admin.send("/roster")
    assert "王芳" in admin.last_text() and "赵强" in admin.last_text()
    await admin.tap(current(admin), ROSTER.data("v", running))
    assert button_data(current(admin))[0] == ROSTER.data("list", 0)  # never a destructive first
    await admin.tap(current(admin), ROSTER.data("end", running))
    assert admin.last_text().startswith(t("roster.end.confirm", name="王芳", entry="")[:10])
    await admin.tap(current(admin), ROSTER.data("endok", running))
    assert "王芳" in admin.last_text() and await audit_count(services) == 1
    rows = {row.id: row for row in await secondments(services)}
    assert rows[running].last_day == today - timedelta(days=1) and rows[running].ended_at

    before = [(r.id, r.first_day, r.last_day) for r in await secondments(services)]
    answers = len(admin.state.callback_answers(admin.id))
    await forge_tap(admin, ROSTER.data("endok", coming))  # not begun: remove it instead
    [alert] = admin.state.callback_answers(admin.id)[answers:]
    assert alert["text"] == t("roster.error.not_started") and alert["show_alert"]
    await forge_tap(admin, ROSTER.data("endok", running))  # over already
    assert admin.state.callback_answers(admin.id)[-1]["text"] == t("roster.error.ended")
    assert [(r.id, r.first_day, r.last_day) for r in await secondments(services)] == before

    await admin.send("/roster")
    assert "王芳" not in admin.last_text()  # over: no longer listed
    await admin.tap(current(admin), ROSTER.data("v", coming))
    await admin.tap(current(admin), ROSTER.data("rm", coming))
    await admin.tap(current(admin), ROSTER.data("rmok", coming))
    assert admin.last_text() == t("roster.removed", name="赵强", centre="Q镇党群服务中心（新馆）")
    assert [r.id for r in await secondments(services)] == [running]
    assert await audit_count(services) == 2
    await forge_tap(admin, ROSTER.data("rmok", coming))  # the same tap again: gone
    assert admin.state.callback_answers(admin.id)[-1]["text"] == t("error.not_found")
    assert await audit_count(services) == 2


async def test_people_without_the_role_cannot_manage(
    harness: BotHarness, services: Services
) -> None:
    await make_cast(services)
    t = services.i18n.translator("zh_CN")
    today = local_today()
    kept = await second(services, name="王芳", first=today, last=today + timedelta(days=5))
    for user_id in (Q_RESIDENT, D_RESIDENT, VOLUNTEER):
        user = harness.user(user_id)
        await user.send("/roster")
        assert user.last_text() == t("error.not_allowed")
        for data in (ROSTER.data("rmok", kept), ROSTER.data("endok", kept), ROSTER.data("new")):
            await forge_tap(user, data)
            answer = user.state.callback_answers(user.id)[-1]
            assert answer["text"] == t("error.not_allowed") and answer["show_alert"]
    [row] = await secondments(services)
    assert (row.id, row.last_day, row.ended_at) == (kept, today + timedelta(days=5), None)
    assert await audit_count(services) == 0
