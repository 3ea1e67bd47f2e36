"""Pacing for the outbox pump: a global token bucket, per-chat limits, a shared 429 pause.

Also where long texts are cut into Telegram-sized pieces. Times are ``time.monotonic()``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

MAX_TEXT = 4096
MAX_CAPTION = 1024
PRIVATE_SPACING = 1.0  # seconds between two messages to one private chat
GROUP_PER_MINUTE = 20  # messages to one group in any 60 s
_PRUNE_AT = 20_000  # forget idle chats once this many are tracked


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


class TokenBucket:
    """``rate`` sends per second with a burst of at most ``burst`` catch-up sends."""

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        self.interval = 1.0 / rate
        self.slack = burst * self.interval
        self._next = 0.0

    def wait(self, now: float) -> float:
        """Seconds until the next send may go (0 when it may go now)."""
        return max(0.0, self._next - now)

    def take(self, now: float) -> None:
        """Record one send at ``now``."""
        self._next = max(self._next, now - self.slack) + self.interval


class Pacer:
    """Decides when the next message may go; one per pump, shared by all its sends."""

    def __init__(
        self,
        rate: float,
        paid_rate: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.free = TokenBucket(rate)
        self.paid = TokenBucket(paid_rate) if paid_rate else None
        self.paused_until = 0.0
        self._private: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}

    def pause(self, seconds: float) -> None:
        """Stop all sending for ``seconds`` (Telegram answered 429)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def chat_wait(self, chat_id: int, now: float | None = None) -> float:
        """Seconds until ``chat_id`` may receive another message."""
        now = self.clock() if now is None else now
        if chat_id > 0:
            return max(0.0, self._private.get(chat_id, 0.0) - now)
        window = self._groups.get(chat_id)
        if window is None:
            return 0.0
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) < GROUP_PER_MINUTE:
            return 0.0
        return window[len(window) - GROUP_PER_MINUTE] + 60.0 - now

    async def acquire(self, chat_id: int, *, paid: bool = False) -> None:
        """Wait until the pause, the global bucket and the chat all allow one send; take it."""
        bucket = self.paid if paid and self.paid is not None else self.free
        while True:
            now = self.clock()
            wait = max(self.paused_until - now, bucket.wait(now), self.chat_wait(chat_id, now))
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        bucket.take(now)
        self._record(chat_id, now)

    def _record(self, chat_id: int, now: float) -> None:
        if chat_id > 0:
            if len(self._private) > _PRUNE_AT:
                self._private = {c: t for c, t in self._private.items() if t > now}
            self._private[chat_id] = now + PRIVATE_SPACING
        else:
            self._groups.setdefault(chat_id, deque()).append(now)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-16 units, at line or space boundaries."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = limit
        while utf16_len(rest[:cut]) > limit:
            cut -= max(1, (utf16_len(rest[:cut]) - limit) // 2)
        head = rest[:cut]
        boundary = head.rfind("\n")
        if boundary < cut // 2:
            boundary = max(head.rfind(" "), boundary)
        if boundary < cut // 4:  # no sensible boundary (e.g. Chinese without spaces): hard cut
            boundary = cut
        pieces.append(rest[:boundary].rstrip())
        rest = rest[boundary:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return [piece for piece in pieces if piece] or [text[:limit]]
