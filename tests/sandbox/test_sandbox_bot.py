"""A real python-telegram-bot ``Bot`` against the sandbox, in-process and over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from sandbox.state import SandboxState

Env = tuple[SandboxState, Bot]


async def test_get_me(env: Env) -> None:
    state, bot = env
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (123456, "tongxin_bot", "同心", True)
    assert state.stats["method"]["getMe"] >= 1


async def test_reply_keyboard_press_and_remove(env: Env) -> None:
    state, bot = env
    markup = ReplyKeyboardMarkup(
        [["找活动", "帮助"], [KeyboardButton("分享手机号", request_contact=True)]],
        resize_keyboard=True,
    )
    msg = await bot.send_message(42, "你好", reply_markup=markup)
    assert msg.reply_markup is None  # Telegram echoes only inline keyboards
    assert state.reply_keyboard(42) == [["找活动", "帮助"], ["分享手机号"]]
    buttons = state.reply_keyboard_buttons(42)
    assert buttons is not None and buttons[1][0]["request_contact"] is True
    update = state.press(42, "帮助")
    assert update["message"]["text"] == "帮助"
    contact = state.press(42, "分享手机号")["message"]["contact"]
    assert contact["user_id"] == 42 and contact["phone_number"].startswith("+86")
    with pytest.raises(ValueError, match="no reply keyboard button"):
        state.press(42, "不存在")
    await bot.send_message(42, "好的", reply_markup=ReplyKeyboardRemove())
    assert state.reply_keyboard(42) is None


async def test_inline_tap_reaches_get_updates(env: Env) -> None:
    state, bot = env
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("报名", callback_data="join:7")]])
    msg = await bot.send_message(42, "活动", reply_markup=markup)
    assert msg.reply_markup == markup
    assert state.inline_buttons(state.messages(42)[-1])[0][0]["callback_data"] == "join:7"
    state.send_text(42, "/start now")
    state.tap(42, msg.message_id, "join:7")
    with pytest.raises(ValueError):
        state.tap(42, msg.message_id, "nope")
    updates = await bot.get_updates(timeout=1)
    assert updates[0].message is not None and updates[0].message.text == "/start now"
    assert updates[0].message.entities[0].type == "bot_command"
    query = updates[1].callback_query
    assert query is not None and query.data == "join:7"
    assert query.message is not None and query.message.message_id == msg.message_id
    await bot.answer_callback_query(query.id, text="已报名", show_alert=True)
    assert state.callback_answers(42)[0]["text"] == "已报名"
    assert state.callback_answers(42)[0]["show_alert"] is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    # confirming by offset drops them
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_long_poll_wakes_on_user_text(env: Env) -> None:
    state, bot = env
    loop = asyncio.get_running_loop()
    started = loop.time()
    task = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.1)
    state.send_text(42, "在吗")
    updates = await task
    assert [u.message.text for u in updates if u.message] == ["在吗"]
    assert loop.time() - started < 1.5


async def test_edit_message_text(env: Env) -> None:
    state, bot = env
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
    msg = await bot.send_message(42, "第一版", reply_markup=markup)
    edited = await bot.edit_message_text("第二版", 42, msg.message_id, reply_markup=markup)
    assert isinstance(edited, type(msg)) and edited.text == "第二版"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("第二版", 42, msg.message_id, reply_markup=markup)
    record = state.messages(42)[-1]
    assert (record["text"], record["edited"], record["history"]) == ("第二版", 1, ["第一版"])
    await bot.edit_message_reply_markup(42, msg.message_id, reply_markup=None)
    assert state.messages(42)[-1]["reply_markup"] is None
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 42, 999)
    assert await bot.delete_message(42, msg.message_id) is True
    assert state.messages(42) == [] and state.messages(42, include_deleted=True)[0]["deleted"]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(42, msg.message_id)


async def test_document_roundtrip(env: Env) -> None:
    state, bot = env
    payload = "活动安排\n".encode() * 100
    msg = await bot.send_document(42, payload, filename="plan.txt", caption="安排")
    assert msg.document is not None and msg.document.file_name == "plan.txt"
    record = state.last_message(42)
    assert record is not None and record["kind"] == "document"
    assert record["file"]["bytes"] == payload and record["caption"] == "安排"
    file = await bot.get_file(msg.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload
    again = await bot.send_document(42, msg.document.file_id)
    assert again.document is not None and again.document.file_id == msg.document.file_id
    photo = await bot.send_photo(42, "https://example.org/p.jpg")
    assert photo.photo and state.last_message(42)["file"]["url"] == "https://example.org/p.jpg"  # type: ignore[index]
    voice = await bot.send_voice(42, b"OggS-voice", duration=4)
    assert voice.voice is not None and voice.voice.mime_type == "audio/ogg"
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(42, "no-such-file-id")


async def test_user_media_download(env: Env) -> None:
    state, bot = env
    update = state.send_voice(42, b"OggS-from-user", duration=5)
    file = await bot.get_file(update["message"]["voice"]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"OggS-from-user"


async def test_validation_errors(env: Env) -> None:
    state, bot = env
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(42, "hi", reply_markup=too_long)
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="同" * 21)]])  # 63 bytes
    await bot.send_message(42, "hi", reply_markup=ok)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(42, "长" * 5000)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "  ")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(42, b"x", filename="a.txt", caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "hi")
    state.block(42)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(42, "hi")
    state.unblock(42)
    await bot.send_message(42, "hi again")
    assert state.stats["status"][400] >= 5 and state.stats["status"][403] == 1


async def test_injected_faults(env: Env, ptb_timedelta: None) -> None:
    state, bot = env
    state.inject("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(42, "hi")
    assert info.value.retry_after == dtm.timedelta(seconds=7)
    state.inject(None, "403", chat_id=42)
    with pytest.raises(Forbidden):
        await bot.send_message(42, "hi")
    state.inject(None, "500", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(42, "hi")
    state.inject("getMe", "400", description="Bad Request: custom")
    with pytest.raises(BadRequest, match=r"(?i)custom"):
        await bot.get_me()
    sent = await bot.send_message(42, "finally")
    assert sent.text == "finally"
    assert state.stats["status"][429] == 1 and state.stats["status"][500] == 2
    assert [m["text"] for m in state.messages(42)] == ["finally"]


async def test_timeout_fault(env: Env) -> None:
    state, bot = env
    state.inject("sendMessage", "timeout")
    with pytest.raises(TimedOut):
        await bot.send_message(42, "maybe", read_timeout=0.2)
    # the request was processed; only the answer was lost (a duplicate risk for retries)
    assert await state.wait_until(lambda: len(state.messages(42)) == 1, timeout=2)
