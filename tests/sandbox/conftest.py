"""Fixtures for the sandbox tests: a real ``telegram.Bot`` wired to the emulator two ways."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from sandbox.server import start_sandbox, stop_sandbox
from sandbox.state import SandboxState
from sandbox.transport import SandboxRequest

TOKEN = "123456:SANDBOX-test-token"


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta periods (RetryAfter warns under -W error otherwise)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def state() -> AsyncIterator[SandboxState]:
    """A bare in-memory sandbox with one user (42)."""
    sandbox = SandboxState(timeout_seconds=0.5)
    sandbox.user(42, first_name="王阿姨")
    yield sandbox
    await sandbox.close()


@pytest.fixture(params=["inprocess", "http"])
async def env(request: pytest.FixtureRequest) -> AsyncIterator[tuple[SandboxState, Bot]]:
    """(sandbox, bot) with user 42 registered, over the in-process transport or real HTTP."""
    if request.param == "inprocess":
        sandbox = SandboxState(timeout_seconds=0.5)
        sandbox.user(42, first_name="王阿姨")
        bot = Bot(
            TOKEN, request=SandboxRequest(sandbox), get_updates_request=SandboxRequest(sandbox)
        )
        async with bot:
            yield sandbox, bot
        await sandbox.close()
        return
    sandbox, runner, port = await start_sandbox(state=SandboxState(timeout_seconds=0.5))
    sandbox.user(42, first_name="王阿姨")
    base = f"http://127.0.0.1:{port}"
    bot = Bot(
        TOKEN,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(read_timeout=5.0),
        get_updates_request=HTTPXRequest(read_timeout=5.0),
    )
    try:
        async with bot:
            yield sandbox, bot
    finally:
        await stop_sandbox(sandbox, runner)
