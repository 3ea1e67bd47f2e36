"""Roles: /roles lists the grants an admin manages and revokes them.

Invites are in ``handlers.roles.invites``.

The screens are inline keyboards whose callback data carries all the state (``roles:page:1``,
``roles:revoke:12``), so they survive a restart and every tap is re-checked: by ``@requires`` for
the action, then by the domain for the scope.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit import (
    Buttons,
    Wiring,
    current_scopes,
    leave_to_main_menu,
    nav_buttons,
    refuse_tap,
    requires,
    show_screen,
)
from models.core.authz import Action, get_grant, list_grants, revoke_grant
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import Town, list_towns

logger = logging.getLogger(__name__)

PAGE_SIZE = 6
MAX_ID = 2**31 - 1


def _grant_id(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise NotFound()
    return int(value)


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
                await leave_to_main_menu(update, context)
            case ["roles", "revoke", grant_id]:
                await _confirm_screen(update, context, _grant_id(grant_id))
            case ["roles", "confirm", grant_id]:
                await _revoke(update, context, _grant_id(grant_id))
            case _:
                raise NotFound()
    except DomainError as error:
        await refuse_tap(update, context, error)


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
        await show_screen(
            update, context, t("roles.list.empty"), [nav_buttons(t, "roles:home", "roles:home")]
        )
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
    buttons.append(nav_buttons(t, "roles:home", "roles:home"))
    title = t("roles.list.title", page=page + 1, pages=pages)
    text = "\n\n".join([title, "\n".join(lines), t("roles.list.hint")])
    await show_screen(update, context, text, buttons)


async def _confirm_screen(update: Update, context: TongxinContext, grant_id: int) -> None:
    t = context.t
    async with context.services.sessions() as session:
        grant, person = await get_grant(session, grant_id, await current_scopes(context))
        town = await session.get(Town, grant.town_id) if grant.town_id else None
    buttons: Buttons = [
        [InlineKeyboardButton(t("roles.revoke.yes"), callback_data=f"roles:confirm:{grant_id}")],
        nav_buttons(t, "roles:page:0", "roles:home"),
    ]
    text = t("roles.revoke.confirm", **_describe(t, person, grant.role, town))
    await show_screen(update, context, text, buttons)


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
    buttons: Buttons = [nav_buttons(t, "roles:page:0", "roles:home")]
    await show_screen(
        update, context, t("roles.revoked", **_describe(t, person, grant.role, town)), buttons
    )


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """This flow's handlers: /roles and its inline taps."""
    return [
        CommandHandler("roles", roles_command),
        CallbackQueryHandler(roles_callback, pattern=r"^roles:"),
    ]
