"""The bot's aiohttp server: the Telegram webhook, ``/healthz`` and ``/metrics``.

The webhook checks, in this order and before touching anything else: the secret header
(403), the body size (413), the body's shape, nesting depth and numbers (400, ``bot.intake``).
Only then is the ``update_id`` claimed in the database (``processed_update``), in the same
transaction as the raw update is stored in the inbox (``update_inbox``), so a redelivered update
is handed to PTB once, across restarts and processes, and an accepted one survives a crash. The
update then goes onto ``application.update_queue`` and the answer is 200 at once (handlers run
on PTB's own loop, not inside the HTTP request); it leaves the inbox when its handlers are done.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from telegram import Update

from bot.context import Services, TongxinApplication
from bot.intake import Malformed, parse_update
from bot.settings import Settings
from models.core.outbox import depth as outbox_depth
from models.core.runtime import claim_update

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT_SECONDS = 3.0

APPLICATION_KEY = web.AppKey("application", TongxinApplication)
SETTINGS_KEY = web.AppKey("settings", Settings)
SERVICES_KEY = web.AppKey("services", Services)


def webhook_path(settings: Settings) -> str | None:
    """The URL path the webhook is served on (from TONGXIN_WEBHOOK_URL), or None."""
    if not settings.webhook_url:
        return None
    return urlparse(settings.webhook_url).path or "/"


def build_ops_app(services: Services) -> web.Application:
    """Only /healthz and /metrics (what ``tongxin worker`` serves)."""
    app = web.Application()
    app[SERVICES_KEY] = services
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)
    return app


def build_web_app(application: TongxinApplication, settings: Settings) -> web.Application:
    """Build the aiohttp app: webhook (when TONGXIN_WEBHOOK_URL is set), /healthz, /metrics."""
    app = build_ops_app(application.services)
    app[APPLICATION_KEY] = application
    app[SETTINGS_KEY] = settings
    path = webhook_path(settings)
    if path is not None:
        app.router.add_post(path, _webhook)
    return app


def _services(request: web.Request) -> Services:
    return request.app[SERVICES_KEY]


def _reject(request: web.Request, status: int, reason: str) -> web.Response:
    _services(request).metrics.webhook_rejected.labels(reason=reason).inc()
    logger.warning("webhook request refused (%s, HTTP %s)", reason, status)
    return web.Response(status=status, text=reason)


def _secret_ok(request: web.Request) -> str | None:
    """None when the secret header matches; otherwise the refusal reason."""
    secret = request.app[SETTINGS_KEY].webhook_secret
    given = request.headers.get(SECRET_HEADER)
    if given is None:
        return "missing_secret"
    if secret is None or not hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), secret.get_secret_value().encode("utf-8")
    ):
        return "bad_secret"
    return None


async def _read_update(request: web.Request) -> dict[str, Any] | web.Response:
    """The JSON object of an update, or the 4xx response explaining why not."""
    limit = request.app[SETTINGS_KEY].max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return _reject(request, 413, "too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:  # chunked or lying Content-Length: stop reading at the limit
            return _reject(request, 413, "too_large")
        chunks.append(chunk)
    try:
        return parse_update(b"".join(chunks))
    except Malformed as refusal:  # too deep, a number out of range, not an update at all
        return _reject(request, 400, refusal.reason)


async def _webhook(request: web.Request) -> web.Response:
    refusal = _secret_ok(request)
    if refusal is not None:
        return _reject(request, 403, refusal)
    data = await _read_update(request)
    if isinstance(data, web.Response):
        return data
    application = request.app[APPLICATION_KEY]
    try:
        update = Update.de_json(data, application.bot)
    except Exception:  # malformed nested objects: a client error, never a crash
        logger.warning("webhook update %s could not be parsed", data["update_id"])
        return _reject(request, 400, "bad_update")
    async with application.services.sessions() as session, session.begin():
        first_time = await claim_update(session, update.update_id, data)
    if not first_time:
        _services(request).metrics.webhook_rejected.labels(reason="duplicate").inc()
        logger.info("update %s was already received, ignored", update.update_id)
        return web.Response(status=200, text="duplicate")
    await application.enqueue_from_inbox(update)
    return web.Response(status=200, text="ok")


async def _healthz(request: web.Request) -> web.Response:
    engine = _services(request).engine
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not healthy"; the reason goes to the log
        logger.warning("health check failed: %s", type(exc).__name__)
        return web.json_response({"status": "error", "database": "error"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


async def _metrics(request: web.Request) -> web.Response:
    services = _services(request)
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), services.sessions() as session:
            services.metrics.set_outbox_depth(await outbox_depth(session))
    except Exception as exc:  # the other metrics are still worth serving
        logger.warning("outbox depth unavailable: %s", type(exc).__name__)
    body = services.metrics.render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def start_web(web_app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve ``web_app`` on host:port (0 = any free port); return the runner and bound port."""
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1])
    logger.info("web server listening on http://%s:%s", host, bound)
    return runner, bound
