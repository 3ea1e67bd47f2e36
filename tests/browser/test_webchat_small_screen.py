"""The web chat on a small phone (360×740) with the page's large text on: the reply keyboard
takes at most half the screen and scrolls inside itself, Back and Main menu stay on screen, and
no label or message breaks inside a word (联合活动 never becomes 联合活|动)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, ViewportSize, expect

from bot.demo import DemoStack
from tests.browser.conftest import ROOT
from tests.browser.support import bot_said, choose, open_as, panel, shoot
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

RESIDENT = 100001
EMMA = 100008  # Q town's administrator, who uses the bot in English
SMALL = ViewportSize(width=360, height=740)

# Measures one chat in the page: the keyboard's box, Back and Main menu (found by label, as the
# page finds them), whether the page itself scrolled, and every line break inside a word (two
# letters or digits on either side of a break, with no space between) in the keyboard's labels
# and the messages, found from each character's rendered box.
MEASURE = """(root, navLabels) => {
  const box = (node) => {
    const r = node.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  };
  const keyboard = root.querySelector(".keyboard");
  const buttons = [...keyboard.querySelectorAll("button")];
  const nav = buttons.filter((b) => navLabels.includes(b.textContent.trim()));
  const wordy = /[\\p{L}\\p{N}]/u;
  const midWord = [];
  for (const node of [...buttons, ...root.querySelectorAll(".msg .text")]) {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let previous = null;
    let space = false;
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      let offset = 0;
      for (const ch of text.data) {
        const range = document.createRange();
        range.setStart(text, offset);
        range.setEnd(text, offset + ch.length);
        offset += ch.length;
        if (/\\s/u.test(ch)) {
          space = true;
          continue;
        }
        const rect = [...range.getClientRects()].find((r) => r.width > 0);
        if (!rect) continue;
        const broke = previous && rect.top > previous.top + previous.height / 2;
        if (broke && !space && wordy.test(previous.ch) && wordy.test(ch)) {
          midWord.push(`${node.textContent.trim()}: ${previous.ch}|${ch}`);
        }
        previous = { ch, top: rect.top, height: rect.height };
        space = false;
      }
    }
  }
  const onTop = (button) => {
    const r = button.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && button.contains(hit);
  };
  return {
    viewport: { width: innerWidth, height: innerHeight },
    scrollY: scrollY,
    keyboard: box(keyboard),
    nav: nav.map((b) => ({ label: b.textContent.trim(), box: box(b), onTop: onTop(b) })),
    midWord,
  };
}"""


def nav_labels(stack: DemoStack) -> list[str]:
    """Back and Main menu as the bot writes them, in both languages."""
    i18n = services_of(stack).i18n
    return [
        i18n.translator(lang)(f"nav.{which}")
        for lang in ("zh_CN", "en")
        for which in ("back", "home")
    ]


async def small_large(page: Page) -> None:
    """A 360×740 phone, with the page's own large-text setting switched on."""
    await page.set_viewport_size(SMALL)
    large = page.locator("#large-toggle")
    await large.click()
    await expect(large).to_have_attribute("aria-pressed", "true")
    assert await page.evaluate("getComputedStyle(document.documentElement).fontSize") == "23px"


def inside(box: dict[str, float], viewport: dict[str, float]) -> bool:
    """Whether a box lies wholly in the viewport (to the half pixel)."""
    return (
        box["x"] >= -0.5
        and box["y"] >= -0.5
        and box["x"] + box["width"] <= viewport["width"] + 0.5
        and box["y"] + box["height"] <= viewport["height"] + 0.5
    )


