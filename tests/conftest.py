"""Shared fixtures: a pinned clock, a migrated database (SQLite, or PostgreSQL when
TONGXIN_TEST_PG is set), settings pointing at the in-process sandbox, and a harness driving the
real Application.

The wall clock of every test starts at one instant: TONGXIN_TEST_NOW (ISO 8601 with an offset,
e.g. ``2026-12-05T23:30+08:00``) or, when unset, the real time at the start of the run; it then
flows on (time-machine with ``tick=True``; the monotonic clock asyncio uses is left alone).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

# PTB 22 reports durations (retry_after …) as timedelta with this set, and warns otherwise.
os.environ.setdefault("PTB_TIMEDELTA", "1")
from bot.app import build_services
from bot.context import Services
from bot.i18n import load_catalogues
from bot.settings import Settings, load_settings
from models.core.base import TOWNS_TZ
from tests.channels.wechat.quota_audit import AUDITED
from tests.databases import (
    BASE,
    Databases,
    create_pg_database,
    drop_pg_database,
    migrate_and_seed,
)
from tests.harness import BotHarness

TEST_TOKEN = "123456:TEST-token-never-logged"
ADMIN_ID = 900001
PG_ADMIN_URL = os.environ.get(
    "TONGXIN_TEST_PG_ADMIN", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
USE_PG = os.environ.get("TONGXIN_TEST_PG", "") not in ("", "0")
TEST_NOW = "TONGXIN_TEST_NOW"
CHILD_CLOCK_DIR = Path(__file__).resolve().parent / "childclock"
CHILD_CLOCK_SHIFT = "PYTEST_TONGXIN_CLOCK_SHIFT_NS"  # read by tests/childclock/sitecustomize.py
_NOW = pytest.StashKey[tuple[datetime, str]]()


def parse_test_now(value: str) -> datetime:
    """TONGXIN_TEST_NOW as an aware datetime (an offset is required: local dates depend on it)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise pytest.UsageError(
            f"{TEST_NOW}={value!r}: give an ISO 8601 time with an offset, "
            "e.g. 2026-12-05T23:30+08:00"
        )
    return parsed


def pytest_configure(config: pytest.Config) -> None:
    """Fix this run's instant once; xdist workers get the controller's (see below)."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and "tongxin_now" in workerinput:
        now = datetime.fromisoformat(workerinput["tongxin_now"])
        source = str(workerinput["tongxin_now_source"])
    elif os.environ.get(TEST_NOW, "").strip():
        now, source = parse_test_now(os.environ[TEST_NOW]), TEST_NOW
    else:
        now = datetime.now(TOWNS_TZ).replace(microsecond=0)
        source = "the real time at the start of the run"
    config.stash[_NOW] = (now, source)
    if workerinput is None:
        # Stale or missing .mo files are compiled on first use: here, once, rather than by
        # several xdist workers at the same time (one could read a half-written file).
        load_catalogues()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker pins the controller's instant, so the whole run shares one."""
    now, source = node.config.stash[_NOW]
    node.workerinput["tongxin_now"] = now.isoformat()
    node.workerinput["tongxin_now_source"] = source


def _clock_line(config: pytest.Config) -> str:
    now, source = config.stash[_NOW]
    shanghai = now.astimezone(TOWNS_TZ)
    return (
        f"tongxin test clock: {now.isoformat()} ({shanghai:%A %Y-%m-%d %H:%M} in Asia/Shanghai; "
        f"from {source}; set {TEST_NOW} to choose)"
    )


# A test opens a database only through these fixtures (every other DB fixture depends on them)
# or, in a few modules, by reading the PostgreSQL settings itself.
DATABASE_FIXTURES = frozenset({"database_url", "databases"})
_ENGINE_WORDS = ("USE_PG", "TONGXIN_TEST_PG", "postgres")


