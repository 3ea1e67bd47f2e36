"""Webhook side of the emulator: setWebhook & co. and POSTing updates to the bot."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import deque
from dataclasses import dataclass, field

import aiohttp

from sandbox.core import JSON, FileTuple, StateBase, as_bool, bad_request, decode_json, now_ts

logger = logging.getLogger(__name__)

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookConfig:
    """The webhook as set by setWebhook, plus delivery bookkeeping."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0
    failed: list[JSON] = field(default_factory=list)


class WebhookMixin(StateBase):
    """Delivers updates to a webhook in order, retrying failures a few times."""

    webhook_retries = 3
    webhook_retry_delay = 0.1
    webhook_timeout = 10.0

    def _webhook_init(self) -> None:
        self.webhook = WebhookConfig()
        self._hook_queue: deque[JSON] = deque()
        self._hook_task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def webhook_active(self) -> bool:
        """Whether a webhook URL is set."""
        return bool(self.webhook.url)

    def webhook_submit(self, update: JSON) -> None:
        """Queue an update for delivery and make sure the delivery task runs."""
        self._hook_queue.append(update)
        if self._hook_task is None or self._hook_task.done():
            self._hook_task = asyncio.get_running_loop().create_task(self._hook_worker())

    async def _hook_worker(self) -> None:
        while self._hook_queue and self.webhook.url and not self.closed:
            update = self._hook_queue[0]
            await self._deliver_with_retries(update)
            if self._hook_queue and self._hook_queue[0] is update:
                self._hook_queue.popleft()
            self.notify_change()

    async def _deliver_with_retries(self, update: JSON) -> None:
        body = json.dumps(update, ensure_ascii=False).encode()
        error = ""
        for attempt in range(self.webhook_retries):
            if attempt:
                await asyncio.sleep(self.webhook_retry_delay)
            try:
                status = await self._post(body, self._hook_headers())
            except aiohttp.ClientConnectorError:
                error = "Connection refused"
            except (TimeoutError, aiohttp.ServerTimeoutError):
                error = "Read timeout expired"
            except aiohttp.ClientError as exc:
                error = f"Connection error: {exc}"
            else:
                if 200 <= status < 300:
                    self.webhook.delivered += 1
                    return
                error = f"Wrong response from the webhook: {status} {_reason(status)}"
            self.webhook.last_error_date = now_ts()
            self.webhook.last_error_message = error
            logger.info("webhook delivery of update %s failed: %s", update["update_id"], error)
        logger.warning("giving up on update %s after %s attempts", update["update_id"], attempt + 1)
        self.webhook.failed.append(update)

    def _hook_headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.webhook.secret_token:
            headers[SECRET_HEADER] = self.webhook.secret_token
        return headers

    async def _post(self, body: bytes, headers: dict[str, str]) -> int:
        if not self.webhook.url:
            raise RuntimeError("no webhook is set")
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
            self._session = aiohttp.ClientSession(timeout=timeout)
        async with self._session.post(self.webhook.url, data=body, headers=headers) as resp:
            await resp.read()
            return resp.status

    async def deliver_raw(self, body: bytes, headers: dict[str, str]) -> int:
        """POST an arbitrary body with exactly ``headers`` to the webhook; return the status."""
        return await self._post(body, dict(headers))

    async def redeliver(self, update: JSON) -> int:
        """POST an already delivered update again (same update_id); return the status."""
        body = json.dumps(update, ensure_ascii=False).encode()
        return await self._post(body, self._hook_headers())

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every queued webhook delivery has finished (delivered or given up)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._hook_task is not None and not self._hook_task.done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("webhook deliveries still pending")
            await asyncio.wait({self._hook_task}, timeout=remaining)

    async def _close_webhook(self) -> None:
        if self._hook_task is not None and not self._hook_task.done():
            self._hook_task.cancel()
            await asyncio.gather(self._hook_task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- Bot API methods --------------------------------------------------------------------
    async def _m_setwebhook(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        url = str(p.get("url") or "")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if as_bool(p.get("drop_pending_updates") or False):
            self._updates.clear()
            self._hook_queue.clear()
        if p.get("allowed_updates") is not None:
            self.allowed_updates = list(decode_json(p["allowed_updates"])) or None
        self.webhook.url = url
        self.webhook.secret_token = None if secret is None else str(secret)
        self.webhook.max_connections = int(p.get("max_connections") or 40)
        if url:
            pending = list(self._updates)
            self._updates.clear()
            for update in pending:
                self.webhook_submit(update)
        else:
            self._requeue_for_polling()
        return True

    def _requeue_for_polling(self) -> None:
        self._updates.extend(self._hook_queue)
        self._hook_queue.clear()
        if self._updates:
            self._updates_event.set()

    async def _m_deletewebhook(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self.webhook.url = ""
        self.webhook.secret_token = None
        if as_bool(p.get("drop_pending_updates") or False):
            self._updates.clear()
            self._hook_queue.clear()
        self._requeue_for_polling()
        return True

    async def _m_getwebhookinfo(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        pending = len(self._hook_queue) if self.webhook.url else len(self._updates)
        info: JSON = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if self.webhook.url:
            info["max_connections"] = self.webhook.max_connections
            info["ip_address"] = "127.0.0.1"
        if self.webhook.last_error_date is not None:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
