"""Roles: /invite deep links, /roles to list and revoke grants, redeeming ``/start inv_<code>``.

Admin screens are inline keyboards whose callback data carries all the state
(``inv:role:volunteer``, ``inv:town:volunteer:Q``, ``roles:revoke:12``), so they survive a restart
and every tap is re-checked: by ``@requires`` for the action, then by the domain for the scope.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import TongxinContext
from bot.i18n import Catalogues, Translator
from handlers.common import current_scopes, registered, reply, requires
from handlers.home import show_main_menu
from handlers.menu import main_menu_keyboard
from models.errors import DomainError, NotAllowed, NotFound, NotRegistered
from models.people import Person, find_person
from models.places import Town, list_towns
from models.roles import (
    Action,
    Role,
    admin_towns,
    create_invite,
    get_grant,
    invitable_roles,
    list_grants,
    may_grant,
    redeem_invite,
    revoke_grant,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 6
MAX_ID = 2**31 - 1
Buttons = list[list[InlineKeyboardButton]]


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
        markup = main_menu_keyboard(context.t) if registered(context.person) else None
        await reply(update, context, context.t(error.message_id, **error.params), markup)
        return
    logger.info("person %s redeemed an invite as %s", grant.person_id, grant.role)
    town_name = town.name(context.t.language) if town else ""
    text = context.t(f"roles.redeemed.{grant.role}", town=town_name)
    await reply(update, context, text, main_menu_keyboard(context.t))


# -- shared screen plumbing ---------------------------------------------------------------------


def _nav(t: Translator, back: str, home: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(t("nav.back"), callback_data=back),
        InlineKeyboardButton(t("nav.home"), callback_data=home),
    ]


async def _show(update: Update, context: TongxinContext, text: str, buttons: Buttons) -> None:
    """Edit the tapped message into the next screen, or send it for a command."""
    markup = InlineKeyboardMarkup(buttons)
    query = update.callback_query
    if query is None:
        await reply(update, context, text, markup)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def _refuse(update: Update, context: TongxinContext, error: DomainError) -> None:
    """A refused tap (forged or out-of-scope data): an alert, nothing changed."""
    assert update.callback_query is not None
    logger.info("refused callback from person %s", context.person.id if context.person else None)
    await update.callback_query.answer(context.t(error.message_id, **error.params), show_alert=True)


async def _go_home(update: Update, context: TongxinContext) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest:
            logger.debug("inline keyboard already gone")
    await show_main_menu(update, context)


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise NotAllowed() from None
    if role is Role.RESIDENT:
        raise NotAllowed()
    return role


def _grant_id(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise NotFound()
    return int(value)


def _when(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    """A moment in words, local time: ``3天后（12月1日，星期一）下午3:20``."""
    local = moment.astimezone(tz)
    days = (local.date() - datetime.now(tz).date()).days
    day = {0: t("roles.day.today"), 1: t("roles.day.tomorrow"), 2: t("roles.day.after_tomorrow")}
    return t(
        "roles.expiry",
        day=day.get(days) or t("roles.day.in_days", n=days),
        month=t(f"roles.month.{local.month}"),
        date=local.day,
        weekday=t(f"roles.weekday.{local.weekday()}"),
        period=t("roles.period.am" if local.hour < 12 else "roles.period.pm"),
        hour=local.hour % 12 or 12,
        minute=f"{local.minute:02d}",
    )


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
    buttons.append(_nav(t, "inv:home", "inv:home"))
    await _show(update, context, t("roles.invite.choose_role"), buttons)


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
                await _go_home(update, context)
            case ["inv", "role", role]:
                await _town_screen(update, context, _role(role))
            case ["inv", "town", role, town_code]:
                await _create(update, context, _role(role), town_code)
            case _:
                raise NotFound()
    except DomainError as error:
        await _refuse(update, context, error)


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
    buttons.append(_nav(t, "inv:start", "inv:home"))
    role_name = t(f"roles.role.{role}")
    await _show(update, context, t("roles.invite.choose_town", role=role_name), buttons)


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
    t = context.t
    link = f"https://t.me/{context.bot.username}?start=inv_{invite.code}"
    text = t(
        "roles.invite.created",
        role=t(f"roles.role.{role}"),
        town=town.name(t.language),
        link=link,
        expiry=_when(t, invite.expires_at, context.services.settings.tz),
    )
    share_text = quote(t("roles.invite.share_text"))
    share = f"https://t.me/share/url?url={quote(link, safe='')}&text={share_text}"
    buttons: Buttons = [
        [InlineKeyboardButton(t("roles.invite.share_button"), url=share)],
        _nav(t, "inv:start", "inv:home"),
    ]
    await _show(update, context, text, buttons)


# -- /roles -------------------------------------------------------------------------------------


@requires(Action.ROLES_MANAGE)
async def roles_command(update: Update, context: TongxinContext) -> None:
    """/roles: the grants this admin manages, one page per message, with Revoke buttons."""
    await _list_screen(update, context, 0)


@requires(Action.ROLES_MANAGE)
async def roles_callback(update: Update, context: TongxinContext) -> None:
    """Every ``roles:`` tap: a page, a revoke request, its confirmation, home."""
    assert update.callback_query is not None
    parts = (update.callback_query.data or "").split(":")
    try:
        match parts:
            case ["roles", "page", page] if page.isdigit() and len(page) < 6:
                await _list_screen(update, context, int(page))
            case ["roles", "home"]:
                await _go_home(update, context)
            case ["roles", "revoke", grant_id]:
                await _confirm_screen(update, context, _grant_id(grant_id))
            case ["roles", "confirm", grant_id]:
                await _revoke(update, context, _grant_id(grant_id))
            case _:
                raise NotFound()
    except DomainError as error:
        await _refuse(update, context, error)


def _describe(t: Translator, person: Person, role: str, town: Town | None) -> dict[str, str]:
    return {
        "name": person.display_name or t("roles.unnamed", id=person.id),
        "role": t(f"roles.role.{role}"),
        "town": town.name(t.language) if town else "",
    }


async def _list_screen(update: Update, context: TongxinContext, page: int) -> None:
    t = context.t
    scopes = await current_scopes(context)
    async with context.services.sessions() as session:
        grants = await list_grants(session, scopes)
        towns = {town.id: town for town in await list_towns(session)}
    if not grants:
        await _show(update, context, t("roles.list.empty"), [_nav(t, "roles:home", "roles:home")])
        return
    pages = (len(grants) + PAGE_SIZE - 1) // PAGE_SIZE
    page %= pages
    lines, buttons = [], []
    for n, (grant, person) in enumerate(grants[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], 1):
        words = _describe(t, person, grant.role, towns.get(grant.town_id))
        lines.append(t("roles.list.line", n=n, **words))
        label = t("roles.button.revoke", n=n, name=words["name"])
        buttons.append([InlineKeyboardButton(label, callback_data=f"roles:revoke:{grant.id}")])
    if pages > 1:
        more = f"roles:page:{(page + 1) % pages}"
        buttons.append([InlineKeyboardButton(t("nav.more"), callback_data=more)])
    buttons.append(_nav(t, "roles:home", "roles:home"))
    title = t("roles.list.title", page=page + 1, pages=pages)
    text = "\n\n".join([title, "\n".join(lines), t("roles.list.hint")])
    await _show(update, context, text, buttons)


async def _confirm_screen(update: Update, context: TongxinContext, grant_id: int) -> None:
    t = context.t
    async with context.services.sessions() as session:
        grant, person = await get_grant(session, grant_id, await current_scopes(context))
        town = await session.get(Town, grant.town_id) if grant.town_id else None
    buttons: Buttons = [
        [InlineKeyboardButton(t("roles.revoke.yes"), callback_data=f"roles:confirm:{grant_id}")],
        _nav(t, "roles:page:0", "roles:home"),
    ]
    text = t("roles.revoke.confirm", **_describe(t, person, grant.role, town))
    await _show(update, context, text, buttons)


async def _revoke(update: Update, context: TongxinContext, grant_id: int) -> None:
    assert context.person is not None
    t = context.t
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        actor = await session.get(Person, context.person.id)
        assert actor is not None
        grant = await revoke_grant(session, grant_id, actor, scopes)
        person = await session.get(Person, grant.person_id)
        town = await session.get(Town, grant.town_id) if grant.town_id else None
    assert person is not None
    logger.info("person %s revoked grant %s", context.person.id, grant_id)
    buttons: Buttons = [_nav(t, "roles:page:0", "roles:home")]
    await _show(
        update, context, t("roles.revoked", **_describe(t, person, grant.role, town)), buttons
    )


def handlers(i18n: Catalogues) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """This flow's handlers: /invite, /roles and their inline taps."""
    return [
        CommandHandler("invite", invite_command),
        CommandHandler("roles", roles_command),
        CallbackQueryHandler(invite_callback, pattern=r"^inv:"),
        CallbackQueryHandler(roles_callback, pattern=r"^roles:"),
    ]
