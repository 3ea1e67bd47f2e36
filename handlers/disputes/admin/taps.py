"""/mediation: a town admin's disputes settings. The SLA timings, one typed number at a time
(a small persistent conversation waits for it: a restart loses nothing), and which mediators
take which category, one tap at a time.

Callback data (``models.disputes.TOWN_SETTINGS``) names the town, so every screen survives a
restart and every tap is checked again: ``@requires`` for the role, then the use case for the
town. A tap naming a town out of reach (forged) changes nothing and is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.disputes.admin.screens import (
    NAMES,
    TOWNS,
    amount,
    ask_text,
    category_screen,
    routes_screen,
    town_screen,
    towns_screen,
)
from handlers.disputes.mediator.screens import Inline, put
from handlers.kit import (
    END,
    Screen,
    Tap,
    ask,
    conversation,
    current_scopes,
    draft,
    error_text,
    leave,
    leave_to_main_menu,
    me,
    message_text,
    refuse_tap,
    reply,
    requires,
    run,
    tap_handler,
)
from models.core.authz import Action, Role, Scope
from models.core.errors import DomainError, NotAllowed
from models.disputes import (
    TOWN_SETTINGS,
    Category,
    TimingInvalid,
    TimingsOutOfOrder,
    change_timing,
    choose_route,
    managed_towns,
    record_settings_refusal,
    town_settings,
)

logger = logging.getLogger(__name__)

FLOW = "disputes_settings"
AWAIT = "timing"  # conversation state: a timing waits for its typed number
R = TypeVar("R")


class TimingDraft(TypedDict, total=False):
    """The town and the timing asked for."""

    town: int
    key: str


def _back(scopes: frozenset[Scope]) -> str:
    """Where ⬅️ on a town's screen goes: the towns, for admins of both; else 🏠."""
    both = any(s.role is Role.ADMIN and s.town_id is None for s in scopes)
    return TOWNS if both else TOWN_SETTINGS.data("home")


async def _attempt(
    update: Update,
    context: TongxinContext,
    town_id: int,
    op: str,
    use_case: Callable[..., Awaitable[R]],
    /,
    **kwargs: Any,
) -> R | None:
    """Run ``use_case`` for the town; None after a refusal (a town out of reach is audited)."""
    try:
        return await run(context, use_case, scopes=await current_scopes(context), **kwargs)
    except NotAllowed as error:
        logger.info("person %s refused %s in town %s", me(context).id, op, town_id)
        await run(context, record_settings_refusal, person=me(context), town_id=town_id, op=op)
        await _refuse(update, context, error)
    except DomainError as error:
        await _refuse(update, context, error)
    return None


async def _refuse(update: Update, context: TongxinContext, error: DomainError) -> None:
    if update.callback_query is not None:
        await refuse_tap(update, context, error)
    else:
        await reply(update, context, error_text(context, error))


async def _first_screen(update: Update, context: TongxinContext) -> None:
    """The admin's one town's timings, or the towns to choose from."""
    scopes = await current_scopes(context)
    try:
        towns = await run(context, managed_towns, scopes=scopes)
    except DomainError as error:
        await _refuse(update, context, error)
        return
    if len(towns) != 1:
        await put(update, context, towns_screen(context, towns))
        return
    await _show_town(update, context, towns[0].id or 0)


async def _show_town(update: Update, context: TongxinContext, town_id: int, note: str = "") -> None:
    shown = await _attempt(update, context, town_id, "view", town_settings, town_id=town_id)
    if shown is not None:
        back = _back(await current_scopes(context))
        await put(update, context, town_screen(context, shown, back, note))


@requires(Action.ROLES_MANAGE)
async def mediation_command(update: Update, context: TongxinContext) -> None:
    """/mediation: the town's disputes settings (its SLA timings and category routes)."""
    await _first_screen(update, context)


