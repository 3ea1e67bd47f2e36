"""The seam for speech recognition: a voice note in, its words out (or None).

A channel fills it with the engine it has (the WeChat channel: WeChat's own recognition); the
default hears nothing, and the kit then answers a voice note kindly in words. Words a
recogniser returns are treated exactly like typed words: a recognised "一" or "明天" answers a
screen as the typed ones would (``handlers.kit.hearing``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class VoiceNote:
    """One voice message, channel-neutral: its id, length, format, the speaker's language, and
    how to fetch its bytes (fetched only by a recogniser that wants them)."""

    file_id: str
    duration: int  # seconds
    mime_type: str | None
    language: str  # the speaker's language in the bot ("zh_CN", "en"): a hint for the engine
    fetch: Callable[[], Awaitable[bytes]]


class SpeechRecognizer(Protocol):
    """Turns a voice note into text."""

    async def recognise(self, voice: VoiceNote) -> str | None:
        """The words said, or None when nothing was understood."""
        ...


class HearsNothing:
    """The default recogniser: no engine, so no words (the bot asks for a tap or typing)."""

    async def recognise(self, voice: VoiceNote) -> str | None:
        """Nothing understood."""
        return None
