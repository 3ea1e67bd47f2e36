"""The typed answers of the quota and answer screens (``handlers.events.staff.shares``): a
town's quota (a number; "no limit" is a button), a new answer of the event's question, or an
answer's new words, typed as ``中文 / English`` with a pick-up time at the end (``08:30``).

``evm:qt:<event>:<town>``, ``evm:oa:<event>`` and ``evm:or:<event>:<answer>`` open the question;
⬅️ goes back to the screen it came from; any other ``evm:`` tap leaves the question.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from handlers.events.staff.codes import MANAGE
from handlers.events.staff.edit import invalid_text
from handlers.events.staff.manage import hand_on, on_manage_tap
from handlers.events.staff.screens import HOME, Inline, button
from handlers.events.staff.shares import offered_line, one_option, options_screen, quotas_screen
from handlers.events.staff.words import find_number, read_options
from handlers.kit import (
    END,
    Screen,
    Tap,
    clear_draft,
    conversation,
    current_scopes,
    draft,
    me,
    message_text,
    nav_buttons,
    refuse_tap,
    requires,
    run,
    show_screen,
    tap_handler,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotAllowed
from models.events import add_option, rename_option, set_quota, town_shares

logger = logging.getLogger(__name__)

AWAIT = 1
ACTIONS = ("qt", "oa", "or")


class Again(Exception):
    """The answer could not be read or was refused: the words say why; asked again."""


async def _question(context: TongxinContext, data: dict[str, Any]) -> Inline:
    """The question the tap opened, with its ways back; ``NotAllowed`` for another town's event
    or another event's answer (forged data)."""
    t, e, what = context.t, int(data["event"]), str(data["what"])
    _event, shares = await run(
        context, town_shares, event_id=e, scopes=await current_scopes(context)
    )
    if what == "qt":
        town = int(data["town"])
        share = next((s for s in shares if s.town.id == town), None)
        if share is None:
            raise NotAllowed()
        now = t("events_staff.opt.no_limit") if share.quota is None else str(share.quota)
        text = t(
            "events_staff.quota.ask", town=share.town.name(context.lang), now=now,
            taken=share.held,
        )  # fmt: skip
        free = button(t("events_staff.opt.no_limit"), "qn", e, town)
        return text, [free, nav_buttons(t, MANAGE.data("q", e), HOME)]
    if what == "oa":
        return t("events_staff.option.ask_new"), [nav_buttons(t, MANAGE.data("o", e), HOME)]
    label, _chosen = await one_option(context, e, int(data["option"]))
    if not label:
        raise NotAllowed()
    back = MANAGE.data("oe", e, int(data["option"]))
    return t("events_staff.option.ask_rename", label=label), [nav_buttons(t, back, HOME)]


@requires(Action.EVENT_MANAGE)
async def on_question_tap(update: Update, context: TongxinContext, tap: Tap) -> object:
    """``evm:qt`` / ``evm:oa`` / ``evm:or``: ask for the typed answer."""
    data = draft(context, dict)
    data.clear()
    data.update(event=tap.id(), what=tap.action)
    if tap.action == "qt":
        data["town"] = tap.id(1)
    if tap.action == "or":
        data["option"] = tap.id(1)
    try:
        shown = await _question(context, data)
    except DomainError as error:
        clear_draft(context)
        await refuse_tap(update, context, error)
        return END
    await show_screen(update, context, *shown)
    return AWAIT


def _typed_option(
    context: TongxinContext, text: str | None, starts: datetime
) -> tuple[str, str, datetime | None] | None:
    """One answer typed on one line; its pick-up time on the event's day."""
    options = read_options(text)
    if options is None or len(options) != 1:
        return None
    [typed] = options
    tz = context.services.settings.tz
    day = starts.astimezone(tz).date()
    pickup = datetime.combine(day, typed.pickup, tz) if typed.pickup else None
    return typed.label_zh, typed.label_en, pickup


async def _save(context: TongxinContext, data: dict[str, Any], text: str | None) -> Inline:
    """Change what the question asked for; ``Again`` when the answer cannot be read."""
    t, e, what = context.t, int(data["event"]), str(data["what"])
    scopes, person = await current_scopes(context), me(context)
    if what == "qt":
        no_limit = (text or "").strip().lower() == t("events_staff.opt.no_limit").lower()
        quota = None if no_limit else find_number(text)
        if quota is None and not no_limit:
            raise Again(t("events_staff.again.quota"))
        offered = await run(
            context, set_quota, event_id=e, town_id=int(data["town"]), quota=quota, by=person,
            scopes=scopes,
        )  # fmt: skip
        done = (
            t("events_staff.quota.saved", quota=quota)
            if quota is not None
            else t("events_staff.quota.saved_free")
        )
        return await quotas_screen(context, e, offered_line(context, done, offered))
    event, _shares = await run(context, town_shares, event_id=e, scopes=scopes)
    typed_option = _typed_option(context, text, event.starts_at)
    if typed_option is None:
        raise Again(t("events_staff.again.option"))
    zh, en, pickup = typed_option
    if what == "oa":
        await run(
            context, add_option, event_id=e, label_zh=zh, label_en=en, pickup_at=pickup,
            by=person, scopes=scopes,
        )  # fmt: skip
        return await options_screen(context, e, t("events_staff.option.added"))
    told = await run(
        context, rename_option, event_id=e, option_id=int(data["option"]), label_zh=zh,
        label_en=en, pickup_at=pickup, by=person, scopes=scopes,
    )  # fmt: skip
    return await options_screen(context, e, t.n("events_staff.option.renamed", told, told=told))


@requires(Action.EVENT_MANAGE)
async def on_answer(update: Update, context: TongxinContext) -> object:
    """The typed answer: save it and show the screen it came from; else ask again."""
    data = dict(draft(context, dict))
    if "event" not in data:
        return END
    try:
        shown = await _save(context, data, message_text(update))
    except (Again, DomainError) as refused:
        why = invalid_text(context, refused) if isinstance(refused, DomainError) else str(refused)
        try:
            text, buttons = await _question(context, data)
        except DomainError:  # the event is gone from the person's towns: nothing to ask
            clear_draft(context)
            await show_screen(update, context, why, [nav_buttons(context.t, HOME, HOME)])
            return END
        await show_screen(update, context, f"{why}\n\n{text}", buttons)
        return AWAIT
    logger.info("person %s changed %s of event %s", me(context).id, data["what"], data["event"])
    clear_draft(context)
    await show_screen(update, context, *shown)
    return END


async def back_to_screen(update: Update, context: TongxinContext) -> object:
    """⬅️ typed while the question waits: the quotas or the answers again."""
    data = dict(draft(context, dict))
    clear_draft(context)
    if "event" in data:
        e = int(data["event"])
        try:
            shown = await (quotas_screen if data["what"] == "qt" else options_screen)(context, e)
        except DomainError:
            return END
        await show_screen(update, context, *shown)
    return END


def retype_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The typed answers of ``evm:qt``, ``evm:oa`` and ``evm:or``."""
    for action in ACTIONS:
        hand_on(action, on_question_tap, "events_shares")
    return conversation(
        "events_shares",
        entry_points=[tap_handler(MANAGE, on_question_tap, actions=ACTIONS)],
        screens={AWAIT: Screen(on_answer, back=back_to_screen)},
        extra={AWAIT: [tap_handler(MANAGE, on_manage_tap)]},
    )
