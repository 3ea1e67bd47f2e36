"""Check-in: volunteers and admins mark attendance from the day's list, or by the receipt's QR.

``/checkin`` lists today's slots with bookings at the staff member's towns; a slot shows its
roster, one button per person, and a tap checks them in (the button turns ✅ in place). Callback
data carries the state (``ci:list:<page>``, ``ci:s:<slot>:<page>``, ``ci:b:<booking>:<page>``,
``ci:home``) and every tap is re-checked for the venue's town. The QR code opens
``/start ci_<code>``, which onboarding hands to :func:`check_in_by_code`.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import TongxinContext
from bot.timefmt import format_clock, format_day, format_span
from handlers.booking.staff.approvals import staff_name
from handlers.kit import (
    Buttons,
    current_scopes,
    leave_to_main_menu,
    main_menu_keyboard,
    nav_buttons,
    refuse_tap,
    reply,
    requires,
    show_screen,
)
from models.booking.bookings import BookingStatus
from models.booking.slots import Slot, day_bounds
from models.booking.staff import check_in, roster, slots_to_check_in
from models.core.authz import Action, can
from models.core.errors import DomainError, NotAllowed
from models.core.people import Person
from models.core.places import ServiceCentre, Venue, list_towns

logger = logging.getLogger(__name__)

CODE_PREFIX = "ci_"
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
SLOTS_PER_PAGE = 8
PEOPLE_PER_PAGE = 10
MAX_ID = 2**31 - 1


def checkin_code(args: list[str] | None) -> str | None:
    """The booking code of a ``/start ci_<code>`` deep link, if that is what was sent."""
    if not args or not args[0].startswith(CODE_PREFIX):
        return None
    code = args[0][len(CODE_PREFIX) :]
    return code if _CODE.match(code) else None


def _number(value: str, limit: int = MAX_ID) -> int:
    if not value.isdigit() or not 0 <= int(value) <= limit:
        raise NotAllowed()
    return int(value)


async def _towns(context: TongxinContext) -> frozenset[int]:
    """The towns whose venues this person may check people in at."""
    scopes = await current_scopes(context)
    async with context.services.sessions() as session:
        towns = await list_towns(session)
    return frozenset(t.id for t in towns if t.id is not None and can(scopes, Action.CHECK_IN, t.id))


def _today(context: TongxinContext) -> tuple[datetime, datetime]:
    tz = context.services.settings.tz
    return day_bounds(datetime.now(tz).date(), tz)


async def check_in_by_code(update: Update, context: TongxinContext, code: str) -> None:
    """``/start ci_<code>``: a volunteer's scan checks the resident in; others are refused."""
    assert context.person is not None
    t, tz = context.t, context.services.settings.tz
    menu = main_menu_keyboard(context)
    scopes = await current_scopes(context)
    if not can(scopes, Action.CHECK_IN):
        logger.info("person %s scanned a check-in code without the role", context.person.id)
        await reply(update, context, t("checkin.error.staff_only"), menu)
        return
    try:
        async with context.services.sessions() as session, session.begin():
            staff = await session.get(Person, context.person.id)
            assert staff is not None
            view = await check_in(session, staff, scopes, code=code)
            resident = await session.get(Person, view.booking.person_id)
    except NotAllowed:
        logger.info("person %s scanned a code outside their towns", context.person.id)
        await reply(update, context, t("checkin.error.other_town"), menu)
        return
    except DomainError as error:
        await reply(update, context, t(error.message_id, **error.params), menu)
        return
    logger.info("person %s checked in booking %s by code", staff.id, view.booking.id)
    text = t(
        "checkin.done",
        name=staff_name(context, resident),
        party=view.booking.party_size,
        venue=view.venue.name(context.lang),
        centre=view.centre.name(context.lang),
        time=format_clock(view.slot.starts_at, tz),
    )
    await reply(update, context, text, menu)


