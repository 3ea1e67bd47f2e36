"""Broadcast job: start due broadcasts, keep one progress message per broadcast, report at the end.

Every ``INTERVAL`` seconds: ``start_due_broadcasts`` fans due broadcasts out to the outbox; then,
for each broadcast still being sent, ``settle_broadcast`` finishes it when nothing is left in
flight (the delivery report goes to the author through the outbox) and says where it stands;
the author's progress message ("已发送 1,200 / 5,000") is sent once and edited when it changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import Services, TongxinContext
from jobs import Job
from models.broadcasts import (
    ProgressNote,
    set_progress_message,
    settle_broadcast,
    start_due_broadcasts,
    unfinished_broadcasts,
)

logger = logging.getLogger(__name__)

INTERVAL = 2.0
JOB_NAME = "broadcasts"


@dataclass
class ProgressBoard:
    """What each progress message shows now, so it is edited only when the numbers change."""

    shown: dict[int, str] = field(default_factory=dict)


def _progress_text(services: Services, note: ProgressNote) -> str:
    t = services.i18n.translator(note.language)
    if note.finished:
        msgid = "broadcast.progress.cancelled" if note.cancelled else "broadcast.progress.done"
    else:
        msgid = "broadcast.progress.cancelling" if note.cancelled else "broadcast.progress"
    return t(msgid, id=note.broadcast_id, sent=note.sent, total=note.total)


async def _remember(services: Services, broadcast_id: int, message_id: int) -> None:
    async with services.sessions() as session, session.begin():
        await set_progress_message(session, broadcast_id, message_id)


async def _show(services: Services, bot: Bot, board: ProgressBoard, note: ProgressNote) -> None:
    """Send the author's progress message once, then edit it when its text changes."""
    if note.message_id == 0 or note.chat_id is None:
        return
    text = _progress_text(services, note)
    if board.shown.get(note.broadcast_id) == text:
        return
    try:
        if note.message_id is None:
            message = await bot.send_message(note.chat_id, text)
            await _remember(services, note.broadcast_id, message.message_id)
        else:
            await bot.edit_message_text(text, note.chat_id, note.message_id)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            logger.warning("progress of broadcast %s not shown: %s", note.broadcast_id, exc.message)
    except Forbidden:
        await _remember(services, note.broadcast_id, 0)
    except TelegramError as exc:  # retried at the next tick
        logger.warning("progress of broadcast %s not shown: %s", note.broadcast_id, exc)
        return
    board.shown[note.broadcast_id] = text


async def tick(services: Services, bot: Bot, board: ProgressBoard) -> None:
    """One round: start due broadcasts, update progress messages, finish settled broadcasts."""
    async with services.sessions() as session, session.begin():
        await start_due_broadcasts(session)
    async with services.sessions() as session:
        active = await unfinished_broadcasts(session)
    for broadcast_id in active:
        async with services.sessions() as session, session.begin():
            note = await settle_broadcast(session, broadcast_id=broadcast_id)
        await _show(services, bot, board, note)
        if note.just_finished:
            board.shown.pop(broadcast_id, None)


async def broadcast_job(context: TongxinContext) -> None:
    """JobQueue callback for :func:`tick`."""
    board = context.job.data if context.job else None
    if not isinstance(board, ProgressBoard):
        raise RuntimeError("the broadcast job is scheduled with a ProgressBoard (see JOBS)")
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
