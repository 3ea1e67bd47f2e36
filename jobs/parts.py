"""Sending one outbox message: its parts rendered in the recipient's language, each sent as
text, photo, voice note or document, with the message id and parameters a bridge needs.

A split message remembers how many parts went (``PARTS_SENT`` in its payload), so a retry
sends only the rest. The pump (``jobs.outbox.OutboxPump``) is a ``PartSender``.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot

from bot.context import Services
from jobs.pacing import Pacer
from jobs.rendering import Part, render, template_params
from models.core.base import row_id
from models.core.delivery import replace_payload
from models.core.outbox import OutboxKind, OutboxMessage

PARTS_SENT = "parts_sent"  # payload key: how many parts of a split message already went


class PartSender:
    """Renders and sends an outbox message's parts; the pump is one."""

    services: Services
    bot: Bot
    pacer: Pacer
    paid: bool

    async def _send(self, row: OutboxMessage, language: str | None) -> None:
        paid = self.paid and row.kind == OutboxKind.BROADCAST.value
        extra: dict[str, Any] = {"allow_paid_broadcast": True} if paid else {}
        parts = self._render(row, language)
        named = self._named(row, language)
        done = int((row.payload or {}).get(PARTS_SENT, 0))
        for index, part in enumerate(parts[done:], start=done):
            extra["api_kwargs"] = {**named, "tongxin_part": index}
            await self.pacer.acquire(row.chat_id, paid=paid)
            await self._send_part(row.chat_id, part, extra)
            if index + 1 < len(parts):
                await self._record_parts_sent(row, index + 1)

    async def _record_parts_sent(self, row: OutboxMessage, count: int) -> None:
        """A split message: remember the parts that went, so a retry sends only the rest."""
        row.payload = {**(row.payload or {}), PARTS_SENT: count}
        async with self.services.sessions() as session, session.begin():
            await replace_payload(session, row_id(row), row.payload)

    def _named(self, row: OutboxMessage, language: str | None) -> dict[str, Any]:
        """The message id and parameters of a send, as extra Bot API parameters: Telegram
        ignores them; a bridge to a channel with message templates fills them from these."""
        settings = self.services.settings
        language = language or settings.default_language
        translate = self.services.i18n.translator(language)
        payload = row.payload or {}
        params = template_params(payload, translate, language=language, tz=settings.tz)
        return {"tongxin_msgid": str(payload.get("msgid")), "tongxin_params": params}

    def _render(self, row: OutboxMessage, language: str | None) -> list[Part]:
        settings = self.services.settings
        language = language or settings.default_language
        translate = self.services.i18n.translator(language)
        return render(
            row.payload or {}, translate, self.bot, language=language, tz=settings.tz,
            chart_font=settings.cjk_font,
        )  # fmt: skip

    async def _send_part(self, chat_id: int, part: Part, extra: dict[str, Any]) -> None:
        """One part: a photo, voice note or document with its caption, or a text."""
        if part.photo is not None:
            await self.bot.send_photo(
                chat_id, part.photo, caption=part.text, reply_markup=part.markup, **extra
            )
        elif part.voice is not None:
            await self.bot.send_voice(
                chat_id, part.voice, caption=part.text, reply_markup=part.markup, **extra
            )
        elif part.document is not None:
            await self.bot.send_document(
                chat_id, part.document, caption=part.text, reply_markup=part.markup, **extra
            )
        else:
            await self.bot.send_message(chat_id, part.text or "", reply_markup=part.markup, **extra)
