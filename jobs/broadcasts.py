"""Broadcast job: start due broadcasts, keep one progress message per broadcast, report at the end.

Every ``INTERVAL`` seconds: ``start_due_broadcasts`` fans due broadcasts out to the outbox; then,
for each broadcast still being sent, the author's progress message ("已发送 1,200 / 5,000") is
sent once and edited when the numbers change; when nothing is left in flight the broadcast is
finished and the delivery report is enqueued to the author (``models.broadcasts.sending``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import Services, TongxinContext
from jobs import Job
from models.broadcasts.compose import Broadcast, BroadcastStatus
from models.broadcasts.sending import (
    finish_if_settled,
    number,
    progress,
    set_progress_message,
    start_due_broadcasts,
    unfinished_broadcasts,
)
from models.core.people import Person

logger = logging.getLogger(__name__)

INTERVAL = 2.0
JOB_NAME = "broadcasts"


@dataclass
class ProgressBoard:
    """What each progress message shows now, so it is edited only when the numbers change."""

    shown: dict[int, str] = field(default_factory=dict)


def _progress_text(services: Services, author: Person, broadcast: Broadcast, sent: int) -> str:
    t = services.i18n.translator(author.language)
    if broadcast.finished_at is not None:
        msgid = (
            "broadcast.progress.cancelled"
            if broadcast.status == BroadcastStatus.CANCELLED.value
            else "broadcast.progress.done"
        )
    else:
        msgid = (
            "broadcast.progress.cancelling"
            if broadcast.status == BroadcastStatus.CANCELLED.value
            else "broadcast.progress"
        )
    return t(msgid, id=broadcast.id, sent=number(sent), total=number(broadcast.recipients))


async def _show(
    services: Services, bot: Bot, board: ProgressBoard, broadcast: Broadcast, sent: int
) -> None:
    """Send the author's progress message once, then edit it when its text changes."""
    assert broadcast.id is not None
    if broadcast.progress_message_id == 0 or broadcast.author_id is None:
        return
    async with services.sessions() as session:
        author = await session.get(Person, broadcast.author_id)
    if author is None or author.chat_id is None:
        return
    text = _progress_text(services, author, broadcast, sent)
    if board.shown.get(broadcast.id) == text:
        return
    try:
        if broadcast.progress_message_id is None:
            message = await bot.send_message(author.chat_id, text)
            broadcast.progress_message_id = message.message_id
            async with services.sessions() as session, session.begin():
                await set_progress_message(session, broadcast.id, message.message_id)
        else:
            await bot.edit_message_text(text, author.chat_id, broadcast.progress_message_id)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            logger.warning("progress of broadcast %s not shown: %s", broadcast.id, exc.message)
    except Forbidden:
        async with services.sessions() as session, session.begin():
            await set_progress_message(session, broadcast.id, 0)
    except TelegramError as exc:  # retried at the next tick
        logger.warning("progress of broadcast %s not shown: %s", broadcast.id, exc)
        return
    board.shown[broadcast.id] = text


async def tick(services: Services, bot: Bot, board: ProgressBoard) -> None:
    """One round: start due broadcasts, update progress messages, finish settled broadcasts."""
    async with services.sessions() as session, session.begin():
        await start_due_broadcasts(session)
    async with services.sessions() as session:
        active = await unfinished_broadcasts(session)
    for broadcast in active:
        assert broadcast.id is not None
        async with services.sessions() as session, session.begin():
            done = await finish_if_settled(session, broadcast.id)
            now = await session.get(Broadcast, broadcast.id, populate_existing=True)
            counts = done or await progress(session, broadcast.id)
        assert now is not None
        await _show(services, bot, board, now, counts.sent)
        if done is not None:
            board.shown.pop(broadcast.id, None)


async def broadcast_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`tick`."""
    board = context.job.data if context.job else None
    assert isinstance(board, ProgressBoard)
    await tick(context.services, context.bot, board)


JOBS = [
    Job(
        JOB_NAME,
        broadcast_job,
        every=timedelta(seconds=INTERVAL),
        first=timedelta(seconds=INTERVAL),
        data=ProgressBoard,
    )
]
