"""👥 今天谁值班: a resident picks a centre and hears who from the other town is on duty there
today (today is the date in the towns' time zone). Reached from the main menu's item, or by
saying "值班" / "谁在" / "on duty" at the main menu; with one centre it answers at once.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler

from bot.context import TongxinContext
from handlers.governance.roster.texts import duty_text
from handlers.kit import (
    END,
    MenuButton,
    Option,
    Screen,
    Wiring,
    ask,
    chosen,
    conversation,
    leave,
    main_menu_keyboard,
    me,
    prompt,
    registered,
    reply,
    reply_not_registered,
    run,
    today,
)
from models.governance import duty_centres, on_duty

MENU_KEY = "onduty"
CENTRE = "duty_centre"


async def _ask_centre(
    update: Update, context: TongxinContext, first: str = "", *, again: bool = False
) -> Any:
    centres = await run(context, duty_centres, person=me(context))
    options = [Option(str(c.id), c.name(context.lang)) for c in centres]
    text = prompt(context, "roster.duty.other" if again else "roster.duty.ask")
    return await ask(update, context, text, options, CENTRE, first=first)


async def start_duty(update: Update, context: TongxinContext) -> Any:
    """The menu item: which centre (or, with only one, who is on duty there today)."""
    if not registered(context.person):
        await reply_not_registered(update, context)
        return END
    centres = await run(context, duty_centres, person=me(context))
    if len(centres) == 1:
        found = await run(context, on_duty, centre_id=centres[0].id or 0, day=today(context))
        await reply(update, context, duty_text(context.t, found), main_menu_keyboard(context))
        return END
    return await _ask_centre(update, context)


async def on_centre(update: Update, context: TongxinContext) -> Any:
    """A centre picked: who is on duty there today; the same question for another centre."""
    key = chosen(update, context)
    if key is None:
        return await _ask_centre(update, context, context.t("roster.duty.again"))
    found = await run(context, on_duty, centre_id=int(key), day=today(context))
    return await _ask_centre(update, context, duty_text(context.t, found), again=True)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The conversation entered from the main menu's 👥 item."""
    flow: ConversationHandler = conversation(  # type: ignore[type-arg]
        "roster_duty",
        entry_points=[MessageHandler(MenuButton(wiring.i18n, wiring.menu, MENU_KEY), start_duty)],
        screens={CENTRE: Screen(on_centre, back=leave)},
    )
    return [flow]
