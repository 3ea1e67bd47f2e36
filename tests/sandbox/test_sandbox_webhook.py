"""Webhook delivery from the sandbox to a small aiohttp receiver on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot

from sandbox.state import SandboxState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Receiver:
    """Records POSTed updates; answers with ``status``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], Any]] = []
        self.status = 200
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        self.received.append((dict(request.headers), body))
        return web.Response(status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield rec
    await runner.cleanup()


async def test_webhook_delivery_with_secret(
    env: tuple[SandboxState, Bot], receiver: Receiver
) -> None:
    state, bot = env
    state.send_text(42, "before")  # pending, delivered once the webhook is set
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t_TOKEN")
    state.send_text(42, "你好")
    await state.drain()
    texts = [body["message"]["text"] for _, body in receiver.received]
    assert texts == ["before", "你好"]
    headers, body = receiver.received[-1]
    assert headers[SECRET_HEADER] == "s3cr3t_TOKEN"
    assert headers["Content-Type"].startswith("application/json")
    assert body["message"]["chat"]["id"] == 42
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    with pytest.raises(Exception, match=r"(?i)conflict|webhook is active"):
        await bot.get_updates()
    # duplicates and raw bodies for idempotency / secret checks
    assert await state.redeliver(body) == 200
    assert receiver.received[-1][1]["update_id"] == body["update_id"]
    assert await state.deliver_raw(b"not json", {"X-Other": "1"}) == 200
    assert receiver.received[-1] == (receiver.received[-1][0], b"not json")
    assert SECRET_HEADER not in receiver.received[-1][0]
    assert await bot.delete_webhook()
    state.send_text(42, "polling again")
    updates = await bot.get_updates(timeout=1)
    assert updates[-1].message is not None and updates[-1].message.text == "polling again"


async def test_webhook_failures_are_recorded(state: SandboxState, receiver: Receiver) -> None:
    state.webhook_retry_delay = 0.01
    token = "123456:SANDBOX-test-token"
    params = {"url": receiver.url, "drop_pending_updates": True}
    assert (await state.call(token, "setWebhook", params, {}))[0] == 200
    receiver.status = 500
    state.send_text(42, "lost")
    await state.drain()
    assert len(receiver.received) == state.webhook_retries
    _, body = await state.call(token, "getWebhookInfo", {}, {})
    info = body["result"]
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert info["pending_update_count"] == 0
    assert state.webhook.failed[0]["message"]["text"] == "lost"
    bad = {"url": receiver.url, "secret_token": "no spaces allowed"}
    assert (await state.call(token, "setWebhook", bad, {}))[0] == 400
