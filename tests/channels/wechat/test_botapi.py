"""The bot polls the bridge's queue with getUpdates, as it polls Telegram."""

from __future__ import annotations

import asyncio
import time

from telegram import Bot
from telegram.request import HTTPXRequest

from tests.channels.wechat.support import callback_xml, running_bridge
from tests.conftest import TEST_TOKEN


async def test_getupdates_needs_the_bot_token(database_url: str) -> None:
    async with running_bridge(database_url, bot_token=TEST_TOKEN) as wechat:
        refused = await wechat.client.post("/bot123456:guessed/getUpdates", json={})
        assert refused.status == 401
        assert (await refused.json())["ok"] is False
        other = await wechat.client.post(f"/bot{TEST_TOKEN}/sendMessage", json={})
        assert other.status == 404
        # Junk and out-of-range parameters are read as the nearest sense, never a 500.
        for params in ({"offset": 10**15}, {"offset": "x", "limit": -5}, {"timeout": 10**9}):
            if "timeout" in params:
                params["offset"] = 10**15  # nothing to wait for beyond the end: at most 1 s
                params["timeout"] = 1
            answer = await wechat.client.post(f"/bot{TEST_TOKEN}/getUpdates", json=params)
            assert (answer.status, (await answer.json())["result"]) == (200, [])
    async with running_bridge(database_url) as wechat:  # no token: no Bot API face at all
        assert (await wechat.client.post(f"/bot{TEST_TOKEN}/getUpdates", json={})).status == 404


async def test_ptb_polls_the_queue_and_confirms_with_offset(database_url: str) -> None:
    async with running_bridge(database_url, bot_token=TEST_TOKEN) as wechat:
        for n, words in enumerate(("你好", "订饭")):
            assert (await wechat.post(callback_xml("text", Content=words, MsgId=f"7{n}")))[0] == 200
        base = str(wechat.client.make_url("/bot"))
        bot = Bot(
            TEST_TOKEN, base_url=base, request=HTTPXRequest(), get_updates_request=HTTPXRequest()
        )
        async with bot:
            first = await bot.get_updates(timeout=0)
            assert [u.message.text for u in first if u.message] == ["你好", "订饭"]
            again = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
            assert again == ()
            # A long poll returns as soon as WeChat delivers the next message.
            started = time.monotonic()
            waiting = asyncio.create_task(
                bot.get_updates(offset=first[-1].update_id + 1, timeout=20)
            )
            await asyncio.sleep(0.2)
            assert (await wechat.post(callback_xml("text", Content="明天", MsgId="79")))[0] == 200
            [later] = await asyncio.wait_for(waiting, 10)
            assert later.message is not None and later.message.text == "明天"
            assert time.monotonic() - started < 10
