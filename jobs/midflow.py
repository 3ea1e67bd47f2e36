"""Notices that land mid-flow: held for a few minutes, or followed by the question again.

A notice (a broadcast, a status message) that arrives while the person is answering a flow's
question pushes the question and its keyboard up and out of sight; an elderly reader then sees
the notice last and does not know what to do. The pump (``jobs.outbox.OutboxPump``) reads the
person's open screen from the persisted UI state (``models.core.screens.open_screens``; the
pump may be another process) and does both of these:

- **Hold** a non-urgent notice while the person is mid-flow: it goes back to the outbox and is
  looked at again every ``HOLD_STEP``, and goes as soon as they finish or leave the flow, or
  when ``TONGXIN_NOTICE_HOLD_SECONDS`` (default 300: five minutes) have passed since it was
  first held, whichever comes first. Most flows take a minute or two, so most notices wait for
  the end of the flow and never interrupt it.
- **Ask again** after a notice sent mid-flow anyway (urgent, or held long enough): the same
  question with the same keyboard follows it, so the last thing on screen is the question
  being asked, and a typed number still answers what the person sees.

A question sent by message (a reminder, an offer) is neither held nor followed: it replaces
the open screen by design (``handlers/kit/current.py``), and its reply keyboard stays on screen
under a notice (notices bring none), so a typed number still answers it. While it is live, the
flow's question it replaced is not asked again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from telegram import Bot, ReplyKeyboardMarkup
from telegram.error import TelegramError

from bot.context import Services
from jobs.pacing import Pacer
from models.core.base import row_id
from models.core.delivery import replace_payload, retry_later
from models.core.outbox import OutboxMessage
from models.core.questions import QUESTION
from models.core.screens import OpenScreen, open_screens

logger = logging.getLogger(__name__)

HELD_SINCE = "held_since"  # payload key: when the notice was first held (ISO 8601)
HOLD_STEP = timedelta(seconds=15)  # a held notice is looked at again this often


def interrupts(row: OutboxMessage) -> bool:
    """Whether ``row`` is a notice to a person that would bury an open question."""
    return row.person_id is not None and QUESTION not in (row.payload or {})


class MidFlow:
    """Holds and follows notices to people mid-flow; the pump is one."""

    services: Services
    bot: Bot
    pacer: Pacer
    clock: Callable[[], datetime]
    # The bot's own pump writes the bot's UI state first (the application's
    # ``update_persistence``), so what it reads is exact; a separate worker reads it at most a
    # persistence flush (about a second) behind.
    before_screens: Callable[[], Awaitable[None]] | None
    _screens: dict[int, OpenScreen]

    async def look_at_screens(self, batch: list[OutboxMessage]) -> None:
        """Read the open screens of the batch's notice recipients (one query for the batch)."""
        ids = {row.person_id for row in batch if interrupts(row) and row.person_id is not None}
        if not ids:
            self._screens = {}
            return
        if self.before_screens is not None:
            try:
                await self.before_screens()
            except Exception as exc:  # the rows are a flush behind at worst
                logger.warning("writing the UI state before sending failed: %s", type(exc).__name__)
        async with self.services.sessions() as session:
            self._screens = await open_screens(session, ids, now=self.clock())

    def screen_of(self, row: OutboxMessage) -> OpenScreen | None:
        """The question ``row``'s recipient has open, if the row would bury it."""
        if not interrupts(row) or row.person_id is None:
            return None
        return self._screens.get(row.person_id)

    async def hold(self, row: OutboxMessage) -> bool:
        """Put a non-urgent notice back until the flow ends, within the hold; False: send it."""
        limit = timedelta(seconds=self.services.settings.notice_hold_seconds)
        if row.urgent or limit <= timedelta(0):
            return False
        now, payload = self.clock(), dict(row.payload or {})
        since = _when(payload.get(HELD_SINCE)) or now
        if now - since >= limit:
            return False
        payload[HELD_SINCE] = since.isoformat()
        async with self.services.sessions() as session, session.begin():
            await replace_payload(session, row_id(row), payload)
            await retry_later(
                session, row_id(row), min(now + HOLD_STEP, since + limit), row.last_error,
                count_attempt=False,
            )  # fmt: skip
        logger.info("outbox %s (%s) held: its recipient is mid-flow", row.id, row.kind)
        return True

    async def ask_again(self, row: OutboxMessage, screen: OpenScreen, language: str) -> None:
        """After a notice sent mid-flow: the open question again, with its keyboard."""
        translate = self.services.i18n.translator(language)
        text = translate("outbox.screen_again", question=screen.text)
        markup = ReplyKeyboardMarkup.de_json(screen.keyboard, self.bot) if screen.keyboard else None
        await self.pacer.acquire(row.chat_id)
        try:
            await self.bot.send_message(row.chat_id, text, reply_markup=markup)
        except TelegramError as exc:  # the notice itself went; its outcome is recorded
            logger.warning("outbox %s: the question could not be asked again: %s", row.id, exc)


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
