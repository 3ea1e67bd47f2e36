"""Who is talking: the person loader, ``me()``, and the one role check (``@requires``)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import TongxinContext
from handlers.kit.db import read_first, run
from handlers.kit.replies import reply, reply_not_registered
from models.core.authz import Action, Scope, holds, scopes_of
from models.core.catalogue import person_with_catalogue
from models.core.errors import NotRegistered
from models.core.people import Person

logger = logging.getLogger(__name__)

HandlerFn = TypeVar("HandlerFn", bound=Callable[..., Awaitable[Any]])


async def load_person(update: object, context: TongxinContext) -> None:
    """Runs first for every update: finds the person and settles the reply language."""
    if not isinstance(update, Update):
        return
    context.services.metrics.updates.labels(kind=_kind(update)).inc()
    user = update.effective_user
    if user is None:
        return
    context.person, context.question = await read_first(context, person_with_catalogue, user.id)
    stored = context.person.language if context.person else context.user_data.get("lang")  # type: ignore[union-attr]
    context.lang = context.services.i18n.resolve(stored, user.language_code)


def _kind(update: Update) -> str:
    if update.callback_query is not None:
        return "callback"
    if update.message is not None:
        return "command" if (update.message.text or "").startswith("/") else "message"
    return "other"


def registered(person: Person | None) -> bool:
    """Whether the person finished onboarding."""
    return person is not None and person.onboarded_at is not None


def me(context: TongxinContext) -> Person:
    """The registered person talking; ``NotRegistered`` when they are not (or no longer)."""
    person = context.person
    if person is None or person.id is None or not registered(person):
        raise NotRegistered()
    return person


async def current_scopes(context: TongxinContext) -> frozenset[Scope]:
    """Roles of the current person (empty when unregistered), looked up once per update."""
    if context.scopes is None:
        person = context.person
        if person is None or not registered(person):
            context.scopes = frozenset()
        else:
            admins = context.services.settings.admin_ids
            context.scopes = frozenset(await run(context, scopes_of, person, admins))
    return context.scopes


def requires(action: Action) -> Callable[[HandlerFn], HandlerFn]:
    """Guard a handler: registered users whose roles allow ``action``; others get a refusal."""

    def decorate(handler: HandlerFn) -> HandlerFn:
        @functools.wraps(handler)
        async def guarded(update: Update, context: TongxinContext, *args: Any) -> Any:
            if not registered(context.person):
                await reply_not_registered(update, context, "error.not_registered")
                raise ApplicationHandlerStop()
            if not holds(await current_scopes(context), action):
                logger.info("person %s refused %s", me(context).id, action.value)
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
