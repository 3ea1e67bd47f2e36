"""Shared handler plumbing: who is talking, replying in their language, role checks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ApplicationHandlerStop

from bot.context import TongxinContext
from models.errors import DomainError
from models.people import Person, find_person
from models.roles import Action, Scope, can, scopes_of

logger = logging.getLogger(__name__)

Markup = ReplyKeyboardMarkup | ReplyKeyboardRemove | Any
HandlerFn = TypeVar("HandlerFn", bound=Callable[..., Awaitable[Any]])


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
