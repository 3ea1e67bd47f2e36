"""A mediator's own duty switch (/duty) and linking a mediators' group chat to a town
(/linkgroup, typed by the town's admin in the group)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.mediator.common import refuse
from handlers.disputes.mediator.screens import HOME, Inline, button, put
from handlers.kit import (
    Tap,
    current_scopes,
    error_text,
    me,
    nav_buttons,
    registered,
    reply,
    requires,
    run,
)
from models.core.authz import Action, Role
from models.core.errors import DomainError
from models.disputes import MEDIATOR, link_group, on_duty, set_duty

logger = logging.getLogger(__name__)


def duty_screen(context: TongxinContext, on: bool, note: str = "") -> Inline:
    """Whether the mediator is on duty, and the button that switches it."""
    t = context.t
    text = t("disputes_mediator.duty.on" if on else "disputes_mediator.duty.off")
    switch = button(
        t("disputes_mediator.duty.turn_off" if on else "disputes_mediator.duty.turn_on"),
        MEDIATOR.data("duty", 0 if on else 1),
    )
    return (f"{note}\n\n{text}" if note else text), [[switch], nav_buttons(t, HOME, HOME)]


@requires(Action.CASE_HANDLE)
async def duty_command(update: Update, context: TongxinContext) -> None:
    """/duty: am I on duty? with the button to switch."""
    await put(
        update, context, duty_screen(context, await run(context, on_duty, person=me(context)))
    )


@requires(Action.CASE_HANDLE)
async def on_duty_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """The switch: on (1) or off (0); admins who are not mediators are refused."""
    try:
        now_on = await run(
            context,
            set_duty,
            person=me(context),
            scopes=await current_scopes(context),
            on=tap.id() == 1,
        )
    except DomainError as error:
        await refuse(update, context, error)
        return
    note = context.t("disputes_mediator.duty.switched")
    await put(update, context, duty_screen(context, now_on, note))


async def linkgroup_command(update: Update, context: TongxinContext) -> None:
    """/linkgroup in a group: the town's admin makes it the town's mediators' group."""
    if not registered(context.person):
        await reply(update, context, context.t("disputes_mediator.group.not_registered"))
        return
    chat = update.effective_chat
    scopes = await current_scopes(context)
    towns = {s.town_id for s in scopes if s.role is Role.ADMIN}
    person = me(context)
    town_id = next(iter(towns)) if len(towns) == 1 and None not in towns else person.town_id
    if chat is None or town_id is None:
        return
    try:
        await run(
            context, link_group, person=person, scopes=scopes, town_id=town_id, chat_id=chat.id
        )
    except DomainError as error:
        logger.info("person %s refused /linkgroup in %s", person.id, chat.id)
        await reply(update, context, error_text(context, error))
        return
    await reply(update, context, context.t("disputes_mediator.group.linked"))
