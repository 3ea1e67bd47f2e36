"""A full PTB ``Application`` polling the sandbox, in-process and over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from sandbox.server import start_sandbox, stop_sandbox
from sandbox.state import SandboxState
from sandbox.transport import SandboxRequest

TOKEN = "123456:SANDBOX-test-token"


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
    await update.effective_message.reply_text("欢迎", reply_markup=markup)


async def _ok(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("收到")
    await query.edit_message_text("已确认")


@pytest.fixture(params=["inprocess", "http"])
async def app_state(request: pytest.FixtureRequest) -> AsyncIterator[SandboxState]:
    """A polling Application with /start and a callback handler, wired to a sandbox."""
    builder = ApplicationBuilder().token(TOKEN)
    if request.param == "inprocess":
        state = SandboxState(timeout_seconds=0.5)
        builder = builder.request(SandboxRequest(state)).get_updates_request(SandboxRequest(state))
        runner = None
    else:
        state, runner, port = await start_sandbox(state=SandboxState(timeout_seconds=0.5))
        base = f"http://127.0.0.1:{port}"
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    app: Application = builder.build()  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_ok))
    state.user(42)
    try:
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await app.start()
            yield state
            await app.updater.stop()
            await app.stop()
    finally:
        if runner is not None:
            await stop_sandbox(state, runner)
        else:
            await state.close()


async def test_polling_application_flow(app_state: SandboxState) -> None:
    state = app_state
    state.send_text(42, "/start")
    [welcome] = await state.wait_for_messages(42, count=1, timeout=5)
    assert welcome["text"] == "欢迎"
    state.tap(42, welcome["message_id"], "ok")
    assert await state.wait_until(lambda: state.messages(42)[0]["text"] == "已确认", timeout=5)
    assert state.callback_answers(42)[0]["text"] == "收到"