async def check_screen(page: Page, stack: DemoStack, user_id: int, *, nav: bool) -> None:
    """The keyboard fits in half the screen, Back and Main menu (when the screen has them) are on
    screen without scrolling, even after scrolling to the last choice, and nothing breaks
    inside a word."""
    chat = panel(page, user_id)
    labels = nav_labels(stack)
    m: dict[str, Any] = await chat.evaluate(MEASURE, labels)
    viewport = m["viewport"]
    assert m["scrollY"] == 0, m
    assert m["keyboard"]["height"] <= viewport["height"] / 2, m["keyboard"]
    assert inside(m["keyboard"], viewport), m["keyboard"]
    assert m["midWord"] == [], m["midWord"]
    if not nav:
        return
    assert len(m["nav"]) == 2, m["nav"]
    for button in m["nav"]:
        assert inside(button["box"], viewport) and button["onTop"], button

    # The keyboard scrolls inside itself to its last choice; the page does not move.
    choices = chat.locator(".keyboard button").filter(
        has_not_text=re.compile("|".join(map(re.escape, labels)))
    )
    await choices.last.scroll_into_view_if_needed()
    await expect(choices.last).to_be_in_viewport()
    m = await chat.evaluate(MEASURE, labels)
    assert m["scrollY"] == 0, m
    for button in m["nav"]:
        assert inside(button["box"], viewport) and button["onTop"], button


async def test_small_phone_large_text_menu_booking_kind_and_days(
    context: BrowserContext, stack: DemoStack
) -> None:
    t = services_of(stack).i18n.translator("zh_CN")
    page = await open_as(context, stack, RESIDENT)
    await small_large(page)
    await panel(page, RESIDENT).get_by_role("button", name="开始").click()
    await bot_said(page, RESIDENT, t("onboarding.welcome_back.named", name="王阿姨"))
    await expect(panel(page, RESIDENT).locator(".keyboard")).to_contain_text(t("menu.events"))
    # elder mode (the default): five items and "more", one a row, no Back
    await check_screen(page, stack, RESIDENT, nav=False)
    await shoot(page, "small-large-menu", docs=True)

    await choose(page, RESIDENT, t("menu.book"))  # never booked for anyone else: no "for whom?"
    await bot_said(page, RESIDENT, t("booking.ask_kind"))
    await check_screen(page, stack, RESIDENT, nav=True)  # five kinds and "more", Back, Main menu
    await panel(page, RESIDENT).locator(".kb-choices").evaluate("node => { node.scrollTop = 0 }")
    await shoot(page, "small-large-booking-kind", docs=True)

    kind = t("booking.kind.canteen")
    await choose(page, RESIDENT, kind)  # her own town goes without saying: no "where?"
    await bot_said(page, RESIDENT, t("booking.ask_day", kind=kind, place="崇明区D镇"))
    await check_screen(page, stack, RESIDENT, nav=True)  # four days, more days, nearest, Back, Main
    await shoot(page, "small-large-booking-days", docs=True)

    # The same screen on a larger phone and on a desktop, large text still on.
    for width, height in ((430, 932), (1280, 800)):
        await page.set_viewport_size(ViewportSize(width=width, height=height))
        await check_screen(page, stack, RESIDENT, nav=True)
    await shoot(page, "desktop-large-booking-days")


async def test_small_phone_large_text_in_english(context: BrowserContext, stack: DemoStack) -> None:
    t = services_of(stack).i18n.translator("en")
    page = await open_as(context, stack, EMMA)
    await small_large(page)
    await panel(page, EMMA).get_by_role("button", name="开始").click()
    await expect(panel(page, EMMA).locator(".keyboard")).to_contain_text(t("menu.book"))
    await check_screen(page, stack, EMMA, nav=False)
    await choose(page, EMMA, t("menu.book"))
    await bot_said(page, EMMA, t("booking.ask_kind"))
    await check_screen(page, stack, EMMA, nav=True)
    await shoot(page, "small-large-english")


def test_the_page_knows_back_and_main_menu_by_the_bots_labels(stack: DemoStack) -> None:
    script = (ROOT / "sandbox" / "webchat" / "panel.js").read_text(encoding="utf-8")
    for label in nav_labels(stack):
        assert f'"{label}"' in script, label
