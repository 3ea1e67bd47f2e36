"""A conversation survives the bot process being killed between two updates.

``tongxin run`` (long polling) runs as a child process against the sandbox over HTTP. A resident
is half-way through booking a canteen meal; once the persistence flush has stored that screen,
the process is SIGKILLed (no shutdown, no last flush) and a new one started on the same
database. The resident's next answer is taken by the same screen, and the booking completes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.context import Services
from models.booking import Booking
from models.core.runtime import PtbState
from sandbox import SandboxState
from tests.conftest import TEST_TOKEN
from tests.e2e.control import Control, free_port
from tests.factories import make_person

pytestmark = pytest.mark.e2e
USER = 515151


def _env(services: Services, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    env.update(
        TONGXIN_DATABASE_URL=services.settings.database_url,
        TONGXIN_BOT_API_URL=f"http://127.0.0.1:{port}/bot",
        TONGXIN_BOT_TOKEN=TEST_TOKEN,
        TONGXIN_MODE="polling",
        TONGXIN_LISTEN=f"127.0.0.1:{free_port()}",
        TONGXIN_LOG_LEVEL="INFO",
        PTB_TIMEDELTA="1",
    )
    return env


@pytest.fixture
async def spawn(
    tmp_path: Path, services: Services, sandbox: tuple[SandboxState, int, Control]
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Started bot processes (killed at the end if still running)."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for proc in started:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _start(
    started: list[asyncio.subprocess.Process], env: dict[str, str], log: Path
) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=log.parent, stdout=out, stderr=out
        )
    started.append(proc)
    return proc


async def _stored_state(services: Services) -> object:
    """The booking conversation's stored state for the resident, once a flush has written it."""
    key = f"booking:{json.dumps([USER, USER])}"
    async with services.sessions() as session:
        row = (
            await session.execute(
                select(PtbState).where(
                    col(PtbState.kind) == "conversation", col(PtbState.key) == key
                )
            )
        ).scalar_one_or_none()
    return None if row is None else row.data


@pytest.mark.timeout(90)
async def test_a_conversation_resumes_after_a_kill_between_updates(
    tmp_path: Path,
    services: Services,
    sandbox: tuple[SandboxState, int, Control],
    spawn: list[asyncio.subprocess.Process],
) -> None:
    _state, port, control = sandbox
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, USER)
    await control.user(USER, "zh-hans")
    env, log = _env(services, port), tmp_path / "bot.log"
    first = await _start(spawn, env, log)

    since = 0
    for text in ("/book", "➡️ 更多", "⬅️ 返回"):  # book (what?), its second page, back a page
        await control.text(USER, text)
        (reply,) = await control.wait(USER, 1, since=since)
        since = reply["message_id"]
    assert t("booking.ask_kind") in reply["text"]
    async with asyncio.timeout(20):  # the flush (every second) stores the open screen
        while True:
            if await _stored_state(services) is not None:
                break
            await asyncio.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    await first.wait()

    await _start(spawn, env, log)
    await control.text(USER, "3")  # the canteen: the same screen (first page) takes the answer
    (reply,) = await control.wait(USER, 1, since=since)
    assert (
        t("booking.ask_day", kind=t("booking.kind.canteen"), place="崇明区D镇") in reply["text"]
    ), log.read_text(errors="replace")[-3000:]
    since = reply["message_id"]
    nearest = next(label for label in await control.buttons(USER) if "⚡" in label)
    for answer in (nearest, "1", "1", "1"):  # the nearest slots, the first, one person, confirm
        await control.text(USER, answer)
        (reply, *_more) = await control.wait(USER, 1, since=since)
        since = max(m["message_id"] for m in [reply, *_more])
    async with asyncio.timeout(10):
        while True:
            async with services.sessions() as session:
                booked = (await session.execute(select(Booking))).scalars().all()
            if booked:
                break
            await asyncio.sleep(0.2)
    assert len(booked) == 1
