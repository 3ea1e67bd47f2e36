"""Check-in: volunteers and admins mark attendance from the day's list, or by the receipt's QR.

``/checkin`` lists today's slots with bookings at the staff member's towns (and, under them,
what other features add: today's events); a slot shows its
roster, one button per person, and a tap checks them in (the button turns ✅ in place). Callback
data (``models.booking.CHECK_IN``) carries the state and every tap is checked again for the
venue's town. The QR code opens ``/start ci_<code>``: :func:`check_in_by_code`.
"""

from __future__ import annotations

import functools
import logging

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from bot.timefmt import format_clock, format_day, format_span
from handlers.booking.staff.words import Inline, staff_name
from handlers.kit import (
    Buttons,
    Tap,
    checkin_rows,
    current_scopes,
    error_text,
    leave_to_main_menu,
    main_menu_keyboard,
    me,
    nav_buttons,
    page_rows,
    refuse_tap,
    reply,
    requires,
    run,
    show_screen,
    tap_handler,
)
from models.booking import (
    CHECK_IN,
    BookingStatus,
    CheckInDay,
    Roster,
    check_in_from_roster,
    check_in_with_code,
    checkin_day,
    checkin_roster,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)

HOME = CHECK_IN.data("home")


def _button(label: str, action: str, *fields: int) -> list[InlineKeyboardButton]:
    # Ids come from stored rows: ``row.id or 0`` only narrows their type (the code refuses 0).
    return [InlineKeyboardButton(label, callback_data=CHECK_IN.data(action, *fields))]


def day_screen(context: TongxinContext, found: CheckInDay, others: Buttons | None = None) -> Inline:
    """Today's slots with people to check in, one button each, then ``others``: rows other
    features add (today's events: ``handlers.kit.checkin_rows``)."""
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    day, slots, others = format_day(found.day, lang), found.slots, others or []
    if not slots.total and not others:
        return t("checkin.empty", day=day), [nav_buttons(t, HOME, HOME)]
    if not slots.total:
        return t("checkin.others", day=day), [*others, nav_buttons(t, HOME, HOME)]
    buttons = []
    for item in slots.items:
        label = t(
            "checkin.slot.button",
            time=format_clock(item.slot.starts_at, tz),
            venue=item.venue.name(lang),
            centre=item.centre.name(lang),
            attended=item.attended,
            booked=item.booked,
        )
        buttons.append(_button(label, "s", item.slot.id or 0, 0))
    buttons.extend(others)
    more = functools.partial(CHECK_IN.data, "list")
    buttons.extend(page_rows(t, slots.page, slots.pages, more, back=HOME, home=HOME))
    text = t.n(
        "checkin.title", slots.total,
        day=day, count=slots.total, page=slots.page + 1, pages=slots.pages,
    )  # fmt: skip
    return text, buttons


def roster_screen(context: TongxinContext, roster: Roster) -> Inline:
    """A slot's people, one button each: ☐ to check in, ✅ once checked in."""
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    people = roster.people
    buttons: Buttons = []
    for booking, person in people.items:
        done = booking.status == BookingStatus.ATTENDED.value
        party = booking.party_size
        label = t.n(
            "checkin.person.done" if done else "checkin.person.todo",
            party,
            name=staff_name(context, person),
            party=party,
        )
        buttons.append(_button(label, "b", booking.id or 0, people.page))
    more = functools.partial(CHECK_IN.data, "s", roster.slot.id or 0)
    back = CHECK_IN.data("list", 0)
    buttons.extend(page_rows(t, people.page, people.pages, more, back=back, home=HOME))
    text = t(
        "checkin.roster.title",
        venue=roster.venue.name(lang),
        centre=roster.centre.name(lang),
        when=format_span(roster.slot.starts_at, roster.slot.ends_at, lang, tz),
        attended=roster.attended,
        booked=people.total,
    )
    return text, buttons


async def check_in_by_code(update: Update, context: TongxinContext, code: str) -> None:
    """``/start ci_<code>``: a volunteer's scan checks the resident in; others are refused."""
    t, tz = context.t, context.services.settings.tz
    menu = main_menu_keyboard(context)
    staff = me(context)
    try:
        done = await run(
            context, check_in_with_code, person=staff, scopes=await current_scopes(context),
            code=code,
        )  # fmt: skip
    except DomainError as error:
        logger.info("person %s: check-in code refused (%s)", staff.id, error.message_id)
        await reply(update, context, error_text(context, error), menu)
        return
    logger.info("person %s checked in booking %s by code", staff.id, done.view.booking.id)
    view, party = done.view, done.view.booking.party_size
    text = t.n(
        "checkin.done",
        party,
        name=staff_name(context, done.resident),
        party=party,
        venue=view.venue.name(context.lang),
        centre=view.centre.name(context.lang),
        time=format_clock(view.slot.starts_at, tz),
    )
    await reply(update, context, text, menu)


@requires(Action.CHECK_IN)
async def checkin_command(update: Update, context: TongxinContext) -> None:
    """/checkin: today's slots with bookings at the staff member's towns."""
    found = await run(
        context, checkin_day, scopes=await current_scopes(context), tz=context.services.settings.tz
    )
    await show_screen(update, context, *day_screen(context, found, await checkin_rows(context)))


@requires(Action.CHECK_IN)
async def on_checkin_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every ``ci:`` tap: the day's list, a slot's roster, a person checked in, home."""
    scopes, tz = await current_scopes(context), context.services.settings.tz
    try:
        match tap.action:
            case "list":
                found = await run(context, checkin_day, scopes=scopes, page=tap.id(), tz=tz)
                others = await checkin_rows(context)
                await show_screen(update, context, *day_screen(context, found, others))
            case "s":
                roster = await run(
                    context, checkin_roster, scopes=scopes, slot_id=tap.id(), page=tap.id(1)
                )
                await show_screen(update, context, *roster_screen(context, roster))
            case "b":
                roster = await run(
                    context, check_in_from_roster, person=me(context), scopes=scopes,
                    booking_id=tap.id(), page=tap.id(1),
                )  # fmt: skip
                logger.info("person %s checked in booking %s", me(context).id, tap.id())
                await show_screen(update, context, *roster_screen(context, roster))
            case "home":
                await leave_to_main_menu(update, context)
    except DomainError as error:
        await refuse_tap(update, context, error)


def checkin_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/checkin and its ``ci:`` taps."""
    return [
        CommandHandler("checkin", checkin_command),
        tap_handler(CHECK_IN, on_checkin_tap, refusal=NotAllowed),
    ]
