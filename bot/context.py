"""The typed CallbackContext, the per-application services, and the update's one DB session.

Every update gets one ``AsyncSession`` (opened on first use, closed when the update is done):
the person loader and the handler's use case share it, so the person is read once and the
use case finds it in the session's identity map. Each use of it is its own short transaction
(``handlers.kit.run``), so no connection is held while the bot talks to Telegram.

After an erasure the handler asks (``context.purge_wal_after_update()``) for SQLite's WAL to be
emptied once the update is done: the UI state the handler dropped is written first (a flush
racing the erasure may have written some back, then deleted it again), then the WAL is
checkpointed with TRUNCATE, so no earlier version of an erased row stays in the ``-wal`` file.

Updates the webhook took from its inbox (``models.core.runtime``) leave it once their handlers
are done, before that checkpoint; one cancelled by a shutdown stays there and is processed at
the next start (``replay_inbox``), so an accepted update is never lost to a crash or a stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.db import SessionFactory, WriteGate, checkpoint_wal
from bot.i18n import Catalogues, Translator
from bot.metrics import Metrics
from bot.settings import Settings
from models.core.catalogue import CATALOGUE_KEY, Catalogue
from models.core.runtime import finish_update, unfinished_updates
from models.core.speech import HearsNothing, SpeechRecognizer

if TYPE_CHECKING:
    from models.core.authz import Scope
    from models.core.people import Person
    from models.core.questions import PendingQuestion

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """What handlers and jobs need, built once per application by the factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    i18n: Catalogues
    metrics: Metrics = field(default_factory=Metrics)
    catalogue: Catalogue | None = None  # the in-process catalogue cache (build_services)
    write_gate: WriteGate | None = None  # turns for writing transactions (SQLite)
    # Speech recognition (models.core.speech): none by default; a channel or engine fills it.
    speech: SpeechRecognizer = field(default_factory=HearsNothing)


class Pump(Protocol):
    """The outbox pump as the application sees it (``jobs.outbox.OutboxPump``)."""

    def stop(self) -> None:
        """Ask a running drain to return after its current send."""

    async def close(self) -> None:
        """Release the pump's HTTP connections."""


class UpdateScope:
    """The resources of one update: its database session, opened on first use."""

    def __init__(self, sessions: SessionFactory, catalogue: Catalogue | None = None) -> None:
        self._sessions = sessions
        self._catalogue = catalogue
        self._session: AsyncSession | None = None
        self.purge_wal = False  # empty SQLite's WAL when the update is done (after erasure)

    @property
    def session(self) -> AsyncSession:
        """The update's session (created on first use), carrying the catalogue cache."""
        if self._session is None:
            self._session = self._sessions()
            if self._catalogue is not None:
                self._session.info[CATALOGUE_KEY] = self._catalogue
        return self._session

    async def close(self) -> None:
        """Close the session, if one was opened."""
        if self._session is not None:
            await self._session.close()
            self._session = None


_current_scope: ContextVar[UpdateScope | None] = ContextVar("tongxin_update_scope", default=None)


@runtime_checkable
class RoundTakingPersistence(Protocol):
    """A persistence that takes PTB's round itself and writes it in one go (``bot.persistence``)."""

    def take_round(self, application: Application) -> None:  # type: ignore[type-arg]
        """Note what was used since the last round."""

    async def flush(self) -> None:
        """Write the notes."""


