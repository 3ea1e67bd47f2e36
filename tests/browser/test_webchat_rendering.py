"""The page renders what the Bot API produced (media, inline keyboards, edits, deletions,
callback answers) and sends a photo and a voice file; the chrome switches language and size."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from playwright.async_api import BrowserContext, FilePayload, expect

from bot.demo import DEMO_TOKEN, DemoStack
from sandbox.core import FileTuple
from tests.browser.support import bot_messages, bot_said, open_as, panel, shoot
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

RESIDENT = 100001
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
VOICE = b"OggS\x00\x02-a-voice-note"


def png(width: int = 3, height: int = 2) -> bytes:
    """A real (tiny, red) PNG, so the browser has something to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def bot_api(
    stack: DemoStack, method: str, files: dict[str, FileTuple] | None = None, **params: Any
) -> Any:
    """Call the Bot API as the bot does (the sandbox is the same one the bot uses)."""
    status, body = await stack.state.call(DEMO_TOKEN, method, params, files)
    assert status == 200, body
    return body["result"]


async def test_media_inline_keyboards_edits_deletions_and_answers(
    context: BrowserContext, stack: DemoStack
) -> None:
    t = services_of(stack).i18n.translator("zh_CN")
    page = await open_as(context, stack, RESIDENT)
    chat = panel(page, RESIDENT)
    await chat.get_by_role("button", name="开始").click()
    await bot_said(page, RESIDENT, t("onboarding.welcome_back.named", name="王阿姨"))

    poster = png()
    await bot_api(
        stack,
        "sendPhoto",
        {"photo": ("p.png", poster, "image/png")},
        caption="海报",
        chat_id=RESIDENT,
    )
    await bot_api(
        stack,
        "sendDocument",
        {"document": ("预约-42.ics", ICS, "text/calendar")},
        caption="加入日历",
        chat_id=RESIDENT,
    )
    await bot_api(
        stack, "sendVoice", {"voice": ("v.ogg", VOICE, "audio/ogg")}, duration=4, chat_id=RESIDENT
    )
    keyboard = {
        "inline_keyboard": [
            [{"text": "✅ 批准", "callback_data": "bc:ok:1"}],
            [{"text": "👍 好", "callback_data": "demo:ping"}],
        ]
    }
    await bot_api(
        stack, "sendMessage", text="有按钮的消息", reply_markup=keyboard, chat_id=RESIDENT
    )
    old = await bot_api(stack, "sendMessage", text="旧的文字", chat_id=RESIDENT)
    gone = await bot_api(stack, "sendMessage", text="马上就删掉", chat_id=RESIDENT)
    await bot_said(page, RESIDENT, "马上就删掉")
    await bot_api(
        stack, "editMessageText", text="新的文字", message_id=old["message_id"], chat_id=RESIDENT
    )
    await bot_api(stack, "deleteMessage", message_id=gone["message_id"], chat_id=RESIDENT)

    edited = await bot_said(page, RESIDENT, "新的文字")
    await expect(edited.locator(".edited")).to_have_text("已编辑")
    await expect(bot_messages(page, RESIDENT).filter(has_text="马上就删掉")).to_have_count(0)
    await expect(bot_messages(page, RESIDENT).filter(has_text="旧的文字")).to_have_count(0)

    image = chat.locator(".msg.bot.kind-photo img")
    await expect(image).to_have_attribute("alt", "海报")
    await expect(image).to_have_js_property("naturalWidth", 3)  # decoded, not a broken image
    # A file says what it is for (its caption, first and in bold), never its name and size.
    file_message = chat.locator(".msg.bot.kind-document")
    await expect(file_message.locator(".text")).to_have_text("加入日历")
    shown = await file_message.inner_text()
    assert shown.index("加入日历") < shown.index("打开这个文件"), shown
    await expect(file_message).not_to_contain_text("预约-42.ics")
    await expect(file_message).not_to_contain_text(" B")
    document = chat.get_by_role("link", name="打开这个文件")
    await expect(document).to_have_attribute("download", "预约-42.ics")
    href = await document.get_attribute("href")
    assert href is not None
    response = await page.request.get(stack.web_url + href)
    assert await response.body() == ICS
    assert response.headers["content-disposition"].startswith("attachment;")
    voice = chat.locator(".msg.bot.kind-voice")
    await expect(voice).to_contain_text("语音 4 秒")
    audio = await voice.locator("audio").get_attribute("src")
    assert audio is not None and audio.startswith("api/files/")
    response = await page.request.get(stack.web_url + audio)
    assert await response.body() == VOICE and response.headers["content-type"] == "audio/ogg"

    # A forged button (a broadcast approval tapped by a resident): the real bot refuses politely.
    await chat.get_by_role("button", name="✅ 批准").click()
    dialog = page.get_by_role("alertdialog")
    await expect(dialog).to_contain_text(t("error.not_allowed"))
    await shoot(page, "alert")
    await dialog.get_by_role("button", name="好的").click()
    await expect(dialog).to_be_hidden()

    # A button no feature handles: the bot answers it as expired (a toast), then the main menu.
    await chat.get_by_role("button", name="👍 好").click()
    await expect(page.get_by_role("status")).to_contain_text(t("home.button_expired"))
    await bot_said(page, RESIDENT, t("home.button_expired.menu"))


