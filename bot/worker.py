"""``tongxin worker``: only the outbox pump, no Telegram updates (scale-out on PostgreSQL).

Several workers (and the bot process) can drain one PostgreSQL outbox: claims use
``FOR UPDATE SKIP LOCKED``. With ``TONGXIN_WECHAT_BRIDGE_URL`` set, messages to WeChat chats
go to the bridge (``bot.channels``), as the bot's own pump sends them. SIGTERM/SIGINT stop it
after the message being sent. The worker serves its own /healthz and /metrics on
TONGXIN_LISTEN; when that address is taken (another process on the same host), it runs without
them and says so in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from bot.app import build_services
from bot.channels import routed
from bot.context import Services
from bot.runner import install_signal_handlers, settle_heap
from bot.settings import Settings, SettingsError
from bot.web import build_ops_app, start_web
from jobs.outbox import INTERVAL, OutboxPump

logger = logging.getLogger(__name__)


async def run_worker(
    settings: Settings, stop: asyncio.Event | None = None, interval: float = INTERVAL
) -> None:
    """Drain the outbox until ``stop`` is set (or SIGTERM/SIGINT)."""
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        raise SettingsError("TONGXIN_BOT_TOKEN: required to send messages (from @BotFather)")
    stop = stop or asyncio.Event()
    services = build_services(settings)
    pump = OutboxPump(services, request=routed(settings))  # WeChat chats: to the bridge
    watcher = asyncio.create_task(_stop_on(stop, pump))
    web_runner = await _serve_ops(services, settings)
    settle_heap()
    logger.info("outbox worker %s started (%.0f msg/s)", pump.worker, settings.outbox_rate)
    try:
        with install_signal_handlers(stop):
            while not stop.is_set():
                handled = await pump.run()
                if not handled:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), interval)
    finally:
        watcher.cancel()
        if web_runner is not None:
            await web_runner.cleanup()
        await pump.close()
        await services.engine.dispose()
        logger.info("outbox worker %s stopped", pump.worker)


async def _serve_ops(services: Services, settings: Settings) -> web.AppRunner | None:
    try:
        runner, _port = await start_web(
            build_ops_app(services), settings.listen_host, settings.listen_port
        )
    except OSError as exc:
        logger.warning(
            "no /healthz or /metrics for this worker: %s is unavailable (%s)",
            settings.listen,
            exc.strerror,
        )
        return None
    return runner


async def _stop_on(stop: asyncio.Event, pump: OutboxPump) -> None:
    await stop.wait()
    pump.stop()
