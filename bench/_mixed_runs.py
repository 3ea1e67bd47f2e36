"""The two bots of bench/mixed.py and the ways they are driven (throughput, offered load)."""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from _mixed_workload import (
    NEW_BASE,
    NEW_RESIDENT,
    RETURNING_RESIDENT,
    Step,
    _text,
    add_returning,
    interleave,
    outcome,
    staggered,
)
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.app import build_application, build_services
from bot.context import Services, TongxinApplication
from bot.migrate import upgrade_to_head
from bot.runner import settle_heap
from bot.settings import load_settings
from models.demo import seed_places
from sandbox.state import SandboxState
from sandbox.transport import SandboxRequest

TOKEN = "123456:BENCH-mixed"
API = "http://sandbox.invalid/bot"
# The update being processed: [its kind, when its first Bot API call went, statements so far].
CURRENT: ContextVar[list[Any] | None] = ContextVar("bench_current_update", default=None)


class TimedRequest(SandboxRequest):
    """The sandbox transport, noting when each update makes its first Bot API call."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Note the first call of the current update, then call the sandbox."""
        current = CURRENT.get()
        if current is not None and current[1] is None:
            current[1] = time.perf_counter()
        return await super().do_request(*args, **kwargs)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class _Bot:
    """What both bots share: a sandbox, an application, a workload."""

    state: SandboxState
    app: Application  # type: ignore[type-arg]
    workload: list[tuple[int, Step]]

    async def feed(self, uid: int, step: Step, arrived: float | None = None) -> float:
        """Process one update; returns seconds from ``arrived`` (or now) to its first API call."""
        update = Update.de_json(step.make(self.state, uid), self.app.bot)
        current: list[Any] = [step.kind, None, 0]
        token = CURRENT.set(current)
        started = time.perf_counter() if arrived is None else arrived
        try:
            await self.app.process_update(update)
        finally:
            CURRENT.reset(token)
        self.record(current)
        return (current[1] or time.perf_counter()) - started

    def record(self, current: list[Any]) -> None:
        """Keep what one update cost (the Tongxin bot counts its statements)."""


@dataclass
class TongxinBot(_Bot):
    """The real Application on a fresh, migrated and seeded database."""

    server_url: str | None
    new: int
    returning: int
    round_no: int
    statements: dict[str, list[int]] = field(default_factory=dict)
    flush_seconds: list[float] = field(default_factory=list)
    dialect: str = "sqlite"

    async def __aenter__(self) -> TongxinBot:
        self._tmp = tempfile.TemporaryDirectory(prefix="tongxin-mixed-")
        url, self._admin, self._name = f"sqlite+aiosqlite:///{self._tmp.name}/mixed.db", None, ""
        if self.server_url:
            self._name = f"tongxin_mixed_{uuid.uuid4().hex[:10]}"
            url = make_url(self.server_url).set(database=self._name).render_as_string(False)
            self._admin = create_async_engine(self.server_url, isolation_level="AUTOCOMMIT")
            async with self._admin.connect() as conn:
                await conn.execute(text(f'CREATE DATABASE "{self._name}"'))
        settings = load_settings(bot_token=TOKEN, bot_api_url=API, database_url=url, _env_file=None)
        self.services: Services = build_services(settings)
        self.dialect = self.services.engine.dialect.name
        await upgrade_to_head(self.services.engine)
        async with self.services.sessions() as session, session.begin():
            await seed_places(session)
        event.listen(self.services.engine.sync_engine, "before_cursor_execute", self._count)
        self.state = SandboxState()
        self.app = build_application(
            settings, services=self.services, request=TimedRequest(self.state),
            get_updates_request=TimedRequest(self.state), rate_limit=False, updater=False,
            sender_request=SandboxRequest(self.state),
        )  # fmt: skip
        self._timed_flushes(self.app)
        await self.app.initialize()
        await self.app.start()
        booking_of = await add_returning(self.services, self.state, self.returning)
        if isinstance(self.app, TongxinApplication) and self.app.pump is not None:
            await self.app.pump.drain(quiet=False)  # type: ignore[attr-defined]
        settle_heap()  # as BotRunner.run does once started
        scripts: dict[int, list[Step]] = {}
        for n in range(self.new):
            uid = NEW_BASE + self.round_no * 10_000 + n
            self.state.user(uid, first_name=f"新居民{n}", language_code="zh-hans")
            scripts[uid] = NEW_RESIDENT
        for uid in booking_of:
            scripts[uid] = RETURNING_RESIDENT
        self.workload = interleave(scripts)
        return self

    def _timed_flushes(self, app: Application) -> None:  # type: ignore[type-arg]
        flushes, inner = self.flush_seconds, type(app).update_persistence

        async def timed(application: Any) -> None:
            started = time.perf_counter()
            await inner(application)
            flushes.append(time.perf_counter() - started)

        type(app).update_persistence = timed  # type: ignore[method-assign,assignment]
        self._restore = (type(app), inner)

    def _count(self, *_args: Any) -> None:
        current = CURRENT.get()
        if current is not None:
            current[2] += 1

    def record(self, current: list[Any]) -> None:
        """Statements per update, by the kind of step."""
        self.statements.setdefault(str(current[0]), []).append(int(current[2]))

    async def outcome(self) -> tuple[int, int, int]:
        """Registered people, bookings, answered reminders (the workload did what it says)."""
        return await outcome(self.services)

    def workload_texts(self) -> list[tuple[int, str]]:
        """What each update of the workload said, for the echo bot to echo."""
        return [(uid, step.kind) for uid, step in self.workload]

    async def __aexit__(self, *exc: object) -> None:
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        cls, inner = self._restore
        cls.update_persistence = inner  # type: ignore[method-assign,assignment]
        if isinstance(self.app, TongxinApplication) and self.app.pump is not None:
            await self.app.pump.close()
        await self.services.engine.dispose()
        if self._admin is not None:
            async with self._admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            await self._admin.dispose()
        self._tmp.cleanup()