async def test_send_photo_and_voice_then_english_and_large_text(
    context: BrowserContext, stack: DemoStack
) -> None:
    t = services_of(stack).i18n.translator("zh_CN")
    page = await open_as(context, stack, RESIDENT)
    chat = panel(page, RESIDENT)
    await chat.get_by_role("button", name="开始").click()
    await bot_said(page, RESIDENT, t("onboarding.welcome_back.named", name="王阿姨"))
    answers = await chat.locator(".msg.bot").count()

    poster = png(4, 4)
    await chat.get_by_role("textbox", name="输入消息").fill("我家的猫")  # becomes the caption
    await chat.locator("input.photo-file").set_input_files(
        files=[FilePayload(name="cat.png", mimeType="image/png", buffer=poster)]
    )
    mine = chat.locator(".msg.me.kind-photo")
    await expect(mine.locator("img")).to_have_attribute("alt", "我家的猫")
    await expect(mine.locator("img")).to_have_js_property("naturalWidth", 4)
    await chat.locator("input.voice-file").set_input_files(
        files=[FilePayload(name="hello.ogg", mimeType="audio/ogg", buffer=VOICE)]
    )
    await expect(chat.locator(".msg.me.kind-voice audio")).to_have_count(1)
    await expect(chat.locator(".msg.bot")).to_have_count(answers + 2)  # a gentle reply to each

    sent = [r["message"] for r in stack.state.conversation(RESIDENT) if not r["from_bot"]]
    photo, voice = sent[-2], sent[-1]
    assert photo["caption"] == "我家的猫"
    assert stack.state.files[photo["photo"][-1]["file_id"]].data == poster
    assert stack.state.files[voice["voice"]["file_id"]].data == VOICE

    await page.get_by_role("button", name="Switch the page to English").click()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await expect(chat.get_by_role("button", name="Send", exact=True)).to_be_visible()
    await expect(chat.get_by_role("button", name="Send a photo")).to_be_visible()
    await expect(page.get_by_role("tab", name="王阿姨 D town · resident")).to_be_visible()
    await page.get_by_role("button", name="Large text").click()
    await expect(page.get_by_role("button", name="Large text")).to_have_attribute(
        "aria-pressed", "true"
    )
    size = await page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert size == "23px"
    await page.get_by_role("button", name="中文").click()
    await expect(chat.get_by_role("button", name="发送", exact=True)).to_be_visible()
    await shoot(page, "large-text")
