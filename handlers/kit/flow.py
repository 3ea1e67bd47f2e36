"""Flows: one constructor for a reply-keyboard conversation with the standard ways out.

Every flow built with ``conversation`` is persistent (a restart strands nobody mid-flow),
re-enterable, and answers the same way everywhere: 🏠 / ``/menu`` leaves to the main menu,
``/cancel`` leaves saying nothing was kept, ``/help`` leaves to the help screen, ⬅️ runs the
screen's own Back step (on a list's later page: the page before), the kit's "more" shows the
next page of a list too long for the person's layout, and anything else goes to the screen's
step. Someone who is not (or no longer) registered is told to start, and the flow ends.
Leaving always clears the draft.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import TongxinContext
from handlers.kit.drafts import clear_draft
from handlers.kit.feature import Wiring
from handlers.kit.menu import MenuButton, show_help, show_main_menu
from handlers.kit.person import registered
from handlers.kit.ptb import all_conversations, set_conversation_state
from handlers.kit.replies import reply_not_registered
from handlers.kit.screens import ask_fewer, ask_more, message_text, more_asked, on_a_later_page
from handlers.kit.ui import is_nav
from handlers.kit.words import before_step

Step = Callable[[Update, TongxinContext], Coroutine[Any, Any, Any]]
END = ConversationHandler.END
# Any message a screen may answer: text, contacts, voice, photos, stickers … but not commands
# (they are the fallbacks) and not service messages (someone joined a group).
ANSWERS = ~filters.COMMAND & ~filters.StatusUpdate.ALL


@dataclass(frozen=True)
class Screen:
    """One state of a flow: what an answer does, what ⬅️ does (and 🏠, if not the flow's)."""

    step: Step
    back: Step
    home: Step | None = None


async def leave(
    update: Update, context: TongxinContext, msgid: str = "home.prompt", **params: object
) -> int:
    """Leave the flow: drop the draft, show the main menu with ``msgid`` (and its params) above."""
    clear_draft(context)
    await show_main_menu(update, context, msgid, **params)
    return END


async def leave_cancelled(update: Update, context: TongxinContext) -> int:
    """/cancel: nothing was kept; the main menu."""
    return await leave(update, context, "home.cancelled")


async def leave_to_help(update: Update, context: TongxinContext) -> int:
    """/help: leave the flow and show help with the main menu."""
    clear_draft(context)
    await show_help(update, context)
    return END


async def _not_registered(update: Update, context: TongxinContext) -> int:
    """Someone who is not (or no longer) registered is told to start; the flow ends."""
    clear_draft(context)
    await reply_not_registered(update, context, "error.not_registered")
    return END


def entry_points(wiring: Wiring, first: Step, *, command: str, menu: str) -> list[BaseHandler]:  # type: ignore[type-arg]
    """``/command`` and the main menu's ``menu`` item, entering at ``first`` (if registered)."""

    async def enter(update: Update, context: TongxinContext) -> Any:
        if not registered(context.person):
            return await _not_registered(update, context)
        return await first(update, context)

    enter.__name__ = getattr(first, "__name__", "enter")
    enter.__doc__ = first.__doc__
    return [
        CommandHandler(command, enter),
        MessageHandler(MenuButton(wiring.i18n, wiring.menu, menu), enter),
    ]


def screen(step: Step, *, back: Step, home: Step = leave, registered_only: bool = True) -> Step:
    """Wrap a step: 🏠 runs ``home``, ⬅️ runs ``back``; registered people only unless told."""

    async def run_step(update: Update, context: TongxinContext) -> Any:
        if registered_only and not registered(context.person):
            return await _not_registered(update, context)
        text = message_text(update)
        if is_nav(text, context.t, "home"):
            return await home(update, context)
        if is_nav(text, context.t, "back"):
            if on_a_later_page(context):  # a list's later page: ⬅️ is the page before
                return await ask_fewer(update, context)
            return await back(update, context)
        if more_asked(update, context):  # the kit's own page of a long list, not the step's
            return await ask_more(update, context)
        if await before_step(update, context):  # asked "您是说……吗？", or answered a voice note
            return None  # the same state: the screen is still open
        return await step(update, context)

    run_step.__name__ = getattr(step, "__name__", "step")
    run_step.__doc__ = step.__doc__
    return run_step


def conversation(
    name: str,
    *,
    entry_points: Sequence[BaseHandler],  # type: ignore[type-arg]
    screens: Mapping[Any, Screen],
    home: Step = leave,
    extra: Mapping[Any, Sequence[BaseHandler]] | None = None,  # type: ignore[type-arg]
    on_cancel: Step = leave_cancelled,
    on_help: Step = leave_to_help,
    on_menu: Step = leave,
    registered_only: bool = True,
) -> ConversationHandler:  # type: ignore[type-arg]
    """A persistent, re-enterable conversation whose states are ``screens``.

    ``extra`` adds handlers to a state after its message handler (e.g. inline taps that belong
    to the open screen). ``on_cancel``, ``on_help`` and ``on_menu`` replace the standard
    answers to those commands where a flow means something else by them. ``registered_only``
    False lets people who have not finished registering use the flow (their privacy rights).
    """
    extra = extra or {}
    states: dict[object, list[BaseHandler]] = {  # type: ignore[type-arg]
        state: [
            MessageHandler(
                ANSWERS,
                screen(s.step, back=s.back, home=s.home or home, registered_only=registered_only),
            ),
            *extra.get(state, ()),
        ]
        for state, s in screens.items()
    }
    return ConversationHandler(
        entry_points=list(entry_points),
        states=states,
        fallbacks=[
            CommandHandler("cancel", on_cancel),
            CommandHandler("help", on_help),
            CommandHandler("menu", on_menu),
        ],
        name=name,
        persistent=True,
        allow_reentry=True,
    )


def enter_at(update: Update, context: TongxinContext, name: str, state: object) -> None:
    """Put the person on ``state`` of the flow called ``name``: an answer given outside it (to a
    question that arrived by message) whose next step is that flow's screen."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    for flow in all_conversations(context.application):
        if flow.name == name:
            set_conversation_state(flow, chat.id, user.id, state)
