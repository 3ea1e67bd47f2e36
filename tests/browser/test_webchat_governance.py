"""The joint meeting's figures in the web chat: D town's admin, 赵主任, asks /stats for last
month over the demo's half year of history and gets the summary and three charts; then /agenda
gives the next joint meeting's draft, led by the residents' most suggested subjects, with no
resident's name in it."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect
from sqlalchemy import select

from bot.demo import DemoStack
from models.core.people import Person
from tests.browser.support import bot_messages, bot_said, choose, open_as, panel, shoot, type_text
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

ADMIN = 100007  # 赵主任, D town's admin


async def test_admin_sees_stats_with_charts_and_the_agenda_draft(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t = services.i18n.translator("zh_CN")
    page = await open_as(context, stack, ADMIN)
    chat = panel(page, ADMIN)
    await chat.get_by_role("button", name="开始").click()
    await bot_said(page, ADMIN, t("onboarding.welcome_back.named", name="赵主任（D镇管理员）"))

    await type_text(page, ADMIN, "/stats")
    await bot_said(page, ADMIN, t("governance_stats.ask_period"))
    await choose(page, ADMIN, t("governance_stats.period.last_month"))
    summary = await bot_said(page, ADMIN, "跨社区参与指数")
    await expect(summary).to_contain_text("预约")
    await bot_said(page, ADMIN, t("governance_stats.caption.venues"))
    charts = chat.locator(".msg.bot.kind-photo img")
    await expect(charts).to_have_count(3)
    for index in range(3):
        await expect(charts.nth(index)).not_to_have_js_property("naturalWidth", 0)
    await bot_said(page, ADMIN, t("governance_stats.ask_next"))
    await shoot(page, "stats-webchat", docs=True)

    await type_text(page, ADMIN, "/agenda")
    agenda = await bot_said(page, ADMIN, "联席会议议程草稿")
    await expect(agenda).to_contain_text("居民的意见建议")
    await expect(agenda).to_contain_text("助餐食堂：3 条建议")  # the most suggested, first
    await expect(agenda).to_contain_text("评价偏低")
    await shoot(page, "agenda-webchat", docs=True)

    shown = " ".join(await bot_messages(page, ADMIN).all_text_contents())
    async with services.sessions() as session:
        people = (await session.execute(select(Person))).scalars().all()
    for person in people:
        name = person.display_name or ""
        if person.tg_user_id != ADMIN and len(name) > 1:
            assert name not in shown, name
