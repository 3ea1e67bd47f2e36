"""`build_application()`: the PTB Application with services, persistence and handlers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import LinkPreviewOptions
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

import channels.wechat.tables  # noqa: F401  (the bridge's tables: /mydata and /deleteme see them)
from bot.channels import routed
from bot.context import Services, TongxinApplication, TongxinContext
from bot.db import WriteGate, create_engine, create_session_factory
from bot.errors import handle_error
from bot.i18n import load_catalogues
from bot.logs import silence_noisy_loggers
from bot.metrics import Metrics
from bot.persistence import DatabasePersistence, UserData
from bot.registry import FEATURES, register_all
from bot.settings import Settings
from handlers.kit import Feature
from jobs.outbox import OutboxPump
from models.core.catalogue import Catalogue

logger = logging.getLogger(__name__)


def build_services(settings: Settings) -> Services:
    """Engine, session factory, catalogues and metrics for one application."""
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        catalogue=Catalogue(sessions),
        write_gate=WriteGate(engine),
        i18n=load_catalogues(settings.default_language),
        metrics=Metrics(),
    )


def build_application(
    settings: Settings,
    *,
    services: Services | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
    updater: bool = True,
    sender_request: BaseRequest | None = None,
    features: Sequence[Feature] | None = None,
) -> TongxinApplication:
    """Build the bot: typed context, DB persistence, Defaults, rate limiter, every flow.

    ``application.pump`` is the outbox pump (its own plain Bot, over ``sender_request`` when
    given); the runner schedules it, tests drain it. ``features`` replaces the registry's list
    (tests add a feature of their own this way). With ``TONGXIN_WECHAT_BRIDGE_URL`` set, both
    send through the channel router (``bot.channels``); ``getUpdates`` is Telegram's alone.
    """
    settings.require_runnable()
    silence_noisy_loggers()
    services = services or build_services(settings)
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .application_class(TongxinApplication, kwargs={"services": services})
        .token(settings.token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_url)
        .context_types(ContextTypes(context=TongxinContext, user_data=UserData))
        .persistence(DatabasePersistence(services.sessions, gate=services.write_gate))
        .defaults(
            Defaults(
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .post_shutdown(_dispose_engine)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    request = routed(settings, request, pool=256)  # PTB's own pool size for an Application
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    if not isinstance(application, TongxinApplication):  # application_class above makes it one
        raise TypeError("ApplicationBuilder did not build a TongxinApplication")
    # Before it looks at who is mid-flow (jobs/midflow.py), the bot's own pump writes the UI
    # state, so a flow that just ended is not taken for an open one.
    application.pump = OutboxPump(
        services,
        request=routed(services.settings, sender_request),  # the settings its Bot is made from
        before_screens=application.update_persistence,
    )
    register_all(application, FEATURES if features is None else features)
    application.add_error_handler(handle_error)
    return application


async def _dispose_engine(application: Application) -> None:  # type: ignore[type-arg]
    if not isinstance(application, TongxinApplication):
        return
    if application.pump is not None:
        await application.pump.close()
    await application.services.engine.dispose()


__all__ = ["TongxinContext", "build_application", "build_services"]
