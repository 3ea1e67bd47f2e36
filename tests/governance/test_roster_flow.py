"""The staff exchange roster through the real Application: an admin adds a secondment step by
step; a resident asks who is on duty today and sees exactly today's people, in either language;
the day after the last day it is gone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine

from bot.context import Services
from bot.timefmt import format_day
from tests.governance.roster_support import (
    D_ADMIN,
    Q_RESIDENT,
    SHANGHAI,
    inline_with,
    local_today,
    make_cast,
    second,
    secondments,
)
from tests.harness import BotHarness, SimUser

Q_CENTRE = {
    "zh_CN": "Q镇党群服务中心（新馆）",
    "en": "Q town Party-Mass Service Centre (new building)",
}
D_TOWN = {"zh_CN": "崇明区D镇", "en": "D town (Chongming, Shanghai)"}
Q_PHONE = "0513-8321 6789"
WEEKDAY = {
    "zh_CN": [f"每周{d}" for d in "一二三四五六日"],
    "en": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
}


async def ask_duty(user: SimUser, services: Services, language: str) -> str:
    """The resident's way in: the main menu's 👥 item, then the Q centre."""
    t = services.i18n.translator(language)
    await user.send("/menu")
    await user.choose(t("menu.onduty"))
    await user.choose(Q_CENTRE[language])
    return user.last_text()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_admin_adds_step_by_step_and_a_resident_sees_today(
    harness: BotHarness, services: Services, language: str
) -> None:
    await make_cast(services, language)
    t = services.i18n.translator(language)
    today = local_today()
    admin = harness.user(D_ADMIN)
    await admin.send("/roster")
    assert admin.last_text() == t("roster.list.empty")
    await admin.tap(inline_with(admin, "ro:new"), "ro:new")
    assert admin.last_text() == t("roster.ask.name.short")
    await admin.send("张明")
    await admin.send("社区副书记")
    await admin.choose(Q_CENTRE[language])  # the home town is D's, the only other: not asked
    assert admin.last_text() == t("roster.ask.first.short")
    await admin.choose(format_day(today, language))
    await admin.send((today + timedelta(days=40)).isoformat())
    await admin.send(WEEKDAY[language][today.weekday()])  # only today's weekday, typed
    await admin.choose("08:30-11:30, 13:30-17:00")
    summary = admin.last_text()
    for words in ("张明", "社区副书记", D_TOWN[language], Q_CENTRE[language], "13:30-17:00"):
        assert words in summary
    assert await secondments(services) == []  # nothing is kept before it is confirmed
    await admin.choose(t("roster.add.save"))

    [row] = await secondments(services)
    assert (row.name, row.title, row.first_day, row.last_day) == (
        "张明",
        "社区副书记",
        today,
        today + timedelta(days=40),
    )
    assert (row.weekdays, row.hours) == (1 << today.weekday(), "08:30-11:30 13:30-17:00")
    assert "张明" in admin.last_text()  # the roster, with the new entry

    resident = harness.user(Q_RESIDENT)
    answer = await ask_duty(resident, services, language)
    assert format_day(today, language) in answer
    assert Q_CENTRE[language] in answer and "张明" in answer and D_TOWN[language] in answer
    assert "08:30-11:30, 13:30-17:00" in answer

    tomorrow = datetime.combine(today + timedelta(days=1), time(9), SHANGHAI)
    with time_machine.travel(tomorrow, tick=False):
        answer = await ask_duty(resident, services, language)
    assert "张明" not in answer  # not their weekday
    assert answer.startswith(
        t(
            "roster.duty.nobody",
            centre=Q_CENTRE[language],
            day=format_day(today + timedelta(days=1), language),
            phone=Q_PHONE,
        )
    )


async def test_the_day_after_the_last_day_it_is_gone(
    harness: BotHarness, services: Services
) -> None:
    await make_cast(services)
    today = local_today()
    await second(services, name="王芳", first=today - timedelta(days=3), last=today)
    await second(
        services, name="赵强", first=today + timedelta(days=1), last=today + timedelta(days=9)
    )
    await second(services, name="孙丽", first=today, last=today, centre="d-centre", home="Q")
    resident = harness.user(Q_RESIDENT)
    answer = await ask_duty(resident, services, "zh_CN")
    assert "王芳" in answer and "赵强" not in answer and "孙丽" not in answer  # another centre
    other = services.i18n.translator("zh_CN")("roster.duty.other")
    assert answer.endswith(other) and len(resident.buttons()) == 4  # two centres, ⬅️, 🏠
    tomorrow = datetime.combine(today + timedelta(days=1), time(8), SHANGHAI)
    with time_machine.travel(tomorrow, tick=False):
        answer = await ask_duty(resident, services, "zh_CN")
    assert "王芳" not in answer and "赵强" in answer
