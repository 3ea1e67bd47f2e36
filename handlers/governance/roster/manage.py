"""/roster: the secondments an admin keeps, a page at a time; each one's card ends it early or
removes a mistaken entry, after a confirmation; ➕ starts the add flow (``add``).

Inline screens whose callback data (``models.governance.ROSTER``) carries all the state, so
they survive a restart and every tap is checked again: ``@requires`` for the role, then the
use case for the towns the entry concerns (another's entry, or a forged id, is "not found").
"""

from __future__ import annotations

import functools
import logging

from telegram import InlineKeyboardButton, Update

from bot.context import TongxinContext
from bot.i18n import N_
from bot.timefmt import format_day
from handlers.governance.roster.texts import days_text, entry_text
from handlers.kit import (
    Buttons,
    Tap,
    current_scopes,
    leave_to_main_menu,
    me,
    nav_buttons,
    page_rows,
    refuse_tap,
    requires,
    run,
    show_screen,
    today,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotFound
from models.governance import (
    ROSTER,
    ROSTER_PAGE,
    Secondee,
    end_secondment,
    remove_secondment,
    roster_page,
    secondment,
)

logger = logging.getLogger(__name__)

HOME = ROSTER.data("home")
FIRST_PAGE = ROSTER.data("list", 0)
CONFIRM = {  # the question, and the button that says yes to it
    "end": (N_("roster.end.confirm"), N_("roster.button.yes_end")),
    "rm": (N_("roster.remove.confirm"), N_("roster.button.yes_rm")),
}


def _button(label: str, action: str, *fields: int) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=ROSTER.data(action, *fields))]


@requires(Action.ROSTER_MANAGE)
async def roster_command(update: Update, context: TongxinContext) -> None:
    """/roster: the secondments this admin keeps, with ➕ to add one."""
    await list_screen(update, context, 0)


@requires(Action.ROSTER_MANAGE)
async def on_roster_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every ``ro:`` tap but ➕: a page, a card, ending or removing (asked, then done), home."""
    try:
        match tap.action:
            case "list":
                await list_screen(update, context, tap.id())
            case "v":
                await _card(update, context, tap.id())
            case "end" | "rm":
                await _confirm(update, context, tap.action, tap.id())
            case "endok":
                await _end(update, context, tap.id())
            case "rmok":
                await _remove(update, context, tap.id())
            case "home":
                await leave_to_main_menu(update, context)
            case _:  # an action of ROSTER with no screen here
                raise NotFound()
    except DomainError as error:
        await refuse_tap(update, context, error)


async def list_screen(update: Update, context: TongxinContext, page: int) -> None:
    """One page of the roster (a new message after a command, the tapped one edited)."""
    t = context.t
    shown = await run(
        context, roster_page, scopes=await current_scopes(context), today=today(context), page=page
    )
    buttons: Buttons = [_button(t("roster.button.add"), "new")]
    lines = []
    for n, entry in enumerate(shown.entries, 1 + shown.page * ROSTER_PAGE):
        days = days_text(t, entry.first_day, entry.last_day)
        words = {"n": n, "name": entry.name, "centre": entry.centre.name(t.language)}
        lines.append(t("roster.list.line", days=days, **words))
        buttons.append(_button(t("roster.button.entry", **words), "v", entry.id))
    more = functools.partial(ROSTER.data, "list")
    buttons.extend(page_rows(t, shown.page, shown.pages, more, back=HOME, home=HOME))
    if not lines:
        await show_screen(update, context, t("roster.list.empty"), buttons)
        return
    title = t("roster.list.title", page=shown.page + 1, pages=shown.pages)
    await show_screen(update, context, "\n\n".join([title, "\n".join(lines)]), buttons)


async def _card(update: Update, context: TongxinContext, secondment_id: int) -> None:
    t = context.t
    entry = await run(
        context, secondment, scopes=await current_scopes(context), secondment_id=secondment_id
    )
    buttons: Buttons = [  # back to the list first: a destructive choice is never first
        _button(t("roster.button.back_to_list"), "list", 0),
        _button(t("roster.button.end"), "end", entry.id),
        _button(t("roster.button.remove"), "rm", entry.id),
        nav_buttons(t, FIRST_PAGE, HOME),
    ]
    await show_screen(update, context, entry_text(t, entry), buttons)


async def _confirm(
    update: Update, context: TongxinContext, action: str, secondment_id: int
) -> None:
    t = context.t
    entry = await run(
        context, secondment, scopes=await current_scopes(context), secondment_id=secondment_id
    )
    msgid, yes = CONFIRM[action]
    buttons: Buttons = [
        _button(t("roster.button.keep"), "v", entry.id),
        _button(t(yes), action + "ok", entry.id),
        nav_buttons(t, ROSTER.data("v", entry.id), HOME),
    ]
    text = t(msgid, name=entry.name, entry=entry_text(t, entry))
    await show_screen(update, context, text, buttons)


def _done(context: TongxinContext, entry: Secondee, msgid: str) -> str:
    t = context.t
    last = format_day(entry.last_day, t.language)
    return t(msgid, name=entry.name, centre=entry.centre.name(t.language), last=last)


async def _end(update: Update, context: TongxinContext, secondment_id: int) -> None:
    scopes, actor = await current_scopes(context), me(context)
    entry = await run(
        context, end_secondment, actor=actor, scopes=scopes, secondment_id=secondment_id,
        today=today(context),
    )  # fmt: skip
    logger.info("person %s ended secondment %s early", actor.id, entry.id)
    buttons: Buttons = [nav_buttons(context.t, FIRST_PAGE, HOME)]
    await show_screen(update, context, _done(context, entry, "roster.ended"), buttons)


async def _remove(update: Update, context: TongxinContext, secondment_id: int) -> None:
    scopes, actor = await current_scopes(context), me(context)
    entry = await run(
        context, remove_secondment, actor=actor, scopes=scopes, secondment_id=secondment_id
    )
    logger.info("person %s removed secondment %s", actor.id, entry.id)
    buttons: Buttons = [nav_buttons(context.t, FIRST_PAGE, HOME)]
    await show_screen(update, context, _done(context, entry, "roster.removed"), buttons)
