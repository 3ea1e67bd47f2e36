"""An admin's ✅/❌ under an approval request (``bc:ok:<id>`` / ``bc:no:<id>``).

The request keeps its text; its buttons go and the decision is added below it. The domain
refuses admins of another town, the author, and a broadcast already decided.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from handlers.kit import Tap, current_scopes, me, run
from models.broadcasts import BroadcastStatus, approve, reject

logger = logging.getLogger(__name__)

MAX_TEXT, MAX_CAPTION = 4096, 1024


async def decide(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Approve (``ok``) or reject (``no``) the broadcast, then mark the request decided."""
    approved, broadcast_id = tap.action == "ok", tap.id()
    broadcast = await run(
        context,
        approve if approved else reject,
        person=me(context),
        scopes=await current_scopes(context),
        broadcast_id=broadcast_id,
    )
    verdict = "approved" if approved else "rejected"
    logger.info("person %s %s broadcast %s", me(context).id, verdict, broadcast_id)
    msgid = "broadcast.decided.approved" if approved else "broadcast.decided.rejected"
    if broadcast.status == BroadcastStatus.PENDING_APPROVAL.value:  # another town still decides
        msgid = "broadcast.decided.waiting"
    await _mark_decided(update, context.t(msgid, id=broadcast_id))


async def _mark_decided(update: Update, decision: str) -> None:
    """Keep the request's text, drop its buttons, add the decision (photo requests: caption)."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    has_photo = message is not None and bool(message.photo)
    original = (message.caption if has_photo else message.text) if message is not None else ""
    text = f"{original}\n\n{decision}" if original else decision
    try:
        if has_photo:
            await query.edit_message_caption(text[:MAX_CAPTION], reply_markup=None)
        else:
            await query.edit_message_text(text[:MAX_TEXT], reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
