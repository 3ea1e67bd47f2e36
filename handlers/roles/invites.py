"""Invites: /invite makes a one-use deep link; ``/start inv_<code>`` redeems it.

The admin screens are inline keyboards whose callback data carries all the state
(``inv:role:volunteer``, ``inv:town:volunteer:Q``), so they survive a restart and every tap is
re-checked: by ``@requires`` for the action, then by the domain for the scope.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import TongxinContext
from handlers.kit import (
    Buttons,
    Wiring,
    current_scopes,
    leave_to_main_menu,
    main_menu_keyboard,
    nav_buttons,
    refuse_tap,
    registered,
    reply,
    requires,
    show_screen,
)
from handlers.roles.expiry import expiry_in_words
from models.core.authz import Action, Role, admin_towns, invitable_roles, may_grant
from models.core.errors import DomainError, NotAllowed, NotFound, NotRegistered
from models.core.people import Person, find_person
from models.core.places import Town, list_towns
from models.roles.invites import create_invite, redeem_invite

logger = logging.getLogger(__name__)


async def redeem_invite_code(update: Update, context: TongxinContext, code: str) -> None:
    """Redeem ``/start inv_<code>`` for the current user and say what happened."""
    user = update.effective_user
    if user is None:
        return
    try:
        async with context.services.sessions() as session, session.begin():
            person = await find_person(session, user.id)
            if person is None:
                raise NotRegistered()
            grant = await redeem_invite(session, code, person)
            town = await session.get(Town, grant.town_id) if grant.town_id else None
    except DomainError as error:
        logger.info("invite refused for user %s: %s", user.id, type(error).__name__)
        markup = main_menu_keyboard(context) if registered(context.person) else None
        await reply(update, context, context.t(error.message_id, **error.params), markup)
        return
    logger.info("person %s redeemed an invite as %s", grant.person_id, grant.role)
    town_name = town.name(context.t.language) if town else ""
    text = context.t(f"roles.redeemed.{grant.role}", town=town_name)
    await reply(update, context, text, main_menu_keyboard(context))


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise NotAllowed() from None
    if role is Role.RESIDENT:
        raise NotAllowed()
    return role


# -- /invite ------------------------------------------------------------------------------------


@requires(Action.INVITE_CREATE)
async def invite_command(update: Update, context: TongxinContext) -> None:
    """/invite: first screen, which role to invite someone to."""
    await _role_screen(update, context)


async def _role_screen(update: Update, context: TongxinContext) -> None:
    t = context.t
    roles = invitable_roles(await current_scopes(context))
    buttons: Buttons = [
        [
            InlineKeyboardButton(
                f"{n}. {t(f'roles.button.{role}')}", callback_data=f"inv:role:{role}"
            )
        ]
        for n, role in enumerate(roles, start=1)
    ]
    buttons.append(nav_buttons(t, "inv:home", "inv:home"))
    await show_screen(update, context, t("roles.invite.choose_role"), buttons)


@requires(Action.INVITE_CREATE)
async def invite_callback(update: Update, context: TongxinContext) -> None:
    """Every ``inv:`` tap: back, home, a role, a town."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")
    try:
        match parts:
            case ["inv", "start"]:
                await _role_screen(update, context)
            case ["inv", "home"]:
                await leave_to_main_menu(update, context)
            case ["inv", "role", role]:
                await _town_screen(update, context, _role(role))
            case ["inv", "town", role, town_code]:
                await _create(update, context, _role(role), town_code)
            case _:
                raise NotFound()
    except DomainError as error:
        await refuse_tap(update, context, error)


async def _town_screen(update: Update, context: TongxinContext, role: Role) -> None:
    scopes = await current_scopes(context)
    if role not in invitable_roles(scopes):
        raise NotAllowed()
    async with context.services.sessions() as session:
        towns = [town for town in await list_towns(session) if may_grant(scopes, role, town.id)]
    limited = admin_towns(scopes) is not None
    if limited and len(towns) == 1:  # a town admin gets their own town without asking
        await _create(update, context, role, towns[0].code)
        return
    t = context.t
    buttons: Buttons = [
        [
            InlineKeyboardButton(
                f"{n}. {town.name(t.language)}", callback_data=f"inv:town:{role}:{town.code}"
            )
        ]
        for n, town in enumerate(towns, start=1)
    ]
    buttons.append(nav_buttons(t, "inv:start", "inv:home"))
    role_name = t(f"roles.role.{role}")
    await show_screen(update, context, t("roles.invite.choose_town", role=role_name), buttons)


async def _create(update: Update, context: TongxinContext, role: Role, town_code: str) -> None:
    assert context.person is not None
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        towns = {town.code: town for town in await list_towns(session)}
        town = towns.get(town_code)
        if town is None:
            raise NotFound()
        issuer = await session.get(Person, context.person.id)
        assert issuer is not None
        invite = await create_invite(session, issuer, scopes, role, town.id)
    logger.info("person %s created a %s invite", context.person.id, role.value)
    t, tz = context.t, context.services.settings.tz
    link = f"https://t.me/{context.bot.username}?start=inv_{invite.code}"
    text = t(
        "roles.invite.created",
        role=t(f"roles.role.{role}"),
        town=town.name(t.language),
        link=link,
        expiry=expiry_in_words(t, invite.expires_at, datetime.now(tz), tz),
    )
    share_text = quote(t("roles.invite.share_text"))
    share = f"https://t.me/share/url?url={quote(link, safe='')}&text={share_text}"
    buttons: Buttons = [
        [InlineKeyboardButton(t("roles.invite.share_button"), url=share)],
        nav_buttons(t, "inv:start", "inv:home"),
    ]
    await show_screen(update, context, text, buttons)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """This flow's handlers: /invite and its inline taps."""
    return [
        CommandHandler("invite", invite_command),
        CallbackQueryHandler(invite_callback, pattern=r"^inv:"),
    ]
