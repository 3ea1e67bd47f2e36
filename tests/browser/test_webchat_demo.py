"""`tongxin demo` serves the web chat beside the sandbox and the bot, and prints its URL."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

from bot.demo import run_demo


async def test_run_demo_prints_the_page_url_and_serves_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TONGXIN_DATABASE_URL", database_url)
    monkeypatch.setenv("TONGXIN_LISTEN", "127.0.0.1:0")
    printed: list[str] = []
    demo = asyncio.create_task(run_demo(0, exit_after=30, echo=printed.append, web_port=0))
    for _ in range(200):
        if printed or demo.done():
            break
        await asyncio.sleep(0.05)
    assert printed, "the demo printed nothing"
    found = re.search(r"Open in a browser:\s+(http://127\.0\.0\.1:\d+/)", printed[0])
    assert found, printed[0]
    async with aiohttp.ClientSession() as http:
        async with http.get(found[1]) as resp:
            assert resp.status == 200 and "同心" in await resp.text()
        async with http.get(found[1] + "api/personas") as resp:
            personas = (await resp.json())["personas"]
        # The Telegram demo people, then the WeChat resident (who chats through the emulator).
        assert [p["channel"] for p in personas] == ["telegram"] * 8 + ["wechat"]
        assert personas[-1]["name"] == "周奶奶"
    demo.cancel()
    with pytest.raises(asyncio.CancelledError):
        await demo
