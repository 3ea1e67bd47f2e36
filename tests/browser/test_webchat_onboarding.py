"""A new user completes onboarding in the web chat by clicking only (and by keyboard only)."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect

from bot.context import Services, TongxinApplication
from bot.demo import NEW_USER_IDS, DemoStack
from models.core.people import find_person
from models.core.places import Community
from models.demo.people import DEMO_ID_RANGE
from tests.browser.support import bot_said, current_user_id, key, panel, press, shoot

pytestmark = pytest.mark.browser


def services_of(stack: DemoStack) -> Services:
    """The running bot's services (database sessions, translations)."""
    app = stack.runner.application
    assert isinstance(app, TongxinApplication)
    return app.services


async def test_new_user_onboards_by_clicking_only(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t = services.i18n.translator("zh_CN")
    page = await context.new_page()
    await page.goto(stack.web_url)
    picker = page.get_by_role("region", name="选择一个角色")
    await expect(picker).to_be_visible()
    # eight Telegram demo people, the WeChat resident and a new user
    await expect(picker.get_by_role("button")).to_have_count(10)
    await shoot(page, "persona-picker", docs=True)
    await picker.get_by_role("button", name="🆕 新用户").click()

    uid = await current_user_id(page)
    assert uid in NEW_USER_IDS and uid not in DEMO_ID_RANGE
    assert stack.state.conversation(uid) == []  # never talked to the bot
    chat = panel(page, uid)
    await chat.get_by_role("button", name="开始").click()
    await bot_said(page, uid, t("onboarding.welcome"))
    await bot_said(page, uid, "两年")  # the consent text, with how long data is kept
    await press(page, uid, f"1. {t('onboarding.consent.yes')}")
    await bot_said(page, uid, t("onboarding.language"))
    await press(page, uid, "1. 中文")
    await bot_said(page, uid, t("onboarding.town"))
    await press(page, uid, "1. 崇明区D镇")
    await bot_said(page, uid, t("onboarding.community", town="崇明区D镇"))
    await expect(key(page, uid, "1. 长江新村社区")).to_be_visible()
    await expect(key(page, uid, "⬅️ 返回")).to_be_visible()
    await shoot(page, "onboarding-keyboard", docs=True)
    await press(page, uid, "1. 长江新村社区")
    await press(page, uid, f"1. {t('onboarding.skip')}")  # no name: the bot asks for the phone
    share = key(page, uid, "📱 分享我的手机号")
    await expect(share).to_have_class("kb-btn contact")
    await share.click()
    receipt = await bot_said(page, uid, "登记完成")
    await expect(receipt).to_contain_text("长江新村社区")
    await bot_said(page, uid, t("home.prompt"))
    await expect(chat.locator(".msg.me").last).to_contain_text("已分享手机号")
    await shoot(page, "onboarding-done")

    async with services.sessions() as session:
        person = await find_person(session, uid)
        assert person is not None and person.onboarded_at is not None
        community = await session.get(Community, person.community_id)
    assert community is not None and community.code == "d-changjiang"
    assert person.language == "zh_CN" and person.phone


async def test_onboarding_can_be_done_with_the_keyboard_alone(
    context: BrowserContext, stack: DemoStack
) -> None:
    t = services_of(stack).i18n.translator("en")
    page = await context.new_page()
    await page.goto(stack.web_url)
    first = page.get_by_role("button", name="王阿姨 D镇 · 居民")
    await expect(first).to_be_focused()  # the picker takes the focus
    for _ in range(4):  # back over "add a persona", side by side, large text
        await page.keyboard.press("Shift+Tab")
    await expect(page.get_by_role("button", name="Switch the page to English")).to_be_focused()
    await page.keyboard.press("Enter")  # the page in English: a new user then talks English
    await expect(page.get_by_role("heading", name="Choose a persona")).to_be_visible()
    new_user = page.get_by_role("button", name="🆕 New user")
    for _ in range(16):
        if await new_user.evaluate("b => b === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    await expect(new_user).to_be_focused()
    await page.keyboard.press("Enter")
    uid = await current_user_id(page)
    start = panel(page, uid).get_by_role("button", name="START")
    await expect(start).to_be_focused()
    await page.keyboard.press("Enter")
    await bot_said(page, uid, t("onboarding.welcome"))
    agree = key(page, uid, f"1. {t('onboarding.consent.yes')}")
    await expect(agree).to_be_focused()  # the next screen's first button takes the focus
    await page.keyboard.press("Enter")
    english = key(page, uid, "2. English")
    await expect(english).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(english).to_be_focused()
    await page.keyboard.press("Enter")
    await bot_said(page, uid, t("onboarding.town"))
    assert await page.evaluate("document.documentElement.lang") == "en"