async def _screen_of(update: Update, context: TongxinContext, tap: Tap) -> Inline | None:
    """The screen a ``ds:`` tap leads to (after the change it asks for); None when refused."""
    town_id = tap.id() if tap.has(0) else 0
    words = {c.value for c in Category}
    category = Category(tap.word(1)) if tap.has(1) and tap.word(1) in words else None
    if tap.action in ("cat", "rt", "all") and category is None:
        await _refuse(update, context, NotAllowed())
        return None
    person = me(context)
    match tap.action:
        case "cats":
            shown = await _attempt(update, context, town_id, "cats", town_settings, town_id=town_id)
            return routes_screen(context, shown) if shown else None
        case "cat" if category is not None:
            shown = await _attempt(update, context, town_id, "cat", town_settings, town_id=town_id)
            return category_screen(context, shown, category) if shown else None
        case "rt" | "all" if category is not None:
            shown = await _attempt(
                update, context, town_id, "route", choose_route, person=person, town_id=town_id,
                category=category.value, mediator_id=tap.id(2) if tap.action == "rt" else None,
            )  # fmt: skip
            note = context.t("disputes_settings.routes.saved")
            return category_screen(context, shown, category, note) if shown else None
    await _refuse(update, context, NotAllowed())
    return None


@requires(Action.ROLES_MANAGE)
async def on_settings_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """Every ``ds:`` tap but ✏️ (the typed timing); a typed question waiting is left."""
    match tap.action:
        case "home":
            await leave_to_main_menu(update, context)
        case "towns":
            await _first_screen(update, context)
        case "town":
            await _show_town(update, context, tap.id())
        case _:
            screen = await _screen_of(update, context, tap)
            if screen is not None:
                await put(update, context, screen)
    return END


@requires(Action.ROLES_MANAGE)
async def on_ask_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """✏️ on one timing: ask for the new number (the town is checked first)."""
    town_id, key = tap.id(), tap.word(1)
    if key not in NAMES:
        await _refuse(update, context, NotAllowed())
        return END
    shown = await _attempt(update, context, town_id, "ask", town_settings, town_id=town_id)
    if shown is None:
        return END
    data = draft(context, TimingDraft)
    data["town"], data["key"] = town_id, key
    return await ask(update, context, ask_text(context, shown, key), [], AWAIT, free_text=True)


async def on_timing(update: Update, context: TongxinContext) -> object:
    """The typed number: saved (and the town's screen again), or asked again, nothing changed."""
    data = draft(context, TimingDraft)
    town_id, key = data.get("town", 0), data.get("key", "")
    try:
        shown = await run(
            context, change_timing, person=me(context), scopes=await current_scopes(context),
            town_id=town_id, key=key, text=message_text(update),
        )  # fmt: skip
    except (TimingInvalid, TimingsOutOfOrder) as error:
        again = await _attempt(update, context, town_id, "ask", town_settings, town_id=town_id)
        if again is None:
            return await leave(update, context, "disputes_settings.nothing_changed")
        first = error_text(context, error)
        return await ask(
            update, context, ask_text(context, again, key), [], AWAIT, first=first, free_text=True
        )
    except NotAllowed as error:
        await run(context, record_settings_refusal, person=me(context), town_id=town_id, op=key)
        await _refuse(update, context, error)
        return await leave(update, context, "disputes_settings.nothing_changed")
    except DomainError as error:
        await _refuse(update, context, error)
        return await leave(update, context, "disputes_settings.nothing_changed")
    t = context.t
    value = amount(t, key, getattr(shown.policy, key))
    await leave(update, context, "disputes_settings.saved", name=t(NAMES[key]), value=value)
    back = _back(await current_scopes(context))
    await put(update, context, town_screen(context, shown, back))
    return END


async def back_to_town(update: Update, context: TongxinContext) -> object:
    """⬅️ while a timing is asked: the town's screen again, nothing changed."""
    town_id = draft(context, TimingDraft).get("town")
    await leave(update, context, "disputes_settings.nothing_changed")
    if town_id is not None:
        await _show_town(update, context, town_id)
    return END


def settings_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """✏️ on a timing opens the question; other ``ds:`` taps still work (and leave it)."""
    return conversation(
        FLOW,
        entry_points=[tap_handler(TOWN_SETTINGS, on_ask_tap, actions=("ask",))],
        screens={AWAIT: Screen(on_timing, back=back_to_town)},
        extra={AWAIT: [tap_handler(TOWN_SETTINGS, on_settings_tap)]},
    )
