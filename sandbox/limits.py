"""Telegram-like flood control for the Bot API emulator (off by default)."""

from __future__ import annotations

import math
import time
from collections import deque


class RateLimiter:
    """Flood limits modelled on Telegram's documented ones; disabled until configured.

    Rules, applied to ``send*`` calls only (a call that is refused consumes nothing):

    * global: at most ``global_per_sec`` sends in any sliding 1-second window;
    * private chats (``chat_id > 0``): a token bucket holding at most ``private_burst`` (3)
      tokens, refilled at ``per_private_chat_per_sec`` (1) token per second -- so a burst of
      3 messages passes at once, then 1 message per second is sustained;
    * groups (``chat_id < 0``): at most ``per_group_per_min`` sends in any sliding 60 s window.

    A refused call gets ``retry_after`` = seconds until it would be admitted, rounded up, >= 1.
    Every operation is O(1) amortised (deques of timestamps, one bucket per chat).
    """

    def __init__(self) -> None:
        self.enabled = False
        self.global_per_sec = 30
        self.per_private_chat_per_sec = 1.0
        self.private_burst = 3
        self.per_group_per_min = 20
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._buckets: dict[int, tuple[float, float]] = {}

    def configure(
        self,
        enabled: bool = True,
        global_per_sec: int = 30,
        per_private_chat_per_sec: float = 1.0,
        per_group_per_min: int = 20,
        private_burst: int = 3,
    ) -> None:
        """Switch the limits on or off and set their parameters; resets all windows."""
        self.enabled = enabled
        self.global_per_sec = global_per_sec
        self.per_private_chat_per_sec = per_private_chat_per_sec
        self.per_group_per_min = per_group_per_min
        self.private_burst = private_burst
        self.reset()

    def reset(self) -> None:
        """Forget all past sends."""
        self._global.clear()
        self._groups.clear()
        self._buckets.clear()

    @staticmethod
    def _window_wait(window: deque[float], limit: int, span: float, now: float) -> float:
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < limit:
            return 0.0
        return window[len(window) - limit] + span - now

    def check(self, chat_id: int | None, now: float | None = None) -> int | None:
        """Admit one send to ``chat_id`` (recording it) or return the retry_after in seconds."""
        if not self.enabled:
            return None
        now = time.monotonic() if now is None else now
        wait = self._window_wait(self._global, self.global_per_sec, 1.0, now)
        group: deque[float] | None = None
        tokens = 0.0
        if chat_id is not None and chat_id < 0:
            group = self._groups.setdefault(chat_id, deque())
            wait = max(wait, self._window_wait(group, self.per_group_per_min, 60.0, now))
        elif chat_id is not None:
            rate = self.per_private_chat_per_sec
            tokens, last = self._buckets.get(chat_id, (float(self.private_burst), now))
            tokens = min(float(self.private_burst), tokens + (now - last) * rate)
            if tokens < 1.0:
                wait = max(wait, (1.0 - tokens) / rate)
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.append(now)
        if group is not None:
            group.append(now)
        elif chat_id is not None:
            self._buckets[chat_id] = (tokens - 1.0, now)
        return None
