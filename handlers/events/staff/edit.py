"""Changing one detail of an event, or copying it to another day: a typed answer to one question.

The ``evm:f:<event>:<detail>`` and ``evm:cp:<event>`` taps open a small persistent conversation;
the answer is read (text, a number, a day and time), the model changes the event and tells its
registrants what changed (``models.events.edit_event``), and the card shows it. ⬅️ goes back
to the card; any other ``evm:`` tap leaves the question.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.events.staff.build import new_code
from handlers.events.staff.codes import MANAGE
from handlers.events.staff.manage import hand_on, on_manage_tap, show_card
from handlers.events.staff.screens import HOME, Inline
from handlers.events.staff.steps import MAX_PARTY
from handlers.events.staff.words import find_date, find_day_time, find_number, find_time
from handlers.kit import (
    END,
    Screen,
    Tap,
    clear_draft,
    conversation,
    current_scopes,
    draft,
    error_text,
    me,
    message_text,
    nav_buttons,
    refuse_tap,
    reply_error,
    requires,
    run,
    show_screen,
    tap_handler,
    today,
)
from models.core.authz import Action
from models.core.errors import DomainError
from models.events import EventInvalid, copy_event, edit_event, event_card

logger = logging.getLogger(__name__)

AWAIT = 1
TEXTS = {  # detail → (the event's column, longest answer)
    "name_zh": ("name_zh", 128),
    "name_en": ("name_en", 128),
    "description_zh": ("description_zh", 1000),
    "description_en": ("description_en", 1000),
    "place": ("place_zh", 250),
    "directions": ("directions_zh", 1000),
}


class Unread(Exception):
    """The answer could not be read: ``msgid`` says what is wanted."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params


def invalid_text(context: TongxinContext, error: DomainError) -> str:
    """A refusal in words; an invalid detail is named in the organiser's language."""
    if isinstance(error, EventInvalid):
        msgid = f"events_staff.invalid.{error.params.get('field')}"
        said = context.t(msgid)
        if said != msgid:
            return said
    return error_text(context, error)


def _question(context: TongxinContext, event_id: int, detail: str) -> Inline:
    t = context.t
    back = MANAGE.data("e", event_id)
    return t(f"events_staff.edit.ask.{detail}"), [nav_buttons(t, back, HOME)]


@requires(Action.EVENT_MANAGE)
async def on_detail_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """``evm:f`` (a detail) or ``evm:cp`` (copy): ask for the typed answer."""
    detail = tap.word(1) if tap.action == "f" else "copy"
    try:
        card = await run(
            context, event_card, event_id=tap.id(), scopes=await current_scopes(context)
        )
    except DomainError as error:
        await refuse_tap(update, context, error)
        return END
    if detail not in (*TEXTS, "when", "ends", "capacity", "party", "copy"):
        await refuse_tap(update, context, EventInvalid(field=detail))
        return END
    event = card.event
    data = draft(context, dict)
    data.update(event=tap.id(), detail=detail, starts=event.starts_at.isoformat(),
                ends=event.ends_at.isoformat())  # fmt: skip
    await show_screen(update, context, *_question(context, tap.id(), detail))
    return AWAIT


def _changes(context: TongxinContext, data: dict[str, Any], text: str | None) -> dict[str, Any]:
    """The event's columns the answer changes; ``Unread`` when it cannot be read."""
    detail, tz = data["detail"], context.services.settings.tz
    starts, ends = datetime.fromisoformat(data["starts"]), datetime.fromisoformat(data["ends"])
    if detail in TEXTS:
        column, longest = TEXTS[detail]
        said = (text or "").strip()
        if not said or len(said) > longest:
            raise Unread("events_staff.again.long", longest=longest)
        return {column: said, "venue_id": None} if detail == "place" else {column: said}
    if detail in ("when", "copy"):
        found = find_day_time(text, today(context))
        if detail == "copy" and found is None:
            day = find_date(text, today(context))
            found = (day, starts.astimezone(tz).time()) if day else None
        if found is None:
            raise Unread("events_staff.again.day_time")
        moved = datetime.combine(found[0], found[1], tz)
        return {"starts_at": moved, "ends_at": moved + (ends - starts)}
    if detail == "ends":
        clock: time | None = find_time(text)
        if clock is None:
            raise Unread("events_staff.again.time")
        return {"ends_at": datetime.combine(starts.astimezone(tz).date(), clock, tz)}
    number = find_number(text)
    high = 10_000 if detail == "capacity" else MAX_PARTY
    if number is None or not 1 <= number <= high:
        raise Unread("events_staff.again.number", low=1, high=high)
    return {"capacity": number} if detail == "capacity" else {"max_party": number}


@requires(Action.EVENT_MANAGE)
async def on_answer(update: Update, context: TongxinContext) -> object:
    """The typed answer: change the event (or copy it) and show its card; else ask again."""
    data = dict(draft(context, dict))
    if "event" not in data:
        return END
    event_id, detail = int(data["event"]), str(data["detail"])
    text, buttons = _question(context, event_id, detail)
    try:
        changes = _changes(context, data, message_text(update))
    except Unread as unread:
        await show_screen(
            update, context, f"{context.t(unread.msgid, **unread.params)}\n\n{text}", buttons
        )
        return AWAIT
    scopes, person = await current_scopes(context), me(context)
    try:
        if detail == "copy":
            copy = await run(
                context, copy_event, event_id=event_id, code=new_code(changes["starts_at"]),
                starts_at=changes["starts_at"], ends_at=changes["ends_at"], by=person,
                scopes=scopes,
            )  # fmt: skip
            clear_draft(context)
            await show_card(update, context, copy.id or 0, context.t("events_staff.copied"))
            return END
        edited = await run(
            context, edit_event, event_id=event_id, changes=changes, by=person, scopes=scopes
        )
    except EventInvalid as error:
        await show_screen(update, context, f"{invalid_text(context, error)}\n\n{text}", buttons)
        return AWAIT
    except DomainError as error:
        clear_draft(context)
        await reply_error(update, context, error)
        return END
    logger.info("person %s changed %s of event %s", person.id, edited.changed, event_id)
    clear_draft(context)
    msgid = "events_staff.edited" if edited.changed else "events_staff.unchanged"
    await show_card(update, context, event_id, context.t(msgid))
    return END


async def back_to_card(update: Update, context: TongxinContext) -> object:
    """⬅️ typed while the question waits: the event's card."""
    event_id = draft(context, dict).get("event")
    clear_draft(context)
    if event_id:
        try:
            await show_card(update, context, int(event_id))
        except DomainError as error:
            await reply_error(update, context, error)
    return END


def edit_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The typed answers of ``evm:f`` and ``evm:cp``; other ``evm:`` taps leave the question."""
    for action in ("f", "cp"):
        hand_on(action, on_detail_tap, "events_edit")
    return conversation(
        "events_edit",
        entry_points=[tap_handler(MANAGE, on_detail_tap, actions=("f", "cp"))],
        screens={AWAIT: Screen(on_answer, back=back_to_card)},
        extra={AWAIT: [tap_handler(MANAGE, on_manage_tap)]},
    )
