"""At the door: today's events under ``/checkin`` (beside booking's slots), an event's roster to
tick, walk-ins with their town and party size, the driver's ride list, the roster and the
attendance as CSV files, and the receipt's QR code (``/start ev_<code>``).

Inline screens whose ``evd:`` data carry the state; every tap runs ``@requires`` and then one
use case that checks the event is hosted by a town the staff member covers, so a forged id
naming another town's event or registration is refused with an alert and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import TongxinContext
from bot.timefmt import format_clock
from handlers.events.staff.codes import DOOR
from handlers.events.staff.screens import Inline
from handlers.kit import (
    Buttons,
    Tap,
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
    today,
)
from models.booking import CHECK_IN
from models.core.authz import Action, holds
from models.core.errors import DomainError
from models.events import (
    DoorRoster,
    RegStatus,
    door_csv,
    door_events,
    door_roster,
    ride_list,
    scan_in,
    tick,
    walk_in,
)

logger = logging.getLogger(__name__)

HOME = DOOR.data("home")
PER_PAGE = 6  # people a roster screen (elder layout)
PARTY_CHOICES = 6


def _button(label: str, action: str, *fields: int) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=DOOR.data(action, *fields))]


async def door_rows(context: TongxinContext) -> Buttons:
    """Today's events at the staff member's towns, a button each (for ``/checkin``)."""
    if not holds(await current_scopes(context), Action.CHECK_IN):
        return []
    tz, t = context.services.settings.tz, context.t
    start = datetime.combine(today(context), time(0), tz)
    lines = await run(
        context, door_events, scopes=await current_scopes(context),
        day_start=start, day_end=start + timedelta(days=1),
    )  # fmt: skip
    return [
        _button(
            t(
                "events_staff.door.event",
                time=format_clock(line.event.starts_at, tz),
                name=line.event.name(context.lang) or line.event.name_zh,
                attended=line.attended,
                booked=line.booked,
            ),
            "e",
            line.event.id or 0,
            0,
        )
        for line in lines
    ]


def roster_screen(context: TongxinContext, found: DoorRoster, page: int, first: str = "") -> Inline:
    """An event's people, one button each (☐ to tick, ✅ once in), and the door's tools."""
    t, event = context.t, found.event
    e = event.id or 0
    pages = max(1, -(-len(found.lines) // PER_PAGE))
    page %= pages
    buttons: Buttons = []
    for line in found.lines[page * PER_PAGE : (page + 1) * PER_PAGE]:
        r = line.registration
        done = r.status == RegStatus.ATTENDED.value
        msgid = "events_staff.door.person.done" if done else "events_staff.door.person.todo"
        label = t.n(msgid, r.party_size, name=line.name, party=r.party_size)
        buttons.append(_button(label, "r", r.id or 0, page))
    buttons += [
        _button(t("events_staff.door.walk_in"), "w", e),
        _button(t("events_staff.door.rides"), "ride", e),
        _button(t("events_staff.door.csv_roster"), "csv", e, 0),
        _button(t("events_staff.door.csv_attendance"), "csv", e, 1),
    ]
    more = lambda p: DOOR.data("e", e, p)  # noqa: E731
    buttons += page_rows(t, page, pages, more, back=CHECK_IN.data("list", 0), home=HOME)
    attended = sum(
        x.registration.party_size for x in found.lines if x.registration.status == "attended"
    )
    text = t(
        "events_staff.door.title", name=event.name(context.lang) or event.name_zh,
        time=format_clock(event.starts_at, context.services.settings.tz),
        attended=attended, booked=sum(x.registration.party_size for x in found.lines),
    )  # fmt: skip
    return (f"{first}\n\n{text}" if first else text), buttons


def town_screen(context: TongxinContext, found: DoorRoster) -> Inline:
    """A walk-in: which town are they from?"""
    t, e = context.t, found.event.id or 0
    buttons = [_button(town.name(context.lang), "wt", e, town.id or 0) for town in found.towns]
    buttons.append(_button(t("events_staff.door.elsewhere"), "wt", e, 0))
    buttons.append(nav_buttons(t, DOOR.data("e", e, 0), HOME))
    return t("events_staff.door.ask_town"), buttons


def party_screen(context: TongxinContext, event_id: int, town_id: int) -> Inline:
    """A walk-in: how many people?"""
    t = context.t
    buttons = [
        _button(t.n("events_staff.door.people", n, n=n), "wp", event_id, town_id, n)
        for n in range(1, PARTY_CHOICES + 1)
    ]
    buttons.append(nav_buttons(t, DOOR.data("w", event_id), HOME))
    return t("events_staff.door.ask_party"), buttons


async def rides_screen(context: TongxinContext, event_id: int) -> Inline:
    """The driver's list: each pick-up point, its time, and who asked for a ride."""
    t, tz = context.t, context.services.settings.tz
    event, stops = await run(
        context, ride_list, event_id=event_id, scopes=await current_scopes(context)
    )
    parts = []
    for stop in stops:
        o = stop.option
        label = o.label_en if context.lang == "en" and o.label_en else o.label_zh
        clock = format_clock(o.pickup_at, tz) if o.pickup_at else "—"
        riders = [
            t.n("events_staff.rides.rider", r.party, n=n, name=r.name, party=r.party,
                phone=r.phone or t("events_staff.rides.no_phone"))
            for n, r in enumerate(stop.riders, 1)
        ] or [t("events_staff.rides.nobody")]  # fmt: skip
        parts.append("\n".join([t("events_staff.rides.stop", stop=label, time=clock), *riders]))
    body = "\n\n".join(parts) or t("events_staff.rides.none")
    text = t("events_staff.rides.title", name=event.name(context.lang) or event.name_zh, stops=body)
    return text, [nav_buttons(t, DOOR.data("e", event_id, 0), HOME)]


