"""/venues: admins manage their venues' rules, opening hours, closed days and slots.

Inline screens (``handlers.booking.venues.screens``) whose callback data carries all the state
(``va:v:3``, ``va:t:3:appr``), so they survive a restart and every tap is re-checked: by
``@requires`` for the action, then by ``models.booking.venues`` for the venue's town. A tap that
asks for a typed value (a number, a day's hours, closed days, a slot's places) enters a small
persistent conversation; the question is kept in ``user_data`` until it is answered.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from handlers.booking.venues.ask import (
    ASK_PATTERN,
    INVALID,
    Ask,
    apply_answer,
    origin_screen,
    prompt_screen,
)
from handlers.booking.venues.screens import (
    FLAG_NAMES,
    Screen,
    blackouts_screen,
    card_screen,
    day_screen,
    days_screen,
    hours_screen,
    list_screen,
    slot_screen,
    yes_no,
)
from handlers.kit import (
    Wiring,
    current_scopes,
    leave_to_main_menu,
    message_text,
    refuse_tap,
    reply_error,
    requires,
    screen,
    show_main_menu,
    show_screen,
)
from handlers.kit import show_help as help_command
from models.booking.venue_texts import TEXT_FIELDS
from models.booking.venues import (
    FLAGS,
    RULES,
    change_slot_closed,
    checked_id,
    managed_slot,
    managed_venue,
    managed_venues,
    regenerate_slots,
    remove_blackout,
    toggle_flag,
)
from models.core.authz import Action
from models.core.base import utcnow
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.places import ServiceCentre

logger = logging.getLogger(__name__)

AWAIT = 1
ASK_KEY = "venues_admin"
MAX_OFFSET = 366


def _today(context: TongxinContext) -> date:
    return utcnow().astimezone(context.services.settings.tz).date()


def _actor(context: TongxinContext) -> int | None:
    return context.person.id if context.person else None


@requires(Action.VENUE_MANAGE)
async def venues_command(update: Update, context: TongxinContext) -> None:
    """/venues: the venues this admin manages."""
    async with context.services.sessions() as session:
        venues = await managed_venues(session, await current_scopes(context))
    await show_screen(update, context, *list_screen(context.t, venues))


@requires(Action.VENUE_MANAGE)
async def venues_callback(update: Update, context: TongxinContext) -> int:
    """Every ``va:`` tap but the questions: screens, toggles, closing slots, home."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")
    context.user_data.pop(ASK_KEY, None)  # type: ignore[union-attr]
    try:
        if parts == ["va", "home"]:
            await leave_to_main_menu(update, context)
        else:
            await show_screen(update, context, *await _tapped(context, parts[1:]))
    except DomainError as error:
        await refuse_tap(update, context, error)
    return ConversationHandler.END


async def _tapped(context: TongxinContext, parts: list[str]) -> Screen:
    """The screen a tap leads to, after the change it asks for (in one transaction)."""
    t, tz = context.t, context.services.settings.tz
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        match parts:
            case ["list"]:
                return list_screen(t, await managed_venues(session, scopes))
            case ["c", centre_id]:
                venues = await managed_venues(session, scopes)
                centre = await session.get(ServiceCentre, checked_id(centre_id))
                if centre is None:
                    raise NotFound()
                if all(c.id != centre.id for _v, c in venues):
                    raise NotAllowed()
                return list_screen(t, venues, centre.id)
            case ["v", venue_id]:
                return await card_screen(
                    t, session, *await managed_venue(session, scopes, venue_id)
                )
            case ["t", venue_id, key] if key in FLAGS:
                venue, centre = await managed_venue(session, scopes, venue_id)
                value = await toggle_flag(session, _actor(context), venue, key)
                notice = t(
                    "venues_admin.done.flag", flag=t(FLAG_NAMES[key]), state=yes_no(t, value)
                )
                return _with(notice, await card_screen(t, session, venue, centre))
            case ["h", venue_id]:
                venue, _centre = await managed_venue(session, scopes, venue_id)
                return await hours_screen(t, session, venue)
            case ["g", venue_id]:
                venue, _centre = await managed_venue(session, scopes, venue_id)
                count = await regenerate_slots(session, _actor(context), venue, _today(context), tz)
                notice = t("venues_admin.done.regenerate", count=count, days=venue.horizon_days)
                return _with(notice, await hours_screen(t, session, venue))
            case ["b", venue_id]:
                venue, _centre = await managed_venue(session, scopes, venue_id)
                return await blackouts_screen(t, session, venue)
            case ["bd", venue_id, blackout_id]:
                venue, _centre = await managed_venue(session, scopes, venue_id)
                await remove_blackout(session, _actor(context), venue, blackout_id)
                notice = t("venues_admin.done.blackout_removed")
                return _with(notice, await blackouts_screen(t, session, venue))
            case ["d", venue_id, offset] if offset.isdigit() and int(offset) <= MAX_OFFSET:
                venue, _centre = await managed_venue(session, scopes, venue_id)
                return days_screen(t, venue, _today(context), int(offset))
            case ["sl", venue_id, day]:
                venue, _centre = await managed_venue(session, scopes, venue_id)
                return await day_screen(t, session, venue, _day(day), _today(context), tz)
            case ["s", slot_id]:
                return slot_screen(t, *await managed_slot(session, scopes, slot_id), tz)
            case ["so", slot_id, ("0" | "1") as closed]:
                slot, venue = await managed_slot(session, scopes, slot_id)
                slot = await change_slot_closed(session, _actor(context), slot, closed == "1")
                msgid = (
                    "venues_admin.done.slot_closed"
                    if slot.closed
                    else "venues_admin.done.slot_opened"
                )
                return _with(t(msgid), slot_screen(t, slot, venue, tz))
    raise NotFound()


