"""Helpers for the browser tests: open a persona, press its buttons, wait for the bot, shoot."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from playwright.async_api import BrowserContext, Locator, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bot.demo import DemoStack
from tests.browser.conftest import ARTIFACTS, DOCS_SHOTS

T = TypeVar("T")

UPDATE_DOCS = os.environ.get("TONGXIN_UPDATE_SCREENSHOTS", "") == "1"


async def open_as(context: BrowserContext, stack: DemoStack, user_id: int | str) -> Page:
    """A new page chatting as ``user_id`` ("new" for a fresh user)."""
    page = await context.new_page()
    query = "new=1" if user_id == "new" else f"as={user_id}"
    await page.goto(f"{stack.web_url}?{query}")
    await expect(page.locator("body[data-ready]")).to_have_count(1)
    return page


def panel(page: Page, user_id: int | str) -> Locator:
    """The chat of one persona on the page."""
    return page.locator(f"#panel-{user_id}")


def bot_messages(page: Page, user_id: int) -> Locator:
    """The bot's message bubbles in a persona's chat."""
    return panel(page, user_id).locator(".msg.bot")


def key(page: Page, user_id: int, label: str) -> Locator:
    """A reply-keyboard button by its exact label."""
    return panel(page, user_id).locator(".keyboard").get_by_role("button", name=label, exact=True)


async def press(page: Page, user_id: int, label: str) -> None:
    """Click a reply-keyboard button, then wait until the keyboard is no longer the same one."""
    keyboard = panel(page, user_id).locator(".keyboard")
    before = await keyboard.text_content() or ""
    await key(page, user_id, label).click()
    await expect(keyboard).not_to_have_text(before)  # textContent, as `before`


async def bot_said(page: Page, user_id: int, text: str) -> Locator:
    """Wait until a bot message containing ``text`` is shown; return it."""
    bubble = bot_messages(page, user_id).filter(has_text=text).last
    await expect(bubble).to_be_visible()
    return bubble


async def current_user_id(page: Page) -> int:
    """The persona of the selected tab."""
    selected = page.locator(".phone.selected")
    return int(await selected.get_attribute("data-user") or 0)


async def shoot(page: Page, name: str, *, docs: bool = False) -> Path:
    """Save a screenshot in test-artifacts/browser/; a ``docs`` one also goes to
    docs/screenshots/ when TONGXIN_UPDATE_SCREENSHOTS=1 (so a normal run leaves git clean)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=path)
    if docs and UPDATE_DOCS:
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_SHOTS / f"{name}.png")
    return path


async def choose(page: Page, user_id: int, words: str) -> None:
    """Click the reply-keyboard button labelled ``words`` (after its number, if numbered)."""
    keyboard = panel(page, user_id).locator(".keyboard")
    label = re.compile(rf"^(\d+\. )?{re.escape(words)}$")
    button = keyboard.get_by_role("button").filter(has_text=label)
    await expect(button).to_have_count(1)
    before = await keyboard.text_content() or ""
    await button.click()
    await expect(keyboard).not_to_have_text(before)  # textContent, as `before`


async def type_text(page: Page, user_id: int, text: str) -> None:
    """Type into the message box and send."""
    chat = panel(page, user_id)
    await chat.locator("input.text").fill(text)
    await chat.get_by_role("button", name="发送", exact=True).click()


async def eventually(probe: Callable[[], Awaitable[T]], tries: int = 100) -> T:
    """Call ``probe`` until it returns something truthy (every 50 ms, ``tries`` times at most)."""
    for _ in range(tries):
        if result := await probe():
            return result
        await asyncio.sleep(0.05)
    return await probe()


async def choose_containing(page: Page, user_id: int, *words: str) -> bool:
    """Click the first reply-keyboard button whose label holds all ``words``; False if none."""
    keyboard = panel(page, user_id).locator(".keyboard")
    buttons = keyboard.get_by_role("button")
    for word in words:
        buttons = buttons.filter(has_text=word)
    try:
        await buttons.first.wait_for(timeout=1500)
    except PlaywrightTimeout:
        return False
    before = await keyboard.text_content() or ""
    await buttons.first.click()
    await expect(keyboard).not_to_have_text(before)  # textContent, as `before`
    return True