async def _slots_screen(update: Update, context: TongxinContext, page: int) -> None:
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    since, until = _today(context)
    async with context.services.sessions() as session:
        found = await slots_to_check_in(session, await _towns(context), since=since, until=until)
    day = format_day(since.astimezone(tz).date(), lang)
    if not found:
        buttons = [nav_buttons(t, "ci:home", "ci:home")]
        await show_screen(update, context, t("checkin.empty", day=day), buttons)
        return
    pages = (len(found) + SLOTS_PER_PAGE - 1) // SLOTS_PER_PAGE
    page %= pages
    buttons = []
    for item in found[page * SLOTS_PER_PAGE : (page + 1) * SLOTS_PER_PAGE]:
        label = t(
            "checkin.slot.button",
            time=format_clock(item.slot.starts_at, tz),
            venue=item.venue.name(lang),
            centre=item.centre.name(lang),
            attended=item.attended,
            booked=item.booked,
        )
        buttons.append([InlineKeyboardButton(label, callback_data=f"ci:s:{item.slot.id}:0")])
    if pages > 1:
        more = f"ci:list:{(page + 1) % pages}"
        buttons.append([InlineKeyboardButton(t("nav.more"), callback_data=more)])
    buttons.append(nav_buttons(t, "ci:home", "ci:home"))
    text = t("checkin.title", day=day, count=len(found), page=page + 1, pages=pages)
    await show_screen(update, context, text, buttons)


async def _roster_screen(update: Update, context: TongxinContext, slot_id: int, page: int) -> None:
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    async with context.services.sessions() as session:
        people = await roster(session, slot_id, await current_scopes(context))  # town re-checked
        slot = await session.get(Slot, slot_id)
        venue = await session.get(Venue, slot.venue_id) if slot else None
        centre = await session.get(ServiceCentre, venue.centre_id) if venue else None
    assert slot is not None and venue is not None and centre is not None
    pages = max(1, (len(people) + PEOPLE_PER_PAGE - 1) // PEOPLE_PER_PAGE)
    page %= pages
    buttons: Buttons = []
    for booking, person in people[page * PEOPLE_PER_PAGE : (page + 1) * PEOPLE_PER_PAGE]:
        done = booking.status == BookingStatus.ATTENDED.value
        label = t(
            "checkin.person.done" if done else "checkin.person.todo",
            name=staff_name(context, person),
            party=booking.party_size,
        )
        data = f"ci:b:{booking.id}:{page}"
        buttons.append([InlineKeyboardButton(label, callback_data=data)])
    if pages > 1:
        more = f"ci:s:{slot_id}:{(page + 1) % pages}"
        buttons.append([InlineKeyboardButton(t("nav.more"), callback_data=more)])
    buttons.append(nav_buttons(t, "ci:list:0", "ci:home"))
    attended = sum(b.status == BookingStatus.ATTENDED.value for b, _ in people)
    text = t(
        "checkin.roster.title",
        venue=venue.name(lang),
        centre=centre.name(lang),
        when=format_span(slot.starts_at, slot.ends_at, lang, tz),
        attended=attended,
        booked=len(people),
    )
    await show_screen(update, context, text, buttons)


async def _check_in(update: Update, context: TongxinContext, booking_id: int, page: int) -> None:
    assert context.person is not None
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        staff = await session.get(Person, context.person.id)
        assert staff is not None
        view = await check_in(session, staff, scopes, booking_id=booking_id)
    logger.info("person %s checked in booking %s from the list", staff.id, booking_id)
    assert view.slot.id is not None
    await _roster_screen(update, context, view.slot.id, page)


@requires(Action.CHECK_IN)
async def checkin_command(update: Update, context: TongxinContext) -> None:
    """/checkin: today's slots with bookings at the staff member's towns."""
    await _slots_screen(update, context, 0)


@requires(Action.CHECK_IN)
async def checkin_callback(update: Update, context: TongxinContext) -> None:
    """Every ``ci:`` tap: the day's list, a slot's roster, a person checked in, home."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")
    try:
        match parts:
            case ["ci", "list", page]:
                await _slots_screen(update, context, _number(page, 999))
            case ["ci", "s", slot_id, page]:
                await _roster_screen(update, context, _number(slot_id), _number(page, 999))
            case ["ci", "b", booking_id, page]:
                await _check_in(update, context, _number(booking_id), _number(page, 999))
            case ["ci", "home"]:
                await leave_to_main_menu(update, context)
            case _:
                raise NotAllowed()
    except DomainError as error:
        await refuse_tap(update, context, error)


def checkin_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/checkin and its ``ci:`` taps."""
    return [
        CommandHandler("checkin", checkin_command),
        CallbackQueryHandler(checkin_callback, pattern=r"^ci:"),
    ]
