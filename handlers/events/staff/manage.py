"""Managing events: the organiser's list (``/eventadmin``, or ``/events`` for staff), an event's
card, publishing, announcing, cancelling (asked first) and choosing a detail to change.

Inline screens whose ``evm:`` data carry the state; every tap runs ``@requires`` first and then
one use case that checks the event's town, so a forged id naming another town's event is
refused with an alert and nothing changes. Changing a detail, copying and creating are
conversations (typed answers): ``handlers.events.staff.edit`` and ``.flow``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.events.staff.screens import (
    Inline,
    cancel_screen,
    card_screen,
    fields_screen,
    list_screen,
)
from handlers.events.staff.shares import SCREENS, shares_screen
from handlers.kit import (
    END,
    Tap,
    current_scopes,
    enter_at,
    leave_to_main_menu,
    me,
    refuse_tap,
    requires,
    run,
    show_screen,
)
from models.core.authz import Action, Scope, holds
from models.core.errors import DomainError
from models.events import (
    announce_event,
    cancel_event,
    event_card,
    managed_events,
    publish_event,
)

logger = logging.getLogger(__name__)

TapStep = Callable[[Update, TongxinContext, Tap], Awaitable[object]]
# Taps that open a typed question of a conversation (a detail, copy, new, a quota, an answer):
# while another question waits, its ``evm:`` taps come here, so these are handed on to their
# own conversation instead of being swallowed. Filled by the conversations' modules.
QUESTION_TAPS: dict[str, tuple[TapStep, str]] = {}


def hand_on(action: str, step: TapStep, flow: str) -> None:
    """Let ``on_manage_tap`` open the ``action`` tap's question in the conversation ``flow``."""
    QUESTION_TAPS[action] = (step, flow)


def may_manage_events(scopes: frozenset[Scope]) -> bool:
    """Whether ``/events`` should open the organiser's list for these scopes."""
    return holds(scopes, Action.EVENT_MANAGE)


@requires(Action.EVENT_MANAGE)
async def manage_command(update: Update, context: TongxinContext) -> None:
    """/eventadmin: the events of the organiser's towns, and ➕ a new one."""
    found = await run(context, managed_events, scopes=await current_scopes(context))
    await show_screen(update, context, *list_screen(context, found))


async def show_card(
    update: Update, context: TongxinContext, event_id: int, first: str = ""
) -> None:
    """An event's card (with a line above it, after a change)."""
    card = await run(context, event_card, event_id=event_id, scopes=await current_scopes(context))
    await show_screen(update, context, *card_screen(context, card, first))


async def _announce(context: TongxinContext, event_id: int) -> str:
    """Announce the event to its audience through the broadcasts (their approval rules)."""
    t, settings = context.t, context.services.settings
    card = await run(context, event_card, event_id=event_id, scopes=await current_scopes(context))
    event = card.event
    text = t(
        "events_staff.announce.text",
        name=event.name(context.lang) or event.name_zh or event.name_en,
        when=format_span(event.starts_at, event.ends_at, context.lang, settings.tz),
        place=card.place[1] if context.lang == "en" else card.place[0],
    )
    broadcast = await run(
        context, announce_event, event_id=event_id, person=me(context),
        scopes=await current_scopes(context), text=text,
        approval_towns=settings.broadcast_approval_towns, admin_ids=settings.admin_ids,
        tz=settings.tz,
    )  # fmt: skip
    pending = broadcast.status == "pending_approval"
    msgid = "events_staff.announce.pending" if pending else "events_staff.announce.sent"
    return t.n(msgid, broadcast.recipients, recipients=broadcast.recipients)


async def _screen(context: TongxinContext, tap: Tap) -> Inline | None:
    """The screen a tap leads to, after the one change it asks for (None: shown already)."""
    scopes, person, e = await current_scopes(context), me(context), tap.id() if tap.fields else 0
    match tap.action:
        case "list":
            found = await run(context, managed_events, scopes=scopes, page=tap.id())
            return list_screen(context, found)
        case "e":
            return card_screen(context, await run(context, event_card, event_id=e, scopes=scopes))
        case "ed":
            card = await run(context, event_card, event_id=e, scopes=scopes)
            return fields_screen(context, card)
        case "x":
            return cancel_screen(context, await run(context, event_card, event_id=e, scopes=scopes))
        case "xx":
            told = await run(context, cancel_event, event_id=e, by=person, scopes=scopes)
            logger.info("person %s cancelled event %s (%s told)", person.id, e, told)
            card = await run(context, event_card, event_id=e, scopes=scopes)
            done = context.t.n("events_staff.cancel.done", told, told=told)
            return card_screen(context, card, done)
        case "pub":
            await run(context, publish_event, event_id=e, by=person, scopes=scopes)
            card = await run(context, event_card, event_id=e, scopes=scopes)
            return card_screen(context, card, context.t("events_staff.published"))
        case "ann":
            done = await _announce(context, e)
            card = await run(context, event_card, event_id=e, scopes=scopes)
            return card_screen(context, card, done)
        case action if action in SCREENS:
            return await shares_screen(context, tap)
    return None


@requires(Action.EVENT_MANAGE)
async def on_manage_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """Every ``evm:`` tap but the conversations' (new, a detail, copy): screens and changes."""
    try:
        if tap.action == "home":
            await leave_to_main_menu(update, context)
            return END
        if tap.action in QUESTION_TAPS:  # another question was waiting: this one opens now
            step, flow = QUESTION_TAPS[tap.action]
            state = await step(update, context, tap)
            if state is not None and state != END:
                enter_at(update, context, flow, state)
            return END
        shown = await _screen(context, tap)
        if shown is not None:
            await show_screen(update, context, *shown)
    except DomainError as error:
        await refuse_tap(update, context, error)
    return END
