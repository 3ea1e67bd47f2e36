"""Turn an outbox payload into the Telegram messages that carry it.

Payload contract: ``{"text": ...}`` (literal) or ``{"msgid": ..., "params": {...}}`` (rendered
in the recipient's language), plus optional ``"photo"`` (a file_id: sent with the text as its
caption, or alone before the text when the caption would be too long) and ``"reply_markup"``
(an InlineKeyboardMarkup as a dict, put on the last message). Never a parse_mode: user text
must never fail to parse. Text over 4096 characters becomes several messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup

from jobs.pacing import MAX_CAPTION, split_text, utf16_len


@dataclass
class Part:
    """One Telegram message: text, or a photo with an optional caption."""

    text: str | None
    photo: str | None = None
    markup: InlineKeyboardMarkup | None = None


def render(payload: dict[str, Any], translate: Callable[..., str], bot: Bot | None) -> list[Part]:
    """The messages for ``payload``, with ``translate`` for message ids."""
    if "msgid" in payload:
        text = translate(str(payload["msgid"]), **dict(payload.get("params") or {}))
    else:
        text = str(payload.get("text") or "")
    raw_markup = payload.get("reply_markup")
    markup = InlineKeyboardMarkup.de_json(raw_markup, bot) if raw_markup else None
    photo = payload.get("photo")
    if photo and utf16_len(text) <= MAX_CAPTION:
        return [Part(text or None, str(photo), markup)]
    parts = [Part(piece) for piece in split_text(text)] if text else []
    if photo:
        parts.insert(0, Part(None, str(photo)))
    if parts:
        parts[-1].markup = markup
    return parts
