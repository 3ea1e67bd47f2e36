"""A WeChat persona and a Telegram persona receive the same volunteer broadcast, side by side.

The demo runs one bot for both channels (bot/demo_wechat.py): 周奶奶 follows the emulated
Official Account, 王阿姨 uses Telegram (the sandbox), and 张志愿者 broadcasts to D town from the
web chat. 周奶奶 speaks to the bot first, so the broadcast goes out as a customer-service message
inside her 48 h window (outside it, template messages carry it: docs/wechat.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select
from sqlmodel import col

from bot.demo import DemoStack
from bot.demo_wechat import ACCOUNT_NAME, DEMO_WECHAT_PEOPLE
from models.broadcasts import Broadcast
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.people import Person
from tests.browser.support import (
    bot_said,
    choose,
    choose_containing,
    eventually,
    open_as,
    panel,
    shoot,
    type_text,
)
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

VOLUNTEER, RESIDENT = 100004, 100001
ZHOU = DEMO_WECHAT_PEOPLE[0][0]
NOTICE = "周日上午红梅社区义诊，量血压、测血糖，请带上医保卡。"


async def open_wechat(context: BrowserContext, stack: DemoStack, openid: str) -> Page:
    """A new page chatting as a WeChat persona."""
    page = await context.new_page()
    await page.goto(f"{stack.web_url}?wx={openid}")
    await expect(page.locator("body[data-ready]")).to_have_count(1)
    return page


def answered_after(chat: Locator, before: int) -> Callable[[], Awaitable[bool]]:
    """A probe: has the bot sent more than ``before`` messages in this chat?"""

    async def answered() -> bool:
        return await chat.locator(".msg.bot").count() > before

    return answered


async def test_a_wechat_and_a_telegram_resident_get_the_same_broadcast(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t = services.i18n.translator("zh_CN")

    # 周奶奶 on WeChat: the account's name on top; she says hello, the main menu comes back
    # as a menu message, and a tap on one of its lines goes back through WeChat.
    page = await open_wechat(context, stack, ZHOU)
    zhou = panel(page, ZHOU)
    await expect(zhou.locator(".wx-account")).to_have_text(ACCOUNT_NAME)
    await zhou.locator("input.text").fill("/start")
    await zhou.get_by_role("button", name="发送", exact=True).click()
    await expect(zhou.locator(".msg.me .text").last).to_have_text("/start")
    menu = zhou.locator(".msg.bot.kind-menu").last
    await expect(menu.get_by_role("button", name="➡️ 更多")).to_be_visible()
    await expect(zhou.locator(".msg.me")).to_have_count(1)

    # The volunteer, on Telegram, broadcasts to D town's residents.
    volunteer = await open_as(context, stack, VOLUNTEER)
    await type_text(volunteer, VOLUNTEER, "/broadcast")
    await bot_said(volunteer, VOLUNTEER, t("broadcast.ask_text"))
    await type_text(volunteer, VOLUNTEER, NOTICE)
    await bot_said(volunteer, VOLUNTEER, t("broadcast.ask_topic"))
    await choose(volunteer, VOLUNTEER, t("topic.health"))
    await choose(volunteer, VOLUNTEER, t("broadcast.audience.town"))
    await choose_containing(volunteer, VOLUNTEER, "D镇")  # asked only when there is a choice
    await bot_said(volunteer, VOLUNTEER, t("broadcast.preview.title"))
    await choose(volunteer, VOLUNTEER, t("broadcast.when.now"))
    await choose(volunteer, VOLUNTEER, t("broadcast.confirm.yes"))

    # Both residents get it: 周奶奶 on WeChat, 王阿姨 on Telegram, in one page side by side.
    notice = t("broadcast.notice", text=NOTICE)
    arrived = zhou.locator(".msg.bot").filter(has_text=NOTICE)
    await expect(arrived.locator(".text")).to_have_text(notice, timeout=20_000)
    await page.set_viewport_size({"width": 900, "height": 900})
    await page.get_by_role("button", name="添加角色").click()
    await page.get_by_role("button", name="王阿姨 D镇 · 居民").click()
    await bot_said(page, RESIDENT, NOTICE)
    await page.get_by_role("button", name="并排").click()
    await expect(panel(page, RESIDENT)).to_be_visible()
    await expect(zhou).to_be_visible()
    await shoot(page, "wechat-and-telegram-broadcast", docs=True)

    async with services.sessions() as session:
        found = await session.execute(
            select(col(Person.display_name), col(OutboxMessage.status))
            .join(Person, col(Person.id) == col(OutboxMessage.person_id))
            .where(col(Person.display_name).in_(["周奶奶", "王阿姨"]))
        )
        statuses = dict(found.all())
        [broadcast] = (await session.execute(select(Broadcast))).scalars().all()
    assert statuses == {"周奶奶": OutboxStatus.SENT.value, "王阿姨": OutboxStatus.SENT.value}
    assert broadcast.text == NOTICE
    world = stack.wechat.world
    assert world.follower(ZHOU).refused == []  # inside her window: no quota exceeded

    # A tap on a menu line is a button press for the bot: the next page of the main menu.
    before = await zhou.locator(".msg.bot").count()
    await menu.get_by_role("button", name="➡️ 更多").click()
    await expect(zhou.locator(".msg.me .text").last).to_have_text("➡️ 更多")
    assert await eventually(answered_after(zhou, before))

    # 🎤 说话: the words in the box go as a voice note that WeChat recognised; the bot reads
    # them as typed (here "明天" is no answer to the menu, so the bot says so politely).
    before = await zhou.locator(".msg.bot").count()
    await zhou.locator("input.text").fill("明天")
    await zhou.get_by_role("button", name="🎤 说话").click()
    spoken = zhou.locator(".msg.me.kind-voice").last
    await expect(spoken.locator(".wx-recognised")).to_have_text("明天")
    assert await eventually(answered_after(zhou, before))
