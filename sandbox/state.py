"""The emulator's complete state: Bot API methods, simulated users, webhook and faults."""

from __future__ import annotations

import logging

from sandbox.api import BotApiMixin
from sandbox.core import FAULT_KINDS, JSON, Fault, SandboxTimeout
from sandbox.messages import MessagesMixin
from sandbox.methods import MiscMethodsMixin
from sandbox.users import UsersMixin
from sandbox.views import ChatViewsMixin
from sandbox.webhook import WebhookMixin

logger = logging.getLogger(__name__)

__all__ = ["SandboxState", "SandboxTimeout"]


class SandboxState(
    BotApiMixin, MessagesMixin, MiscMethodsMixin, WebhookMixin, UsersMixin, ChatViewsMixin
):
    """In-memory Telegram: call Bot API methods with :meth:`call`, act as users, inspect."""

    def __init__(self, timeout_seconds: float = 30.0) -> None:
        super().__init__(timeout_seconds=timeout_seconds)
        self._webhook_init()

    def inject(
        self,
        method: str | None,
        kind: str,
        count: int = 1,
        retry_after: int = 3,
        chat_id: int | None = None,
        description: str | None = None,
        processed: bool = True,
    ) -> Fault:
        """Make the next ``count`` matching calls fail with ``kind``.

        ``method`` None matches send*/edit* message methods. kind is one of "429", "403",
        "500", "502", "400" or "timeout"; for "timeout" the call is executed (unless
        ``processed`` is False) but the answer comes only after ``timeout_seconds``.
        """
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(
            method=method.lower() if method else None,
            kind=kind,
            count=count,
            retry_after=retry_after,
            chat_id=chat_id,
            description=description,
            processed=processed,
        )
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        self.faults.clear()

    def enforce_limits(
        self,
        global_per_sec: int = 30,
        per_private_chat_per_sec: float = 1.0,
        per_group_per_min: int = 20,
        enabled: bool = True,
    ) -> None:
        """Turn Telegram-like flood limits on (see :class:`RateLimiter` for the exact rules)."""
        self.limiter.configure(enabled, global_per_sec, per_private_chat_per_sec, per_group_per_min)

    def disable_limits(self) -> None:
        """Turn flood limits off."""
        self.limiter.configure(False)

    def stats_snapshot(self) -> JSON:
        """JSON-friendly copy of :attr:`stats`."""
        return {
            "calls": self.stats["calls"],
            "method": dict(self.stats["method"]),
            "status": {str(k): v for k, v in self.stats["status"].items()},
        }

    async def close(self) -> None:
        """Wake long-polls, stop webhook deliveries and close the HTTP client session."""
        self.closed = True
        self._updates_event.set()
        self.notify_change()
        await self._close_webhook()