def _day(text: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise NotFound()
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError as exc:
        raise NotFound() from exc


def _with(notice: str, shown: Screen) -> Screen:
    """A confirmation line above the screen it leads back to."""
    return f"{notice}\n\n{shown[0]}", shown[1]


@requires(Action.VENUE_MANAGE)
async def ask_callback(update: Update, context: TongxinContext) -> int:
    """A tap that asks for a typed value: show the question and wait for the answer."""
    assert update.callback_query is not None
    ask = _ask_of((update.callback_query.data or "").split(":")[1:])
    try:
        if ask is None:
            raise NotFound()
        shown = await prompt_screen(context, ask)
    except DomainError as error:
        await refuse_tap(update, context, error)
        return ConversationHandler.END
    context.user_data[ASK_KEY] = ask  # type: ignore[index]
    await show_screen(update, context, *shown)
    return AWAIT


def _ask_of(parts: list[str]) -> Ask | None:
    match parts:
        case ["n", venue_id, key] if key in RULES:
            return {"ask": "n", "id": checked_id(venue_id), "key": key}
        case ["hd", venue_id, ("0" | "1" | "2" | "3" | "4" | "5" | "6") as weekday]:
            return {"ask": "hd", "id": checked_id(venue_id), "key": weekday}
        case ["ba", venue_id]:
            return {"ask": "ba", "id": checked_id(venue_id), "key": ""}
        case ["tx", venue_id, key] if key in TEXT_FIELDS:
            return {"ask": "tx", "id": checked_id(venue_id), "key": key}
        case ["sc", slot_id]:
            return {"ask": "sc", "id": checked_id(slot_id), "key": ""}
    return None


@requires(Action.VENUE_MANAGE)
async def on_answer(update: Update, context: TongxinContext) -> int:
    """The typed answer: apply it and confirm, or explain and ask again (nothing changed)."""
    ask: Any = context.user_data.get(ASK_KEY)  # type: ignore[union-attr]
    if not isinstance(ask, dict) or ask.get("ask") not in INVALID:
        await venues_command(update, context)
        return ConversationHandler.END
    text = message_text(update)
    try:
        shown = await apply_answer(context, ask, text)
    except INVALID[ask["ask"]] as error:
        prompt_text, buttons = await prompt_screen(context, ask)
        explained = f"{context.t(error.message_id, **error.params)}\n\n{prompt_text}"
        await show_screen(update, context, explained, buttons)
        return AWAIT
    except DomainError as error:
        context.user_data.pop(ASK_KEY, None)  # type: ignore[union-attr]
        await reply_error(update, context, error)
        return ConversationHandler.END
    context.user_data.pop(ASK_KEY, None)  # type: ignore[union-attr]
    await show_screen(update, context, *shown)
    return ConversationHandler.END


async def back_from_question(update: Update, context: TongxinContext) -> int:
    """⬅️ typed while a question waits: the screen the question came from."""
    ask = context.user_data.pop(ASK_KEY, None)  # type: ignore[union-attr]
    try:
        await show_screen(update, context, *await origin_screen(context, ask))
    except DomainError as error:
        await reply_error(update, context, error)
    return ConversationHandler.END


async def end_home(update: Update, context: TongxinContext, msgid: str = "home.prompt") -> int:
    """🏠 or /menu: drop the question, main menu."""
    context.user_data.pop(ASK_KEY, None)  # type: ignore[union-attr]
    await show_main_menu(update, context, msgid)
    return ConversationHandler.END


async def cancel(update: Update, context: TongxinContext) -> int:
    """/cancel: drop the question, main menu."""
    return await end_home(update, context, "home.cancelled")


async def help_inside(update: Update, context: TongxinContext) -> int:
    """/help: leave the question and show help."""
    context.user_data.pop(ASK_KEY, None)  # type: ignore[union-attr]
    await help_command(update, context)
    return ConversationHandler.END


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """/venues, its taps, and the persistent conversation for typed answers."""
    anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    conversation: ConversationHandler = ConversationHandler(  # type: ignore[type-arg]
        entry_points=[CallbackQueryHandler(ask_callback, pattern=ASK_PATTERN)],
        states={
            AWAIT: [
                MessageHandler(anything, screen(on_answer, back=back_from_question, home=end_home)),
                CallbackQueryHandler(venues_callback, pattern=r"^va:"),
            ]
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_inside),
            CommandHandler("menu", end_home),
        ],
        name="venues_admin",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CommandHandler("venues", venues_command),
        CallbackQueryHandler(venues_callback, pattern=r"^va:"),
    ]
