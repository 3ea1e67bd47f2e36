"""`tongxin wechat`: the WeChat Official Account bridge's callback server (channels/wechat).

The bridge shares the bot's database (its tables come with `tongxin migrate`); it accepts
WeChat's callbacks, queues them as Bot API updates for the bot, and sends the bot's answers as
customer-service messages (docs/wechat.md).
"""

from __future__ import annotations

import asyncio
import logging

from bot.db import create_engine, create_session_factory
from bot.runner import install_signal_handlers
from bot.settings import Settings
from bot.web import start_web
from channels.wechat.server import build_wechat_app
from channels.wechat.settings import WechatSettings

logger = logging.getLogger(__name__)


async def run_wechat(
    settings: Settings, wechat: WechatSettings, stop: asyncio.Event | None = None
) -> None:
    """Serve the WeChat callback until ``stop`` is set (or SIGTERM/SIGINT)."""
    wechat.require_runnable()
    stop = stop or asyncio.Event()
    engine = create_engine(settings.database_url)
    try:
        token = settings.bot_token.get_secret_value() if settings.bot_token else None
        app = build_wechat_app(wechat, create_session_factory(engine), bot_token=token)
        runner, port = await start_web(app, wechat.listen_host, wechat.listen_port)
        logger.info("WeChat bridge on port %s, callback path %s", port, wechat.path)
        if wechat.secret is None:
            logger.warning("TONGXIN_WECHAT_SECRET is not set: the bridge cannot send anything")
        try:
            with install_signal_handlers(stop):
                await stop.wait()
        finally:
            await runner.cleanup()
    finally:
        await engine.dispose()