async def _echo(update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
    if update.effective_chat is not None and update.effective_message is not None:
        await context.bot.send_message(
            update.effective_chat.id, update.effective_message.text or ""
        )


async def _ack(update: Update, context: CallbackContext) -> None:  # type: ignore[type-arg]
    if update.callback_query is not None:
        await update.callback_query.answer()


class EchoBot(_Bot):
    """A bare python-telegram-bot Application that echoes every text back."""

    def __init__(self, said: list[tuple[int, str]]) -> None:
        self.state = SandboxState()
        for uid in dict.fromkeys(uid for uid, _ in said):
            self.state.user(uid, first_name="echo", language_code="zh-hans")
        self.workload = [(uid, _text(kind, "1")) for uid, kind in said]
        self.app = (
            ApplicationBuilder().token(TOKEN).base_url(API).request(TimedRequest(self.state))
            .get_updates_request(TimedRequest(self.state)).updater(None).build()
        )  # fmt: skip
        self.app.add_handlers([MessageHandler(filters.ALL, _echo), CallbackQueryHandler(_ack)])

    async def __aenter__(self) -> EchoBot:
        await self.app.initialize()
        await self.app.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.app.stop()
        await self.app.shutdown()


async def throughput(
    bot: _Bot, workload: list[tuple[int, Step]]
) -> tuple[float, list[float], float]:
    """Updates/s over ``workload``, one at a time, each update's latency (s), and the process's
    CPU seconds per update (all its threads: less moved by a busy or throttled machine than
    the wall clock, so it shows smaller changes)."""
    latencies = []
    started, cpu = time.perf_counter(), time.process_time()
    for uid, step in workload:
        latencies.append(await bot.feed(uid, step))
    cpu_per_update = (time.process_time() - cpu) / len(workload)
    return len(workload) / (time.perf_counter() - started), latencies, cpu_per_update


@dataclass(frozen=True)
class Load:
    """What an offered load did."""

    processed_rate: float
    backlog_growth: float
    p99: float


async def offered_load(bot: TongxinBot, rate: float, seconds: float) -> Load:
    """Updates arrive every 1/``rate`` s for ``seconds``; processed one by one as they come.

    Two residents go through their whole script first, untimed (the first imports and SQL
    compilations of a fresh process); the residents of the load then arrive ``staggered``.
    """
    needed = math.ceil(rate * seconds)
    scripts = {}
    for n in range(math.ceil(needed / len(NEW_RESIDENT)) + 3):
        uid = NEW_BASE + 500_000 + n
        bot.state.user(uid, first_name=f"新居民{n}", language_code="zh-hans")
        scripts[uid] = NEW_RESIDENT
    warm_up = list(scripts)[:2]
    for uid in warm_up:
        for step in scripts.pop(uid):
            await bot.feed(uid, step)
    work = staggered(scripts)[:needed]
    start = time.perf_counter()
    end = start + seconds
    latencies: list[float] = []
    done = 0
    for index, (uid, step) in enumerate(work):
        arrival = start + index / rate
        now = time.perf_counter()
        if now >= end:
            break
        if arrival > now:
            await asyncio.sleep(arrival - now)
        latencies.append(await bot.feed(uid, step, arrived=arrival))
        done += 1
    elapsed = max(time.perf_counter() - start, seconds)
    arrived = min(needed, int(elapsed * rate))
    return Load(done / elapsed, (arrived - done) / elapsed, percentile(latencies, 99))
