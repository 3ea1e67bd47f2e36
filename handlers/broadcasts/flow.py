"""/broadcast: write a notice, pick its topic and audience, preview it, choose when, confirm.

One question per screen (``handlers.broadcasts.questions``), each answer checked in
``handlers.broadcasts.answers``; ⬅️ goes to the previous question, from the first one to the
main menu. /broadcasts, the inline ``bc:`` taps (history, cancel, and approve/reject under
requests sent before they were questions) and the approval request's reason screen
(``handlers.broadcasts.asked``) are wired here too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from handlers.broadcasts.answers import (
    on_audience,
    on_community,
    on_confirm,
    on_text,
    on_topic,
    on_topic_audience,
    on_town,
    on_when,
)
from handlers.broadcasts.approval import decide
from handlers.broadcasts.asked import approval_conversation
from handlers.broadcasts.history import ask_cancel, cancel, history_command, show_history
from handlers.broadcasts.questions import (
    AUDIENCE,
    COMMUNITY,
    CONFIRM,
    TEXT,
    TOPIC,
    TOPIC_AUDIENCE,
    TOWN,
    WHEN,
    ask_audience,
    ask_text,
    ask_topic,
    show_preview,
)
from handlers.kit import (
    Screen,
    Tap,
    Wiring,
    conversation,
    leave,
    leave_to_main_menu,
    refuse_tap,
    requires,
    tap_handler,
)
from models.broadcasts import BROADCAST_TAP
from models.core.authz import Action
from models.core.errors import DomainError


@requires(Action.BROADCAST)
async def start(update: Update, context: TongxinContext) -> int:
    """Entry: /broadcast (volunteers and admins)."""
    return await ask_text(update, context)


async def go_home(update: Update, context: TongxinContext, _tap: Tap) -> None:
    """🏠 under a broadcasts screen."""
    await leave_to_main_menu(update, context)


# What each ``bc:`` action does (every action of BROADCAST_TAP has one).
TAPS: dict[str, Callable[[Update, TongxinContext, Tap], Awaitable[None]]] = {
    "ok": decide,
    "no": decide,
    "list": show_history,
    "home": go_home,
    "cancel": ask_cancel,
    "stop": cancel,
}


async def on_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every ``bc:`` tap: approve, reject, history, cancel (asked, then done), home."""
    try:
        await TAPS[tap.action](update, context, tap)
    except DomainError as error:
        await refuse_tap(update, context, error)


def _taps() -> BaseHandler:  # type: ignore[type-arg]
    """The ``bc:`` taps, for volunteers and admins.

    The role is checked before the data (as for commands), so someone without it is told so
    even when the data is forged; forged data from a volunteer or admin is refused as unknown.
    """
    handler = tap_handler(BROADCAST_TAP, on_tap)
    handler.callback = requires(Action.BROADCAST)(handler.callback)
    return handler


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /broadcast conversation, the request's reason, /broadcasts and the ``bc:`` taps."""
    return [
        conversation(
            "broadcast",
            entry_points=[CommandHandler("broadcast", start)],
            screens={
                TEXT: Screen(on_text, back=leave),
                TOPIC: Screen(on_topic, back=ask_text),
                AUDIENCE: Screen(on_audience, back=ask_topic),
                TOWN: Screen(on_town, back=ask_audience),
                COMMUNITY: Screen(on_community, back=ask_audience),
                TOPIC_AUDIENCE: Screen(on_topic_audience, back=ask_audience),
                WHEN: Screen(on_when, back=ask_audience),
                CONFIRM: Screen(on_confirm, back=show_preview),
            },
        ),
        approval_conversation(),
        CommandHandler("broadcasts", history_command),
        _taps(),
    ]
