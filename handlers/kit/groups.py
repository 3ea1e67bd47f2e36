"""Deliberate behaviour in group chats: the few handlers a feature offers there.

Everything else in a group is answered minimally by ``private_chats_only``. A feature's
``Feature.groups`` handlers are registered in the same handler group, ahead of that guard, so
they see group updates first; each takes only updates from a group or supergroup and stops the
update when done, so no private flow ever sees it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, filters

from bot.context import TongxinContext
from handlers.kit.taps import TapCallback, tap_handler
from models.core.callbacks import CallbackCode

GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
Callback = Callable[..., Coroutine[Any, Any, Any]]


def _stopping(callback: Callback) -> Callback:
    @functools.wraps(callback)
    async def handled(update: Update, context: TongxinContext, *args: Any) -> None:
        await callback(update, context, *args)
        raise ApplicationHandlerStop()

    return handled


class _GroupTaps(CallbackQueryHandler):  # type: ignore[type-arg]
    """A callback query handler for taps under messages in a group chat only."""

    def check_update(self, update: object) -> Any:
        """Take the tap only when it was made in a group or supergroup."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return None
        if update.effective_chat.type not in GROUP_CHATS:
            return None
        return super().check_update(update)


def group_tap_handler(
    code: CallbackCode, callback: TapCallback, *, actions: Collection[str] | None = None
) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """``tap_handler`` for taps in a group chat (parsed and refused alike); stops the update."""
    private = tap_handler(code, _stopping(callback), actions=actions)
    return _GroupTaps(private.callback, pattern=private.pattern)


def group_command(command: str, callback: Callback) -> CommandHandler:  # type: ignore[type-arg]
    """``/command`` (or ``/command@bot``) typed in a group chat; stops the update."""
    return CommandHandler(command, _stopping(callback), filters=filters.ChatType.GROUPS)
