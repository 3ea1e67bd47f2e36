""" "Today" is the towns' date: at 23:30 and 00:30 in Asia/Shanghai (UTC still on the day
before), and across the year's end, a secondment ending on 12-31 is shown on 12-31 only.
Residents reach the question by the words they use at the main menu, too."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from bot.context import Services
from bot.timefmt import format_day
from models.governance import on_duty
from tests.governance.roster_support import (
    D_RESIDENT,
    Q_RESIDENT,
    SHANGHAI,
    ids,
    make_cast,
    second,
)
from tests.governance.test_roster_flow import ask_duty
from tests.harness import BotHarness

NEW_YEAR = date(2027, 1, 1)
YEAR_END = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("moment", "language", "shown", "hidden"),
    [
        (datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), "en", "王芳", "赵强"),
        (datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), "zh_CN", "赵强", "王芳"),
    ],
)
async def test_a_secondment_ending_on_the_years_last_day(
    harness: BotHarness, services: Services, moment: datetime, language: str, shown: str,
    hidden: str,
) -> None:  # fmt: skip
    await make_cast(services, language)
    await second(services, name="王芳", first=date(2026, 12, 1), last=YEAR_END)
    await second(services, name="赵强", first=NEW_YEAR, last=date(2027, 3, 31))
    with time_machine.travel(moment, tick=False):
        answer = await ask_duty(harness.user(Q_RESIDENT), services, language)
    assert shown in answer and hidden not in answer
    assert format_day(moment.date(), language) in answer  # the towns' date, not UTC's


async def test_on_duty_reads_the_day_it_is_given(services: Services) -> None:
    await make_cast(services)
    await second(services, name="王芳", first=date(2026, 12, 1), last=YEAR_END, weekdays=0b0011111)
    centre = (await ids(services))["q-centre"]
    async with services.sessions() as session:
        thursday = await on_duty(session, centre_id=centre, day=YEAR_END)
        saturday = await on_duty(session, centre_id=centre, day=date(2026, 12, 26))
        after = await on_duty(session, centre_id=centre, day=NEW_YEAR)
    assert [p.name for p in thursday.people] == ["王芳"]
    assert saturday.people == [] and after.people == []


@pytest.mark.parametrize(
    ("words", "language"), [("今天谁值班？", "zh_CN"), ("值班", "zh_CN"), ("who is on duty", "en")]
)
async def test_words_at_the_main_menu_reach_it(
    harness: BotHarness, services: Services, words: str, language: str
) -> None:
    await make_cast(services, language)
    t = services.i18n.translator(language)
    resident = harness.user(D_RESIDENT)
    await resident.send("/menu")
    await resident.send(words)
    assert resident.last_text() == t("roster.duty.ask")
    own = {"zh_CN": "D镇社区党群服务中心", "en": "D town Party-Mass Service Centre"}
    assert own[language] in resident.buttons()[0]  # the resident's own town's centre first
