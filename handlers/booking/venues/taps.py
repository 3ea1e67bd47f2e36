"""/venues: admins manage their venues' rules, opening hours, closed days and slots.

Inline screens whose callback data (``models.booking.VENUES``) carries all the state, so they
survive a restart and every tap is checked again: by ``@requires`` for the role, then by the
use case for the venue's town. Each tap runs one use case and shows what it returned.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.venues.changes import Change, changed_screen, screen_of
from handlers.booking.venues.screens import Inline
from handlers.kit import (
    END,
    Tap,
    current_scopes,
    leave_to_main_menu,
    me,
    refuse_tap,
    requires,
    run,
    show_screen,
)
from models.booking import (
    VenueScreen,
    close_slot,
    regenerate_venue_slots,
    reopen_closed_days,
    switch_venue_flag,
    venue_blackouts,
    venue_card,
    venue_day,
    venue_days,
    venue_hours,
    venue_list,
    venue_slot,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotFound


@requires(Action.VENUE_MANAGE)
async def venues_command(update: Update, context: TongxinContext) -> None:
    """/venues: the venues this admin manages."""
    shown = await run(context, venue_list, scopes=await current_scopes(context))
    await show_screen(update, context, *screen_of(context, shown))


async def _view(context: TongxinContext, tap: Tap) -> VenueScreen | None:
    """The screen a tap that changes nothing leads to (None: the tap asks for a change)."""
    scopes, tz = await current_scopes(context), context.services.settings.tz
    match tap.action:
        case "list":
            return await run(context, venue_list, scopes=scopes)
        case "c":
            return await run(context, venue_list, scopes=scopes, centre_id=tap.id())
        case "v":
            return await run(context, venue_card, scopes=scopes, venue_id=tap.id())
        case "h":
            return await run(context, venue_hours, scopes=scopes, venue_id=tap.id())
        case "b":
            return await run(context, venue_blackouts, scopes=scopes, venue_id=tap.id())
        case "d":
            return await run(
                context, venue_days, scopes=scopes, venue_id=tap.id(), offset=tap.id(1), tz=tz
            )
        case "sl":
            return await run(
                context, venue_day, scopes=scopes, venue_id=tap.id(), day=tap.word(1), tz=tz
            )
        case "s":
            return await run(context, venue_slot, scopes=scopes, slot_id=tap.id())
    return None


async def _change(context: TongxinContext, tap: Tap) -> Change:
    """Make the change a tap asks for; NotFound for a tap that asks for none."""
    scopes, tz, person = await current_scopes(context), context.services.settings.tz, me(context)
    match tap.action:
        case "t":
            return await run(
                context, switch_venue_flag, person=person, scopes=scopes,
                venue_id=tap.id(), flag=tap.word(1),
            )  # fmt: skip
        case "g":
            return await run(
                context, regenerate_venue_slots, person=person, scopes=scopes,
                venue_id=tap.id(), tz=tz,
            )  # fmt: skip
        case "bd":
            return await run(
                context, reopen_closed_days, person=person, scopes=scopes,
                venue_id=tap.id(), blackout_id=tap.id(1),
            )  # fmt: skip
        case "so":
            return await run(
                context, close_slot, person=person, scopes=scopes,
                slot_id=tap.id(), closed=tap.id(1),
            )  # fmt: skip
    raise NotFound()


async def _shown(context: TongxinContext, tap: Tap) -> Inline:
    """The screen a tap leads to, after the change it asks for (one use case)."""
    view = await _view(context, tap)
    if view is not None:
        return screen_of(context, view)
    return changed_screen(context, await _change(context, tap))


@requires(Action.VENUE_MANAGE)
async def on_venue_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """Every ``va:`` tap but the questions: screens, switches, closing slots, home.

    While a question waits, a tap leaves it (the question is forgotten).
    """
    try:
        if tap.action == "home":
            await leave_to_main_menu(update, context)
        else:
            await show_screen(update, context, *await _shown(context, tap))
    except DomainError as error:
        await refuse_tap(update, context, error)
    return END
