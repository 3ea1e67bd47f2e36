"""/venues questions answered by typing: a number, a day's hours, closed days, a slot's places,
a text. The tap that asks opens a small persistent conversation; the question waits in the
draft until it is answered (a restart loses nothing). ⬅️ goes back to where it was asked.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.booking.venues.changes import changed_screen, screen_of
from handlers.booking.venues.screens import (
    RULE_NAMES,
    TEXT_NAMES,
    Inline,
    back_home,
    days_text,
    periods_text,
    weekday_name,
)
from handlers.booking.venues.slot_screens import span_text
from handlers.booking.venues.taps import on_venue_tap, venues_command
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
    refuse_tap,
    reply_error,
    requires,
    run,
    show_screen,
    tap_handler,
)
from models.booking import (
    MAX_PLACES,
    QUESTIONS,
    RETRY,
    RULES,
    TEXT_FIELDS,
    VENUES,
    Question,
    answer_venue_question,
    question_origin,
    rule_value,
    venue_question,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotFound

AWAIT = 1  # conversation state: a question waits for its typed answer


class QuestionDraft(TypedDict, total=False):
    """The question asked: its kind (``models.booking.QUESTIONS``), venue or slot, and key."""

    kind: str
    target: int
    key: str


def question_screen(context: TongxinContext, question: Question) -> Inline:
    """The question, with ⬅️ (to where it was asked) and 🏠."""
    t, tz = context.t, context.services.settings.tz
    venue, key = question.venue, question.key
    name, v = venue.name(t.language), venue.id or 0
    if question.slot is not None:  # "sc": one slot's places
        slot = question.slot
        day = slot.starts_at.astimezone(tz).date()
        text = t.n(
            "venues_admin.ask.slot_capacity", slot.capacity,
            capacity=slot.capacity, taken=slot.taken, high=MAX_PLACES,
            day=days_text(t, day, day), span=span_text(slot, tz),
        )  # fmt: skip
        return text, [back_home(t, "s", slot.id or 0)]
    if question.kind == "n":
        rule = RULES[key]
        text = t(
            "venues_admin.ask.number", name=name, rule=t(RULE_NAMES[key]),
            value=rule_value(venue, key), low=rule.low, high=rule.high,
        )  # fmt: skip
        return text, [back_home(t, "v", v)]
    if question.kind == "hd":
        weekday = weekday_name(t, int(key))
        now = periods_text(t, question.periods)
        text = t("venues_admin.ask.hours", name=name, weekday=weekday, current=now)
        return text, [back_home(t, "h", v)]
    if question.kind == "ba":
        return t("venues_admin.ask.blackout", name=name), [back_home(t, "b", v)]
    column, longest = TEXT_FIELDS[key]
    text = t.n(
        "venues_admin.ask.text", longest,
        name=name, field=t(TEXT_NAMES[key]), current=getattr(venue, column) or "-", max=longest,
    )  # fmt: skip
    return text, [back_home(t, "v", v)]


@requires(Action.VENUE_MANAGE)
async def on_question_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """A tap that asks for a typed value: show the question and wait for the answer."""
    key = tap.word(1) if tap.has(1) else ""
    try:
        question = await run(
            context, venue_question, scopes=await current_scopes(context),
            kind=tap.action, target=tap.id(), key=key,
        )  # fmt: skip
    except DomainError as error:
        await refuse_tap(update, context, error)
        return END
    data = draft(context, QuestionDraft)
    data["kind"], data["target"], data["key"] = tap.action, tap.id(), key
    await show_screen(update, context, *question_screen(context, question))
    return AWAIT


def _asked(context: TongxinContext) -> QuestionDraft | None:
    data = draft(context, QuestionDraft)
    return data if "kind" in data and "target" in data else None


@requires(Action.VENUE_MANAGE)
async def on_answer(update: Update, context: TongxinContext) -> object:
    """The typed answer: apply it and confirm, or explain and ask again (nothing changed)."""
    asked = _asked(context)
    if asked is None:
        await venues_command(update, context)
        return END
    kind, target, key = asked["kind"], asked["target"], asked.get("key", "")
    scopes = await current_scopes(context)
    try:
        change = await run(
            context, answer_venue_question, person=me(context), scopes=scopes,
            kind=kind, target=target, key=key, text=message_text(update),
        )  # fmt: skip
    except RETRY as error:
        question = await run(
            context, venue_question, scopes=scopes, kind=kind, target=target, key=key
        )
        text, buttons = question_screen(context, question)
        await show_screen(update, context, f"{error_text(context, error)}\n\n{text}", buttons)
        return AWAIT
    except DomainError as error:
        clear_draft(context)
        await reply_error(update, context, error)
        return END
    clear_draft(context)
    await show_screen(update, context, *changed_screen(context, change))
    return END


async def back_from_question(update: Update, context: TongxinContext) -> object:
    """⬅️ typed while a question waits: the screen the question came from."""
    asked = _asked(context)
    clear_draft(context)
    try:
        if asked is None:
            raise NotFound()
        shown = await run(
            context, question_origin, scopes=await current_scopes(context),
            kind=asked["kind"], target=asked["target"],
        )  # fmt: skip
        await show_screen(update, context, *screen_of(context, shown))
    except DomainError as error:
        await reply_error(update, context, error)
    return END


def question_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The questions of /venues; other ``va:`` taps still work (and leave it) while one waits."""
    return conversation(
        "venues_admin",
        entry_points=[tap_handler(VENUES, on_question_tap, actions=QUESTIONS)],
        screens={AWAIT: Screen(on_answer, back=back_from_question)},
        extra={AWAIT: [tap_handler(VENUES, on_venue_tap)]},
    )