async def _send_csv(
    update: Update, context: TongxinContext, event_id: int, attendance: bool
) -> None:
    event, text = await run(
        context, door_csv, event_id=event_id, scopes=await current_scopes(context),
        attendance=attendance,
    )  # fmt: skip
    kind = "attendance" if attendance else "roster"
    chat = update.effective_chat
    if update.callback_query is not None:
        await update.callback_query.answer()
    if chat is not None:
        await context.bot.send_document(
            chat.id, text.encode("utf-8-sig"), filename=f"event-{event.code}-{kind}.csv",
            caption=context.t(f"events_staff.door.csv_caption.{kind}", name=event.name_zh),
        )  # fmt: skip
    await _roster_after_file(update, context, event_id)


async def _screen(update: Update, context: TongxinContext, tap: Tap) -> Inline | None:
    scopes, e = await current_scopes(context), tap.id() if tap.fields else 0
    match tap.action:
        case "e":
            found = await run(context, door_roster, event_id=e, scopes=scopes)
            return roster_screen(context, found, tap.id(1))
        case "r":
            found = await run(context, tick, registration_id=e, staff=me(context), scopes=scopes)
            logger.info("person %s checked in event registration %s", me(context).id, e)
            return roster_screen(context, found, tap.id(1))
        case "w":
            return town_screen(context, await run(context, door_roster, event_id=e, scopes=scopes))
        case "wt":
            await run(context, door_roster, event_id=e, scopes=scopes)  # the event is theirs
            return party_screen(context, e, tap.id(1))
        case "wp":
            found = await run(
                context, walk_in, event_id=e, town_id=tap.id(1), party_size=tap.id(2),
                staff=me(context), scopes=scopes,
            )  # fmt: skip
            done = context.t.n("events_staff.door.walked_in", tap.id(2), n=tap.id(2))
            return roster_screen(context, found, 0, done)
        case "ride":
            return await rides_screen(context, e)
        case "csv":
            await _send_csv(update, context, e, bool(tap.id(1)))
    return None


async def _roster_after_file(update: Update, context: TongxinContext, event_id: int) -> None:
    """The roster again below a CSV file, so the newest message still has ⬅️ and 🏠."""
    found = await run(context, door_roster, event_id=event_id, scopes=await current_scopes(context))
    text, buttons = roster_screen(context, found, 0)
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, text, reply_markup=InlineKeyboardMarkup(buttons)
        )


@requires(Action.CHECK_IN)
async def on_door_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every ``evd:`` tap: a roster, a tick, a walk-in, the ride list, a CSV file, home."""
    try:
        if tap.action == "home":
            await leave_to_main_menu(update, context)
            return
        shown = await _screen(update, context, tap)
        if shown is not None:
            await show_screen(update, context, *shown)
    except DomainError as error:
        await refuse_tap(update, context, error)


async def check_in_by_code(update: Update, context: TongxinContext, code: str) -> None:
    """``/start ev_<code>``: a volunteer's scan checks the resident in; others are refused."""
    staff, menu = me(context), main_menu_keyboard(context)
    try:
        done = await run(
            context, scan_in, code=code, staff=staff, scopes=await current_scopes(context)
        )
    except DomainError as error:
        logger.info("person %s: event check-in code refused (%s)", staff.id, error.message_id)
        await reply(update, context, error_text(context, error), menu)
        return
    text = context.t.n(
        "events_staff.door.scanned", done.party, name=done.name, party=done.party,
        event=done.event.name(context.lang) or done.event.name_zh,
    )  # fmt: skip
    await reply(update, context, text, menu)