class TongxinApplication(Application):  # type: ignore[type-arg]
    """PTB's Application carrying our Services, an outbox pump, and one scope per update."""

    __slots__ = ("_flush_lock", "_from_inbox", "pump", "services")

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.pump: Pump | None = None  # set by build_application
        self._flush_lock = asyncio.Lock()
        self._from_inbox: set[int] = set()  # ids of queued updates that wait in the inbox

    async def enqueue_from_inbox(self, update: Update) -> None:
        """Queue an update stored in the inbox; it leaves the inbox when its handlers are done."""
        self._from_inbox.add(update.update_id)
        await self.update_queue.put(update)

    async def replay_inbox(self) -> int:
        """Queue what the inbox still holds from before the last stop; return how many."""
        async with self.services.sessions() as session:
            rows = await unfinished_updates(session)
        for row in rows:
            await self.enqueue_from_inbox(Update.de_json(row.payload, self.bot))
        if rows:
            logger.info("processing %s update(s) accepted before the last stop", len(rows))
        return len(rows)

    async def process_update(self, update: object) -> None:
        """Process one update through every handler group in its own scope, timing it."""
        started = time.perf_counter()
        scope = UpdateScope(self.services.sessions, self.services.catalogue)
        token = _current_scope.set(scope)
        cancelled = False
        try:
            await super().process_update(update)
        except asyncio.CancelledError:  # a stop mid-update: the inbox keeps it for next start
            cancelled = True
            raise
        finally:
            _current_scope.reset(token)
            await scope.close()
            self.services.metrics.latency.observe(time.perf_counter() - started)
            if not cancelled and isinstance(update, Update):
                await self._leave_inbox(update.update_id)
            if scope.purge_wal:
                await self._purge_wal()

    async def _leave_inbox(self, update_id: int) -> None:
        """Delete a handled update from the inbox (no-op for updates that were not in it)."""
        if update_id not in self._from_inbox:
            return
        try:
            gate = self.services.write_gate or contextlib.nullcontext()
            async with gate, self.services.sessions() as session, session.begin():
                await finish_update(session, update_id)
        except Exception as exc:  # it stays in the inbox: handled again at the next start
            logger.warning("update %s stays in the inbox: %s", update_id, type(exc).__name__)
        self._from_inbox.discard(update_id)

    async def _purge_wal(self) -> None:
        """Write the UI state this update dropped, then empty SQLite's WAL (see the module)."""
        try:
            await self.update_persistence()
            await checkpoint_wal(self.services.engine, self.services.write_gate)
        except Exception as exc:  # the reply is sent; the next checkpoint will do it
            # Only the type: an error's text could quote a statement's personal data.
            logger.warning("emptying the WAL after an erasure failed: %s", type(exc).__name__)

    async def update_persistence(self) -> None:
        """Write the changed conversation state (PTB calls this every second and at stop).

        PTB hands every used key to the persistence; ours only notes the changes, which its
        ``flush`` then writes in one transaction. One lock around both: never two at once.
        """
        started = time.perf_counter()
        async with self._flush_lock:
            try:
                if isinstance(self.persistence, RoundTakingPersistence):
                    self.persistence.take_round(self)  # PTB's round, without a task per key
                    await self.persistence.flush()
                else:
                    await super().update_persistence()
            finally:
                self.services.metrics.persistence_flush.observe(time.perf_counter() - started)


class TongxinContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Context with typed access to services, the current person and their translator."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.person: Person | None = None
        self.lang: str = ""
        self.scopes: frozenset[Scope] | None = None  # the person's roles, once looked up
        # The question they were last asked by message, read with them (handlers.kit.current).
        self.question: PendingQuestion | None = None
        # What the person typed or said, when the kit read it as a main-menu item's label
        # (a plain request, "我想订明天的午饭"): the flow it enters may take more from it.
        self.said: str | None = None
        # What the kit worked out once this update and may be asked again (a screen's choices,
        # keyed by what they were made of); gone with the update.
        self.memo: dict[object, Any] = {}

    @property
    def services(self) -> Services:
        """The application's services."""
        app = self.application
        if not isinstance(app, TongxinApplication):
            raise TypeError("TongxinContext needs a TongxinApplication (see bot.app)")
        return app.services

    @property
    def session(self) -> AsyncSession:
        """The database session of the update being handled (jobs open their own)."""
        scope = _current_scope.get()
        if scope is None:
            raise RuntimeError("no update is being processed: open a session from services")
        return scope.session

    def purge_wal_after_update(self) -> None:
        """Empty SQLite's WAL once this update is done (after an erasure; see the module)."""
        scope = _current_scope.get()
        if scope is None:
            raise RuntimeError("no update is being processed")
        scope.purge_wal = True

    @property
    def t(self) -> Translator:
        """Translator in the current user's language (set by the person loader)."""
        return self.services.i18n.translator(self.lang or None)
