"""The typed CallbackContext and the per-application services it exposes to handlers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.db import SessionFactory
from bot.i18n import Catalogues, Translator
from bot.metrics import Metrics
from bot.settings import Settings

if TYPE_CHECKING:
    from jobs.outbox import OutboxPump
    from models.core.people import Person


@dataclass
class Services:
    """What handlers and jobs need, built once per application by the factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    i18n: Catalogues
    metrics: Metrics = field(default_factory=Metrics)


class TongxinApplication(Application):  # type: ignore[type-arg]
    """PTB's Application carrying our Services."""

    __slots__ = ("pump", "services")

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.pump: OutboxPump | None = None  # set by build_application

    async def process_update(self, update: object) -> None:
        """Process one update through every handler group, timing it for /metrics."""
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            self.services.metrics.latency.observe(time.perf_counter() - started)


class TongxinContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Context with typed access to services, the current person and their translator."""

    def __init__(
        self,
        application: Application,
        chat_id: int | None = None,
        user_id: int | None = None,  # type: ignore[type-arg]
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.person: Person | None = None
        self.lang: str = ""

    @property
    def services(self) -> Services:
        """The application's services."""
        app = self.application
        assert isinstance(app, TongxinApplication)
        return app.services

    @property
    def t(self) -> Translator:
        """Translator in the current user's language (set by the person loader)."""
        return self.services.i18n.translator(self.lang or None)
