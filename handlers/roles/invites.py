"""/invite: an admin picks a role, then a town, and gets a one-use link to share.

The screens are inline keyboards whose callback data carries all the state
(``inv:role:volunteer``, ``inv:town:volunteer:Q``), so they survive a restart and every tap is
checked again: by ``@requires`` for the action, then by the use case for the scope. Opening the
link is ``handlers.roles.redeem``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from handlers.kit import (
    Buttons,
    Tap,
    Wiring,
    current_scopes,
    leave_to_main_menu,
    me,
    nav_buttons,
    refuse_tap,
    requires,
    run,
    show_screen,
    tap_handler,
)
from handlers.roles.expiry import expiry_in_words
from models.core.authz import Action, invitable_roles
from models.core.errors import DomainError, NotFound
from models.roles import INVITE_CODE, CreatedInvite, InviteTowns, create_invite_link, invite_towns

logger = logging.getLogger(__name__)

START, HOME = INVITE_CODE.data("start"), INVITE_CODE.data("home")
LINK_PREFIX = "inv_"  # /start inv_<code>: the deep link FEATURE routes to handlers.roles.redeem


@requires(Action.INVITE_CREATE)
async def invite_command(update: Update, context: TongxinContext) -> None:
    """/invite: first screen, which role to invite someone to."""
    await _role_screen(update, context)


@requires(Action.INVITE_CREATE)
async def on_invite_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every ``inv:`` tap: back to the roles, home, a role, a town."""
    try:
        match tap.action:
            case "start":
                await _role_screen(update, context)
            case "home":
                await leave_to_main_menu(update, context)
            case "role":
                await _on_role(update, context, tap.word())
            case "town":
                await _on_town(update, context, tap.word(0), tap.word(1))
            case _:  # an action added to INVITE_CODE without a screen here
                raise NotFound()
    except DomainError as error:
        await refuse_tap(update, context, error)


async def _role_screen(update: Update, context: TongxinContext) -> None:
    t = context.t
    roles = invitable_roles(await current_scopes(context))
    buttons: Buttons = [
        [
            InlineKeyboardButton(
                f"{n}. {t(f'roles.button.{role}')}", callback_data=INVITE_CODE.data("role", role)
            )
        ]
        for n, role in enumerate(roles, start=1)
    ]
    buttons.append(nav_buttons(t, HOME, HOME))
    await show_screen(update, context, t("roles.invite.choose_role"), buttons)


async def _on_role(update: Update, context: TongxinContext, role: str) -> None:
    scopes = await current_scopes(context)
    choice = await run(context, invite_towns, issuer=me(context), scopes=scopes, role=role)
    if choice.created is not None:  # a town admin gets their own town without asking
        await _created_screen(update, context, choice.created)
    else:
        await _town_screen(update, context, choice)


async def _town_screen(update: Update, context: TongxinContext, choice: InviteTowns) -> None:
    t = context.t
    buttons: Buttons = [
        [
            InlineKeyboardButton(
                f"{n}. {town.name(t.language)}",
                callback_data=INVITE_CODE.data("town", choice.role, town.code),
            )
        ]
        for n, town in enumerate(choice.towns, start=1)
    ]
    buttons.append(nav_buttons(t, START, HOME))
    role_name = t(f"roles.role.{choice.role}")
    await show_screen(update, context, t("roles.invite.choose_town", role=role_name), buttons)


async def _on_town(update: Update, context: TongxinContext, role: str, town_code: str) -> None:
    scopes = await current_scopes(context)
    created = await run(
        context,
        create_invite_link,
        issuer=me(context),
        scopes=scopes,
        role=role,
        town_code=town_code,
    )
    await _created_screen(update, context, created)


async def _created_screen(update: Update, context: TongxinContext, created: CreatedInvite) -> None:
    logger.info("person %s created a %s invite", me(context).id, created.role.value)
    t, tz = context.t, context.services.settings.tz
    link = f"https://t.me/{context.bot.username}?start={LINK_PREFIX}{created.code}"
    text = t(
        "roles.invite.created",
        role=t(f"roles.role.{created.role}"),
        town=created.town.name(t.language),
        link=link,
        expiry=expiry_in_words(t, created.expires_at, datetime.now(tz), tz),
    )
    share_text = quote(t("roles.invite.share_text"))
    share = f"https://t.me/share/url?url={quote(link, safe='')}&text={share_text}"
    buttons: Buttons = [
        [InlineKeyboardButton(t("roles.invite.share_button"), url=share)],
        nav_buttons(t, START, HOME),
    ]
    await show_screen(update, context, text, buttons)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """This flow's handlers: /invite and its inline taps."""
    return [CommandHandler("invite", invite_command), tap_handler(INVITE_CODE, on_invite_tap)]
