"""The /control HTTP API, driven with an aiohttp client while a Bot talks over HTTP."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.request import HTTPXRequest

from sandbox.server import start_sandbox, stop_sandbox
from sandbox.state import SandboxState

TOKEN = "123456:SANDBOX-test-token"


@pytest.fixture
async def served() -> AsyncIterator[tuple[SandboxState, Bot, aiohttp.ClientSession, str]]:
    state, runner, port = await start_sandbox(state=SandboxState(timeout_seconds=0.5))
    base = f"http://127.0.0.1:{port}"
    bot = Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
              request=HTTPXRequest(), get_updates_request=HTTPXRequest())  # fmt: skip
    try:
        async with aiohttp.ClientSession(base_url=base) as http, bot:
            yield state, bot, http, base
    finally:
        await stop_sandbox(state, runner)


async def _post(http: aiohttp.ClientSession, path: str, body: Any = None) -> Any:
    async with http.post(path, json={} if body is None else body) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def _get(http: aiohttp.ClientSession, path: str) -> Any:
    async with http.get(path) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def test_control_roundtrip(
    served: tuple[SandboxState, Bot, aiohttp.ClientSession, str],
) -> None:
    _, bot, http, _ = served
    user = await _post(
        http, "/control/users", {"user_id": 5, "first_name": "李伯", "language_code": "zh-hans"}
    )
    assert user["first_name"] == "李伯"
    update = await _post(http, "/control/users/5/text", {"text": "/start"})
    assert update["message"]["entities"][0]["type"] == "bot_command"
    got = await bot.get_updates(timeout=1)
    assert got[0].message is not None and got[0].message.text == "/start"

    async def reply() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(5, "菜单", reply_markup=ReplyKeyboardMarkup([["活动", "帮助"]]))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("报名", callback_data="join:1")]])
        await bot.send_message(5, "活动一", reply_markup=markup)

    task = asyncio.create_task(reply())
    waited = await _post(http, "/control/wait", {"chat_id": 5, "count": 2, "timeout": 3})
    await task
    assert waited["ok"] is True and [m["text"] for m in waited["messages"]] == ["菜单", "活动一"]
    keyboard = await _get(http, "/control/chats/5/keyboard")
    assert keyboard["keyboard"] == [["活动", "帮助"]]
    assert (await _post(http, "/control/users/5/press", {"label": "帮助"}))["message"][
        "text"
    ] == "帮助"
    async with http.post("/control/users/5/press", json={"label": "nope"}) as resp:
        assert resp.status == 400
    tapped = await _post(http, "/control/users/5/tap", {"text": "报名"})
    assert tapped["callback_query"]["data"] == "join:1"
    await bot.answer_callback_query(tapped["callback_query"]["id"], text="好")
    assert (await _get(http, "/control/users/5/callback_answers"))[0]["text"] == "好"
    messages = await _get(
        http, f"/control/chats/5/messages?since={waited['messages'][0]['message_id']}"
    )
    assert [m["text"] for m in messages] == ["活动一"]
    timed_out = await _post(http, "/control/wait", {"chat_id": 5, "count": 9, "timeout": 0.05})
    assert timed_out["ok"] is False


async def test_control_media_faults_limits_stats(
    served: tuple[SandboxState, Bot, aiohttp.ClientSession, str],
) -> None:
    state, bot, http, _ = served
    await _post(http, "/control/users", {"user_id": 6})
    body = {"data_base64": base64.b64encode(b"OggS-real").decode(), "duration": 4}
    voice = (await _post(http, "/control/users/6/voice", body))["message"]["voice"]
    assert voice["duration"] == 4 and voice["file_size"] == len(b"OggS-real")
    body = {"data_base64": base64.b64encode(b"\xff\xd8photo").decode(), "caption": "门口"}
    message = (await _post(http, "/control/users/6/photo", body))["message"]
    photo = message["photo"]
    assert message["caption"] == "门口"
    file = await bot.get_file(photo[-1]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"\xff\xd8photo"
    empty = await _post(http, "/control/users/6/photo")
    assert empty["message"]["photo"][0]["file_size"] > 0
    body = {"data_base64": base64.b64encode(b"%PDF-1.7").decode(), "file_name": "单.pdf"}
    document = (await _post(http, "/control/users/6/document", body))["message"]["document"]
    assert document["file_name"] == "单.pdf" and document["file_size"] == len(b"%PDF-1.7")
    async with http.post("/control/users/6/photo", json={"data_base64": "not base64!"}) as resp:
        assert resp.status == 400
    assert (await _post(http, "/control/users/6/sticker"))["message"]["sticker"]["emoji"]
    assert (await _post(http, "/control/users/6/contact", {"phone_number": "+86139"}))["message"][
        "contact"
    ]["phone_number"] == "+86139"

    await _post(http, "/control/faults", {"method": "sendMessage", "kind": "500", "count": 1})
    with pytest.raises(Exception, match="Internal Server Error"):
        await bot.send_message(6, "x")
    await _post(http, "/control/users/6/block")
    with pytest.raises(Exception, match="blocked"):
        await bot.send_message(6, "x")
    await _post(http, "/control/users/6/unblock")
    await _post(http, "/control/limits", {"enabled": True, "global_per_sec": 2})
    assert state.limiter.enabled and state.limiter.global_per_sec == 2
    await _post(http, "/control/limits", {"enabled": False})
    assert not state.limiter.enabled
    await bot.send_message(6, "ok")
    stats = await _get(http, "/control/stats")
    assert stats["status"]["500"] == 1 and stats["status"]["403"] == 1
    assert stats["method"]["sendMessage"] == 3
    async with http.post("/control/faults", json={"kind": "418"}) as resp:
        assert resp.status == 400


async def test_bot_api_accepts_json_form_and_query(
    served: tuple[SandboxState, Bot, aiohttp.ClientSession, str],
) -> None:
    state, _, http, _ = served
    state.user(8)
    async with http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": 8, "text": "json"}) as resp:
        assert resp.status == 200 and (await resp.json())["result"]["text"] == "json"
    async with http.post(f"/bot{TOKEN}/sendMessage", data={"chat_id": "8", "text": "form"}) as resp:
        assert resp.status == 200
    async with http.get(f"/bot{TOKEN}/sendMessage?chat_id=8&text=query") as resp:
        assert resp.status == 200
    async with http.get(f"/bot{TOKEN}/nope") as resp:
        assert (
            resp.status == 404
            and (await resp.json())["description"] == "Not Found: method not found"
        )
    async with http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": 8, "text": ""}) as resp:
        body = await resp.json()
        assert resp.status == 400 and body["description"] == "Bad Request: message text is empty"
    assert [m["text"] for m in state.messages(8)] == ["json", "form", "query"]
