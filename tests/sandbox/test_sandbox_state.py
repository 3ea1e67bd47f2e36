"""The sandbox state machine used directly: updates, user actions, limits, stats."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from telegram import Bot, Update

from sandbox.limits import RateLimiter
from sandbox.state import SandboxState

TOKEN = "123456:SANDBOX-test-token"


async def _send(state: SandboxState, chat_id: int, text: str = "hi") -> int:
    status, _ = await state.call(TOKEN, "sendMessage", {"chat_id": chat_id, "text": text}, {})
    return status


async def test_envelopes_and_unknown_method(state: SandboxState) -> None:
    status, body = await state.call(TOKEN, "GETME", {}, {})
    assert status == 200 and body["ok"] is True and body["result"]["id"] == 123456
    status, body = await state.call(TOKEN, "fooBar", {}, {})
    assert (status, body) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    status, body = await state.call("garbage", "getMe", {}, {})
    assert status == 401


async def test_form_style_json_strings_are_decoded(state: SandboxState) -> None:
    markup = {"inline_keyboard": [[{"text": "是", "callback_data": "yes"}]]}
    params = {"chat_id": "42", "text": "确认?", "reply_markup": json.dumps(markup)}
    status, body = await state.call(TOKEN, "sendMessage", params, {})
    assert status == 200 and body["result"]["reply_markup"] == markup
    status, body = await state.call(TOKEN, "sendMessage", {**params, "reply_markup": "{bad"}, {})
    assert status == 400 and "can't parse" in body["description"]


async def test_updates_are_telegram_exact(state: SandboxState, ptb_timedelta: None) -> None:
    bot = Bot(TOKEN)
    state.user(7, first_name="Tom", language_code="en", username="tom")
    updates = [
        state.send_text(7, "/start"),
        state.share_contact(7, "+8613900000000"),
        state.send_voice(7, b"OggS", duration=3),
        state.send_photo(7, b"\xff\xd8"),
        state.send_sticker(7),
        state.send_document(7, b"%PDF", "a.pdf"),
    ]
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    parsed = [Update.de_json(u, bot) for u in updates]
    msgs = [p.message for p in parsed]
    assert all(m is not None and m.chat.id == 7 for m in msgs)
    assert msgs[0] is not None and msgs[0].from_user is not None
    assert msgs[0].from_user.language_code == "en"
    assert msgs[1] is not None and msgs[1].contact is not None
    assert msgs[1].contact.phone_number == "+8613900000000" and msgs[1].contact.user_id == 7
    assert msgs[2] is not None and msgs[2].voice is not None and msgs[2].voice.duration
    assert msgs[3] is not None and len(msgs[3].photo) == 2
    assert msgs[4] is not None and msgs[4].sticker is not None and msgs[4].sticker.emoji
    assert msgs[5] is not None and msgs[5].document is not None
    # message ids are shared between the user and the bot in a chat
    await _send(state, 7)
    assert state.messages(7)[0]["message_id"] == msgs[5].message_id + 1


async def test_get_updates_offset_limit_allowed(state: SandboxState) -> None:
    for i in range(5):
        state.send_text(42, f"m{i}")
    _, body = await state.call(TOKEN, "getUpdates", {"limit": 2}, {})
    first = body["result"]
    assert [u["message"]["text"] for u in first] == ["m0", "m1"]
    _, body = await state.call(TOKEN, "getUpdates", {"offset": first[-1]["update_id"] + 1}, {})
    assert [u["message"]["text"] for u in body["result"]] == ["m2", "m3", "m4"]
    _, body = await state.call(TOKEN, "getUpdates", {"offset": -1}, {})
    assert [u["message"]["text"] for u in body["result"]] == ["m4"]
    params = {"offset": body["result"][0]["update_id"] + 1, "allowed_updates": '["message"]'}
    _, body = await state.call(TOKEN, "getUpdates", params, {})
    assert body["result"] == []
    await _send(state, 42, "pick")
    rec = state.last_message(42)
    assert rec is not None
    state.send_text(42, "kept")
    assert state.inline_buttons(rec) == []


async def test_tap_checks_buttons(state: SandboxState) -> None:
    markup = {
        "inline_keyboard": [
            [{"text": "A", "callback_data": "a"}, {"text": "U", "url": "https://x.org"}]
        ]
    }
    await state.call(TOKEN, "sendMessage", {"chat_id": 42, "text": "t", "reply_markup": markup}, {})
    update = state.tap_label(42, None, "A")
    assert update["callback_query"]["data"] == "a"
    assert update["callback_query"]["message"]["reply_markup"] == markup
    with pytest.raises(ValueError):
        state.tap(42, None, "zzz")
    with pytest.raises(ValueError):
        state.tap_label(42, 1, "U")


async def test_commands_chat_action_menu(state: SandboxState) -> None:
    cmds = [{"command": "start", "description": "开始"}]
    assert (await state.call(TOKEN, "setMyCommands", {"commands": json.dumps(cmds)}, {}))[0] == 200
    _, body = await state.call(TOKEN, "getMyCommands", {}, {})
    assert body["result"] == cmds
    _, body = await state.call(TOKEN, "getMyCommands", {"language_code": "en"}, {})
    assert body["result"] == []
    bad = [{"command": "Bad Command", "description": "x"}]
    assert (await state.call(TOKEN, "setMyCommands", {"commands": bad}, {}))[0] == 400
    assert (await state.call(TOKEN, "deleteMyCommands", {}, {}))[0] == 200
    assert (await state.call(TOKEN, "sendChatAction", {"chat_id": 42, "action": "typing"}, {}))[
        0
    ] == 200
    assert (await state.call(TOKEN, "sendChatAction", {"chat_id": 42, "action": "dance"}, {}))[
        0
    ] == 400
    assert state.chat_actions(42) == ["typing"]
    menu = {"type": "commands"}
    assert (await state.call(TOKEN, "setChatMenuButton", {"menu_button": menu}, {}))[0] == 200
    for method in ("close", "logOut"):
        assert (await state.call(TOKEN, method, {}, {}))[0] == 200


async def test_rate_limits_on_and_off(state: SandboxState) -> None:
    for uid in range(1000, 1040):
        state.user(uid)
    state.enforce_limits()
    statuses = [await _send(state, uid) for uid in range(1000, 1040)]
    assert statuses.count(429) == 10 and statuses.count(200) == 30
    _, body = await state.call(TOKEN, "sendMessage", {"chat_id": 1000, "text": "x"}, {})
    assert body["error_code"] == 429 and body["parameters"]["retry_after"] >= 1
    state.disable_limits()
    statuses = [await _send(state, uid) for uid in range(1000, 1040)]
    assert statuses.count(429) == 0
    assert state.stats["status"][429] == 11


def test_limiter_rules() -> None:
    limiter = RateLimiter()
    assert limiter.check(1, now=0.0) is None  # disabled
    limiter.configure(True)
    t = 100.0
    assert [limiter.check(1, now=t) for _ in range(3)] == [None, None, None]  # burst of 3
    assert limiter.check(1, now=t) == 1
    assert limiter.check(1, now=t + 1.0) is None  # 1 per second sustained
    assert limiter.check(1, now=t + 1.5) == 1
    assert limiter.check(2, now=t + 1.5) is None  # other chats unaffected
    for i in range(20):
        assert limiter.check(-5, now=t + i) is None
    assert limiter.check(-5, now=t + 20) == 40  # 20 per minute in groups
    assert limiter.check(-5, now=t + 60.5) is None


def test_limiter_is_fast() -> None:
    limiter = RateLimiter()
    limiter.configure(True, global_per_sec=1_000_000)
    started = time.perf_counter()
    for i in range(10_000):
        limiter.check(i + 1)
    assert time.perf_counter() - started < 1.0


async def test_timeout_fault_without_processing(state: SandboxState) -> None:
    state.inject("sendMessage", "timeout", processed=False)
    status, body = await state.call(TOKEN, "sendMessage", {"chat_id": 42, "text": "x"}, {})
    assert status == 504 and body["ok"] is False
    assert state.messages(42) == []


async def test_wait_for_messages(state: SandboxState) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await _send(state, 42, "late")

    task = asyncio.create_task(later())
    got = await state.wait_for_messages(42, count=1, timeout=2)
    await task
    assert got[0]["text"] == "late"
    with pytest.raises(TimeoutError):
        await state.wait_for_messages(42, count=5, timeout=0.05)
