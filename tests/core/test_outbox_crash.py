"""`tongxin worker` processes against the sandbox over HTTP: SIGKILL mid-broadcast, 2 workers.

The worker claims a batch, commits the claim, then sends one message at a time and commits
each outcome right after its send. Killed, it leaves exactly one message whose fate is
unrecorded (the request in flight: delivered or not, nobody knows); its other claimed rows were
not sent. After the lease (2 s here) another run claims them all again, so every recipient gets
the notice and at most the in-flight one gets it twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.context import Services
from models.core.outbox import OutboxKind, OutboxStatus
from sandbox.server import start_sandbox, stop_sandbox
from sandbox.state import SandboxState
from tests.conftest import TEST_TOKEN, USE_PG
from tests.core.outbox_support import (
    add_rows,
    as_received,
    away_from_now,
    notice,
    received,
    rows,
    status_counts,
)

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = list(range(20_001, 20_301))
NOTICE = "台风预警：明天请留在家中，社区志愿者会上门看望。"


@pytest.fixture
async def sandbox() -> AsyncIterator[tuple[SandboxState, int]]:
    """A sandbox served over HTTP, with 300 users."""
    state, runner, port = await start_sandbox()
    for uid in RECIPIENTS:
        state.user(uid)
    yield state, port
    await stop_sandbox(state, runner)


def _env(services: Services, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    env.update(
        TONGXIN_DATABASE_URL=services.settings.database_url,
        TONGXIN_BOT_API_URL=f"http://127.0.0.1:{port}/bot",
        TONGXIN_BOT_TOKEN=TEST_TOKEN,
        TONGXIN_OUTBOX_RATE="100",
        TONGXIN_OUTBOX_LEASE_SECONDS="2",
        TONGXIN_QUIET_HOURS=away_from_now(),
        TONGXIN_LOG_LEVEL="INFO",
        PTB_TIMEDELTA="1",
    )
    return env


async def _spawn(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "worker", env=env, cwd=log.parent,
            stdout=out, stderr=out,
        )  # fmt: skip


async def _wait_all_final(services: Services, timeout: float = 120.0) -> None:  # noqa: ASYNC109
    # 300 sends by a worker process paced at 30-50 a second: 10 s on an idle machine; 30 s once
    # ran out in CI on a slow machine at a load of 9.
    async with asyncio.timeout(timeout):
        while True:
            counts = await status_counts(services)
            if not counts[OutboxStatus.PENDING.value] and not counts[OutboxStatus.SENDING.value]:
                return
            await asyncio.sleep(0.1)


async def _terminate(proc: asyncio.subprocess.Process) -> int:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(proc.wait(), 15)


def _sends(state: SandboxState) -> Any:
    return state.stats["method"]["sendMessage"]


async def test_sigkilled_worker_resumes_and_every_recipient_gets_the_notice(
    services: Services, sandbox: tuple[SandboxState, int], tmp_path: Path
) -> None:
    state, port = sandbox
    await add_rows(services, RECIPIENTS, payload=notice(NOTICE), kind=OutboxKind.BROADCAST)
    env, log = _env(services, port), tmp_path / "worker.log"
    first = await _spawn(env, log)
    try:
        assert await state.wait_until(lambda: _sends(state) >= 100, timeout=30), log.read_text()
        first.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(first.wait(), 10) == -signal.SIGKILL
    finally:
        if first.returncode is None:
            first.kill()
    at_kill = _sends(state)
    assert 100 <= at_kill < 300  # killed mid-broadcast
    counts = await status_counts(services)
    assert counts[OutboxStatus.SENDING.value] >= 1  # its claimed batch is stranded…
    second = await _spawn(env, log)
    try:
        await _wait_all_final(services)  # …until the lease runs out and it is claimed again
        assert await _terminate(second) == 0, log.read_text()  # SIGTERM: a graceful exit
    finally:
        if second.returncode is None:
            second.kill()
    per_chat = {uid: len(received(state, uid)) for uid in RECIPIENTS}
    assert all(n >= 1 for n in per_chat.values())  # every recipient got the notice
    duplicates = sum(n - 1 for n in per_chat.values())
    assert duplicates <= 1  # only the one send in flight at the kill can repeat
    assert await status_counts(services) == {OutboxStatus.SENT.value: 300}
    workers = {row.claimed_by for row in await rows(services)}
    assert len(workers) == 2  # the restarted process took over the stranded rows
    assert _sends(state) == 300 + duplicates


@pytest.mark.skipif(
    not USE_PG,
    reason="several workers need PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite has one sender",
)
async def test_two_workers_on_postgresql_send_a_broadcast_with_no_duplicates(
    services: Services, sandbox: tuple[SandboxState, int], tmp_path: Path
) -> None:
    state, port = sandbox
    env = _env(services, port)
    env["TONGXIN_OUTBOX_RATE"] = "50"
    # Nobody crashes here: a lease as short as the crash tests' (2 s) runs out when a loaded CI
    # machine stalls a worker that long, and the other worker then rightly sends again.
    env["TONGXIN_OUTBOX_LEASE_SECONDS"] = "60"
    workers = [await _spawn(env, tmp_path / f"worker{n}.log") for n in (1, 2)]
    try:
        # both are up (each Bot calls getMe once) before the broadcast is enqueued
        assert await state.wait_until(lambda: state.stats["method"]["getMe"] >= 2, timeout=30)
        await add_rows(services, RECIPIENTS, payload=notice(NOTICE))
        await _wait_all_final(services)
        assert [await _terminate(w) for w in workers] == [0, 0]
    finally:
        for w in workers:
            if w.returncode is None:
                w.kill()
    assert all(
        received(state, uid) == [as_received(services, NOTICE)] for uid in RECIPIENTS
    )  # 0 duplicates
    assert _sends(state) == 300
    finished = await rows(services)
    assert {r.status for r in finished} == {OutboxStatus.SENT.value}
    claimed = {r.claimed_by for r in finished}
    assert len(claimed) == 2 and all(c is not None for c in claimed)  # both did work


def test_worker_without_a_token_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    for name in list(os.environ):
        if name.startswith("TONGXIN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TONGXIN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/w.db")
    assert main(["worker"]) == 2
    assert "TONGXIN_BOT_TOKEN" in capsys.readouterr().err
