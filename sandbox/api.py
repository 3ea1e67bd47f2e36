"""Bot API side of the emulator: request dispatch, injected faults and flood limits.

The methods themselves are ``_m_<name>`` coroutines of the other mixins (messages, webhook,
the rest in methods.py); :meth:`BotApiMixin.call` finds them by name.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.core import JSON, SEND_METHODS, ApiError, FileTuple, SandboxTimeout, StateBase

logger = logging.getLogger(__name__)

Handler = Callable[[JSON, dict[str, FileTuple]], Awaitable[Any]]
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_METHOD_RE = re.compile(r"^[a-z]+$")


class BotApiMixin(StateBase):
    """Executes Bot API methods against the emulator state."""

    async def call(
        self,
        token: str,
        method: str,
        params: JSON,
        files: dict[str, FileTuple] | None = None,
        *,
        simulate_timeout: bool = True,
    ) -> tuple[int, JSON]:
        """Execute one Bot API method and return (HTTP status, Telegram JSON envelope).

        With ``simulate_timeout`` False a 'timeout' fault raises :class:`SandboxTimeout`
        instead of sleeping ``timeout_seconds`` (used by the in-process transport).
        """
        self.stats["calls"] += 1
        self.stats["method"][method] += 1
        try:
            result = await self._execute(
                token, method.lower(), dict(params), files or {}, simulate_timeout
            )
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.code, exc.body()
        except SandboxTimeout:
            self.stats["status"]["timeout"] += 1
            raise
        self.stats["status"][status] += 1
        logger.debug("%s -> %s", method, status)
        return status, body

    async def _execute(
        self,
        token: str,
        method: str,
        params: JSON,
        files: dict[str, FileTuple],
        simulate_timeout: bool,
    ) -> Any:
        if not _TOKEN_RE.match(token):
            raise ApiError(401, "Unauthorized")
        handler: Handler | None = (
            getattr(self, f"_m_{method}", None) if _METHOD_RE.match(method) else None
        )
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        self.bot_id = int(token.split(":", 1)[0])
        chat_id = self._chat_id_or_none(params)
        fault = self._take_fault(method, chat_id)
        if fault is not None and fault.kind != "timeout":
            raise fault.error()
        if fault is None and method in SEND_METHODS:
            retry_after = self.limiter.check(chat_id)
            if retry_after is not None:
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
        if fault is None:
            return await handler(params, files)
        # A 'timeout' fault: the request is (optionally) processed, but the answer comes late.
        result: Any = None
        if fault.processed:
            result = await handler(params, files)
        if not simulate_timeout:
            raise SandboxTimeout(method)
        await asyncio.sleep(self.timeout_seconds)
        if not fault.processed:
            raise fault.error()
        return result

    @staticmethod
    def _chat_id_or_none(params: JSON) -> int | None:
        try:
            return int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return None

    def _take_fault(self, method: str, chat_id: int | None) -> Any:
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None
