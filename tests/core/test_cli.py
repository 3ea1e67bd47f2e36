"""The `tongxin` command line, run as real subprocesses in a temporary working directory."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.cli import NO_DEMO
from bot.context import Services
from bot.demo import DEMO_TOKEN, NEW_USER_ID
from bot.demo_wechat import DEMO_WECHAT_PEOPLE
from bot.i18n import load_catalogues
from models.core.authz import RoleGrant
from models.core.people import Person
from models.core.places import Community, Town
from models.demo import DEMO_ID_RANGE, DEMO_PEOPLE, seed_demo_people, seed_places
from tests.e2e.control import Control, free_port

TONGXIN = str(Path(sys.executable).with_name("tongxin"))
# The production image has no sandbox package; a None entry in sys.modules makes it unimportable.
WITHOUT_SANDBOX = "import sys; sys.modules['sandbox'] = None; "
CLI_WITHOUT_SANDBOX = (
    WITHOUT_SANDBOX + "from bot.cli import main; raise SystemExit(main(sys.argv[1:]))"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "command",
    [[TONGXIN], [TONGXIN, "run"], [TONGXIN, "migrate"], [sys.executable, "-m", "bot", "run"]],
)
def test_invalid_mode_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    done = _run(command, tmp_path, TONGXIN_MODE="bogus")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == ["TONGXIN_MODE: Input should be 'polling' or 'webhook'"]
    assert done.stdout == ""


def test_run_without_token_names_the_setting(tmp_path: Path) -> None:
    done = _run([TONGXIN, "run"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "TONGXIN_BOT_TOKEN: required to run the bot (from @BotFather)"
    ]


def test_demo_without_the_sandbox_package_says_so_in_one_line(tmp_path: Path) -> None:
    done = _run([sys.executable, "-c", CLI_WITHOUT_SANDBOX, "demo"], tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [NO_DEMO]
    assert done.stdout == ""


def test_the_other_commands_need_no_sandbox_package(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    migrated = _run(
        [sys.executable, "-c", CLI_WITHOUT_SANDBOX, "migrate"], tmp_path, TONGXIN_DATABASE_URL=url
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    modules = "bot.cli, bot.runner, bot.worker, bot.migrate, bot.web, bot.app"
    imported = _run([sys.executable, "-c", f"{WITHOUT_SANDBOX}import {modules}"], tmp_path)
    assert imported.returncode == 0, imported.stderr


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_migrate_and_seed_demo_twice(tmp_path: Path) -> None:
    db = tmp_path / "var" / "cli.db"
    url = f"sqlite+aiosqlite:///{db}"
    migrated = _run([TONGXIN, "migrate"], tmp_path, TONGXIN_DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    assert _counts(db)["person"] == 0
    first = _run([TONGXIN, "seed-demo"], tmp_path, TONGXIN_DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    after_first = _counts(db)
    assert after_first["person"] == len(DEMO_PEOPLE)
    assert after_first["role_grant"] == 5
    second = _run([TONGXIN, "seed-demo"], tmp_path, TONGXIN_DATABASE_URL=url)
    assert second.returncode == 0, second.stderr
    assert _counts(db) == after_first
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT t.code, c.name_zh FROM person p JOIN town t ON t.id = p.town_id "
            "JOIN community c ON c.id = p.community_id WHERE p.display_name = '王阿姨'"
        ).fetchone()
    assert row == ("D", "长江新村社区")


async def test_seed_demo_people_roles_and_idempotence(services: Services) -> None:
    async with services.sessions() as session, session.begin():
        places = await seed_places(session)
        first = await seed_demo_people(session)
    async with services.sessions() as session, session.begin():
        second = await seed_demo_people(session)
    assert first == second and set(first) <= set(DEMO_ID_RANGE)
    async with services.sessions() as session:
        people = (await session.execute(select(func.count()).select_from(Person))).scalar_one()
        grants = (
            await session.execute(
                select(col(Person.tg_user_id), col(RoleGrant.role), col(Town.code))
                .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
                .join(Town, col(Town.id) == col(RoleGrant.town_id))
            )
        ).all()
        li = (
            await session.execute(
                select(Person, Community)
                .join(Community, col(Community.id) == col(Person.community_id))
                .where(col(Person.tg_user_id) == 100002)
            )
        ).one()
    assert people == len(DEMO_PEOPLE)
    assert sorted(grants) == [
        (100004, "volunteer", "D"),
        (100005, "mediator", "D"),
        (100006, "mediator", "Q"),
        (100007, "admin", "D"),
        (100008, "admin", "Q"),
    ]
    person, community = li
    assert person.display_name == "李大爷" and community.name_zh == "兴隆社区"
    assert person.onboarded_at is not None and person.town_id == places["Q"]


async def test_demo_answers_start_and_never_prints_the_token(tmp_path: Path) -> None:
    # No test database: the demo keeps its own SQLite file, so the PostgreSQL pass skips this.
    proc, sandbox_port, _listen_port = await _start_demo(tmp_path, "--exit-after", "3")
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
            control = Control(http, f"http://127.0.0.1:{sandbox_port}")
            await control.user(NEW_USER_ID, "en")
            await control.text(NEW_USER_ID, "/start")
            welcome, consent = await control.wait(NEW_USER_ID, 2)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    t = load_catalogues().translator("en")
    assert welcome["text"] == t("onboarding.welcome")
    assert t("onboarding.consent") in consent["text"]
    assert proc.returncode == 0, stderr.decode()
    output = stdout.decode() + stderr.decode()
    assert "/control/users" in output and "Ctrl-C" in output
    assert DEMO_TOKEN not in output and DEMO_TOKEN.split(":")[1] not in output
    assert (tmp_path / "var" / "demo.db").exists()
    # The personas, the WeChat resident (bot.demo_wechat) and the 40 background residents of
    # the demo's history (models.demo.history)
    people = len(DEMO_PEOPLE) + len(DEMO_WECHAT_PEOPLE) + 40
    assert _counts(tmp_path / "var" / "demo.db")["person"] == people
    assert "WeChat" in output


async def test_demo_stops_gracefully_on_sigterm(tmp_path: Path) -> None:
    proc, _sandbox_port, _listen_port = await _start_demo(tmp_path)
    try:
        proc.send_signal(signal.SIGTERM)
        _stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "received SIGTERM, shutting down" in log and "bot stopped" in log


async def _start_demo(tmp_path: Path, *args: str) -> tuple[asyncio.subprocess.Process, int, int]:
    """``tongxin demo`` on free ports, once healthy: the process, sandbox and health ports.

    A port found free can be taken by another test's server before the demo binds it (the
    suite runs in several processes): the demo then exits at once, and is started again on
    other ports.
    """
    for _attempt in range(3):
        sandbox_port, listen_port = free_port(), free_port()
        proc = await asyncio.create_subprocess_exec(
            TONGXIN, "demo", "--port", str(sandbox_port), *args,
            cwd=tmp_path,
            env=_env(TONGXIN_LISTEN=f"127.0.0.1:{listen_port}"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{listen_port}/healthz"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
                if await _wait_healthy(http, url, proc):
                    return proc, sandbox_port, listen_port
        except BaseException:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
            raise
        _stdout, stderr = await proc.communicate()
        if "address already in use" not in stderr.decode().lower():
            raise AssertionError(f"the demo exited ({proc.returncode}): {stderr.decode()[-2000:]}")
    raise AssertionError("the demo found no free ports three times")


async def _wait_healthy(
    http: aiohttp.ClientSession, url: str, proc: asyncio.subprocess.Process
) -> bool:
    """True once ``url`` answers 200; False if the process exits first."""
    # A minute: the demo seeds half a year of history first, slow on a loaded 2-core machine
    # (15 s was once too little in CI).
    for _ in range(600):
        if proc.returncode is not None:
            return False
        try:
            async with http.get(url) as resp:
                if resp.status == 200:
                    return True
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    proc.kill()
    _stdout, stderr = await proc.communicate()
    raise AssertionError(f"{url} never became healthy: {stderr.decode()[-2000:]}")
