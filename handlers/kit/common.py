"""Shared handler plumbing: who is talking, replying in their language, role checks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import Application, ApplicationHandlerStop, ConversationHandler

from bot.context import TongxinContext
from handlers.kit.ui import is_nav
from models.core.authz import Action, Scope, can, scopes_of
from models.core.errors import DomainError
from models.core.people import Person, find_person

logger = logging.getLogger(__name__)

Markup = ReplyKeyboardMarkup | ReplyKeyboardRemove | Any
HandlerFn = TypeVar("HandlerFn", bound=Callable[..., Awaitable[Any]])
Step = Callable[[Update, TongxinContext], Coroutine[Any, Any, int]]


async def load_person(update: object, context: TongxinContext) -> None:
    """Runs first for every update: finds the person and settles the reply language."""
    if not isinstance(update, Update):
        return
    context.services.metrics.updates.labels(kind=_kind(update)).inc()
    user = update.effective_user
    if user is None:
        return
    async with context.services.sessions() as session:
        context.person = await find_person(session, user.id)
    stored = context.person.language if context.person else context.user_data.get("lang")  # type: ignore[union-attr]
    context.lang = context.services.i18n.resolve(stored, user.language_code)


def _kind(update: Update) -> str:
    if update.callback_query is not None:
        return "callback"
    if update.message is not None:
        return "command" if (update.message.text or "").startswith("/") else "message"
    return "other"


async def reply(
    update: Update, context: TongxinContext, text: str, markup: Markup | None = None, **kw: Any
) -> None:
    """Send ``text`` (already translated) to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await context.bot.send_message(chat.id, text, reply_markup=markup, **kw)


async def reply_error(update: Update, context: TongxinContext, error: DomainError) -> None:
    """Explain a refused domain rule in the user's language."""
    await reply(update, context, context.t(error.message_id, **error.params))


def registered(person: Person | None) -> bool:
    """Whether the person finished onboarding."""
    return person is not None and person.onboarded_at is not None


async def current_scopes(context: TongxinContext) -> set[Scope]:
    """Roles of the current person (empty when unregistered)."""
    if not registered(context.person):
        return set()
    assert context.person is not None
    async with context.services.sessions() as session:
        return await scopes_of(session, context.person, context.services.settings.admin_ids)


def requires(action: Action) -> Callable[[HandlerFn], HandlerFn]:
    """Guard a handler: registered users whose roles allow ``action``; others get a refusal."""

    def decorate(handler: HandlerFn) -> HandlerFn:
        @functools.wraps(handler)
        async def guarded(update: Update, context: TongxinContext, *args: Any) -> Any:
            if not registered(context.person):
                await reply(update, context, context.t("error.not_registered"))
                raise ApplicationHandlerStop()
            if not can(await current_scopes(context), action):
                assert context.person is not None
                logger.info("person %s refused %s", context.person.id, action.value)
                if update.callback_query is not None:
                    await update.callback_query.answer(
                        context.t("error.not_allowed"), show_alert=True
                    )
                else:
                    await reply(update, context, context.t("error.not_allowed"))
                raise ApplicationHandlerStop()
            return await handler(update, context, *args)

        guarded.required_action = action  # type: ignore[attr-defined]  # read by the authz matrix test
        return guarded  # type: ignore[return-value]

    return decorate


def end_conversations(
    application: Application,
    chat_id: int,
    user_id: int,
    keep: str | None = None,
) -> None:
    """End this user's state in every conversation (but ``keep``), in memory and when stored.

    Deleting a conversation key marks it for deletion at the next persistence flush, so a state
    changed moments ago (not yet flushed) cannot be written back later. Entering a flow calls
    this too, so an abandoned screen of another flow cannot swallow the new flow's answers.
    """
    keys = {(chat_id, user_id), (user_id,), (chat_id,)}
    for group in application.handlers.values():
        for handler in group:
            if not isinstance(handler, ConversationHandler) or (keep and handler.name == keep):
                continue
            states = handler._conversations  # PTB has no public way to end another conversation
            for key in [k for k in states if k in keys]:
                del states[key]


def forget_ui_state(application: Application, chat_id: int, user_id: int) -> None:
    """Drop user/chat data and this user's state in every conversation, in memory and stored."""
    end_conversations(application, chat_id, user_id)
    application.drop_user_data(user_id)
    application.drop_chat_data(chat_id)


def closing_other_flows(name: str, callback: HandlerFn) -> HandlerFn:
    """Wrap a flow's entry point so entering it ends the user's other half-finished flows."""

    @functools.wraps(callback)
    async def entered(update: Update, context: TongxinContext, *args: Any) -> Any:
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and user is not None:
            end_conversations(context.application, chat.id, user.id, keep=name)
        return await callback(update, context, *args)

    return entered  # type: ignore[return-value]


def message_text(update: Update) -> str | None:
    """The text of the user's message in this update, if any."""
    return update.message.text if update.message else None


def screen(step: Step, *, back: Step, home: Step) -> Step:
    """One reply-keyboard screen of a registered user's flow.

    🏠 runs ``home``, ⬅️ runs ``back``, anything else goes to ``step``; someone who is not
    (or no longer) registered is told to /start and the flow ends.
    """

    async def run(update: Update, context: TongxinContext) -> int:
        if not registered(context.person):
            await reply(update, context, context.t("error.not_registered"))
            return ConversationHandler.END
        text = message_text(update)
        if is_nav(text, context.t, "home"):
            return await home(update, context)
        if is_nav(text, context.t, "back"):
            return await back(update, context)
        return await step(update, context)

    run.__name__ = step.__name__
    return run
