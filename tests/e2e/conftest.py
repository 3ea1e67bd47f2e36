"""Fixtures for end-to-end tests: a sandbox served over HTTP and a client session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from sandbox import SandboxState, start_sandbox, stop_sandbox
from tests.e2e.control import Control


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


@pytest.fixture
async def sandbox(
    http: aiohttp.ClientSession,
) -> AsyncIterator[tuple[SandboxState, int, Control]]:
    """The Telegram sandbox on a free port of 127.0.0.1: (state, port, control client)."""
    state, runner, port = await start_sandbox("127.0.0.1", 0)
    yield state, port, Control(http, f"http://127.0.0.1:{port}")
    await stop_sandbox(state, runner)