def _uses_a_database(item: pytest.Item, modules: dict[Path, bool]) -> bool:
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    path = Path(str(item.fspath))
    if path not in modules:
        source = path.read_text(encoding="utf-8")
        modules[path] = any(word in source for word in _ENGINE_WORDS)
    return modules[path]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the tests that open a database: the rest (pure functions, the
    sandbox, the crypto, the locales …) would run exactly as on the SQLite pass, which runs
    everything. Half the suite, a third of a CI run's time on a slow machine."""
    if not USE_PG:
        return
    modules: dict[Path, bool] = {}
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if _uses_a_database(item, modules) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which database engine this run uses and the instant every test starts at."""
    return [f"tongxin test database: {'postgresql' if USE_PG else 'sqlite'}", _clock_line(config)]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The instant again at the end (``-q`` hides the header): a failure may depend on it;
    and what the WeChat quota audit saw (tests/channels/wechat/quota_audit.py)."""
    terminalreporter.write_line(_clock_line(config))
    if AUDITED["acts"]:
        terminalreporter.write_line(
            f"WeChat quota audit: {AUDITED['acts']} answers to simulated users played on an "
            f"emulated WeChat, {AUDITED['messages']} messages, the largest "
            f"{AUDITED['largest']}, {AUDITED['refused']} over the quota"
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """xdist: a worker hands its audit totals to the controller."""
    workeroutput: dict[str, Any] | None = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["wechat_audit"] = dict(AUDITED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist: the controller sums the workers' audit totals."""
    totals = getattr(node, "workeroutput", {}).get("wechat_audit") or {}
    for key in ("acts", "messages", "refused"):
        AUDITED[key] += int(totals.get(key, 0))
    AUDITED["largest"] = max(AUDITED["largest"], int(totals.get("largest", 0)))


@pytest.fixture(scope="session", autouse=True)
def _session_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    """The pinned clock for session fixtures (template databases are seeded on its date)."""
    now, _source = request.config.stash[_NOW]
    travel = time_machine.travel(now.timestamp(), tick=True)
    traveller = travel.start()
    yield traveller
    travel.stop()


@pytest.fixture(autouse=True)
def pinned_now(
    _session_clock: time_machine.Traveller, request: pytest.FixtureRequest
) -> Iterator[datetime]:
    """Every test starts at the run's pinned instant (returned); Python child processes it
    starts (``tongxin …``) read the same clock through tests/childclock/sitecustomize.py."""
    now, _source = request.config.stash[_NOW]
    _session_clock.move_to(now.timestamp(), tick=True)
    shift = time.time_ns() - time_machine.escape_hatch.time.time_ns()
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", CHILD_CLOCK_SHIFT)}
    os.environ[CHILD_CLOCK_SHIFT] = str(shift)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CHILD_CLOCK_DIR), saved["PYTHONPATH"]) if p
    )
    yield now
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def clock(pinned_now: datetime, _session_clock: time_machine.Traveller) -> time_machine.Traveller:
    """The test's clock, to move time on: ``clock.shift(timedelta(minutes=31))``."""
    return _session_clock


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Only asyncio."""
    return "asyncio"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """This process's database snapshots (``base``: migrated, demo places seeded): files on
    SQLite, one PostgreSQL database per process (xdist worker) on PostgreSQL, dropped at the
    end. See tests/databases.py."""
    import asyncio

    pg_url = asyncio.run(create_pg_database(PG_ADMIN_URL)) if USE_PG else None
    try:
        found = Databases(tmp_path_factory.mktemp("db"), pg_url)
        asyncio.run(found.create_base())
        yield found
    finally:
        if pg_url is not None:
            asyncio.run(drop_pg_database(PG_ADMIN_URL, pg_url))


@pytest.fixture(scope="session")
def sqlite_template(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite file (on the PostgreSQL pass too, for SQLite-only tests)."""
    if databases.pg_url is None:
        return databases.workdir / f"{BASE}.db"
    import asyncio

    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    asyncio.run(migrate_and_seed(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
async def database_url(tmp_path: Path, databases: Databases) -> str:
    """A clean database for one test: migrated, with the demo places seeded."""
    return await databases.fresh(tmp_path)


def make_settings(database_url: str) -> Settings:
    """Settings for tests: sandbox URL, the given DB, one bootstrap admin."""
    return load_settings(
        bot_token=TEST_TOKEN,
        bot_api_url="http://sandbox.invalid/bot",
        database_url=database_url,
        admin_ids=[ADMIN_ID],
        _env_file=None,
    )


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for tests: sandbox URL, test DB, one bootstrap admin."""
    return make_settings(database_url)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Services on the test's database (every snapshot has the places of both towns seeded)."""
    services = build_services(settings)
    yield services
    await services.engine.dispose()


@pytest.fixture
async def harness(settings: Settings, services: Services) -> AsyncIterator[BotHarness]:
    """The real Application wired to an in-process sandbox; started and stopped per test."""
    harness = BotHarness(settings, services)
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture(autouse=True)
def _no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test also checks that the bot token never reaches the logs."""
    caplog.set_level(logging.INFO)
    yield
    assert TEST_TOKEN not in caplog.text
    assert TEST_TOKEN.split(":")[1] not in caplog.text
