"""/broadcasts: the author's latest broadcasts, with ⛔ for those not finished, and cancelling.

Cancelling asks first (``bc:cancel:<id>``), then stops the broadcast (``bc:stop:<id>``); the
domain refuses an id the person may not cancel as if it did not exist.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, Update

from bot.context import TongxinContext
from handlers.kit import Buttons, Tap, current_scopes, me, requires, run, show_screen
from models.broadcasts import BROADCAST_TAP, ask_to_cancel, cancel_broadcast, history_page
from models.core.authz import Action

logger = logging.getLogger(__name__)


def _button(label: str, action: str, *values: int) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=BROADCAST_TAP.data(action, *values))]


@requires(Action.BROADCAST)
async def history_command(update: Update, context: TongxinContext) -> None:
    """/broadcasts: the author's latest broadcasts, with Cancel for those not finished."""
    await show_history(update, context)


async def show_history(update: Update, context: TongxinContext, _tap: Tap | None = None) -> None:
    """The history screen (also the ⬅️ of the cancel screens)."""
    mine = await run(context, history_page, person=me(context))
    t, tz = context.t, context.services.settings.tz
    lines, buttons = [t("broadcast.history.title")], []
    if not mine:
        lines.append(t("broadcast.history.empty"))
    for line in mine:
        lines.append(
            t(
                "broadcast.history.line",
                id=line.id,
                date=line.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                status=t(f"broadcast.status.{line.status}"),
                sent=line.sent,
                total=line.total,
                text=line.text[:30],
            )
        )
        if line.cancellable:
            buttons.append(_button(t("broadcast.button.cancel", id=line.id), "cancel", line.id))
    buttons.append(_button(t("nav.home"), "home"))
    await show_screen(update, context, "\n\n".join(lines), buttons)


async def ask_cancel(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Are you sure? (the notice's first words, and what cancelling means)."""
    t = context.t
    question = await run(
        context,
        ask_to_cancel,
        person=me(context),
        scopes=await current_scopes(context),
        broadcast_id=tap.id(),
    )
    buttons: Buttons = [
        _button(t("broadcast.cancel.yes"), "stop", question.id),
        [
            InlineKeyboardButton(t("nav.back"), callback_data=BROADCAST_TAP.data("list")),
            InlineKeyboardButton(t("nav.home"), callback_data=BROADCAST_TAP.data("home")),
        ],
    ]
    text = t("broadcast.cancel.confirm", id=question.id, text=question.text[:60])
    await show_screen(update, context, text, buttons)


async def cancel(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Stop the broadcast: say how many messages will not be sent."""
    broadcast_id = tap.id()
    stopped = await run(
        context,
        cancel_broadcast,
        person=me(context),
        scopes=await current_scopes(context),
        broadcast_id=broadcast_id,
    )
    logger.info("person %s cancelled broadcast %s", me(context).id, broadcast_id)
    text = context.t.n("broadcast.cancelled", stopped, id=broadcast_id, stopped=stopped)
    await show_screen(update, context, text, [_button(context.t("nav.back"), "list")])
