"""/roles: the grants an admin manages, a page at a time, each revoked after a confirmation.

The screens are inline keyboards whose callback data carries all the state (``roles:page:1``,
``roles:revoke:12``), so they survive a restart and every tap is checked again: by ``@requires``
for the action, then by the use case for the scope.
"""

from __future__ import annotations

import functools
import logging

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from bot.i18n import Translator
from handlers.kit import (
    Buttons,
    Tap,
    Wiring,
    current_scopes,
    leave_to_main_menu,
    me,
    nav_buttons,
    page_rows,
    refuse_tap,
    requires,
    run,
    show_screen,
    tap_handler,
)
from models.core.authz import Action
from models.core.errors import DomainError, NotFound
from models.roles import ROLES_CODE, GrantView, grants_page, revocation_preview, revoke

logger = logging.getLogger(__name__)

HOME = ROLES_CODE.data("home")
FIRST_PAGE = ROLES_CODE.data("page", 0)


def _describe(t: Translator, grant: GrantView) -> dict[str, str]:
    return {
        "name": grant.name or t("roles.unnamed", id=grant.person_id),
        "role": t(f"roles.role.{grant.role}"),
        "town": grant.town.name(t.language) if grant.town else "",
    }


@requires(Action.ROLES_MANAGE)
async def roles_command(update: Update, context: TongxinContext) -> None:
    """/roles: the grants this admin manages, one page per message, with Revoke buttons."""
    await _list_screen(update, context, 0)


@requires(Action.ROLES_MANAGE)
async def on_roles_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """Every ``roles:`` tap: a page, a revoke request, its confirmation, home."""
    try:
        match tap.action:
            case "page":
                await _list_screen(update, context, tap.id())
            case "home":
                await leave_to_main_menu(update, context)
            case "revoke":
                await _confirm_screen(update, context, tap.id())
            case "confirm":
                await _revoke(update, context, tap.id())
            case _:  # an action added to ROLES_CODE without a screen here
                raise NotFound()
    except DomainError as error:
        await refuse_tap(update, context, error)


async def _list_screen(update: Update, context: TongxinContext, page: int) -> None:
    t = context.t
    scopes = await current_scopes(context)
    shown = await run(context, grants_page, scopes=scopes, page=page)
    if not shown.grants:
        await show_screen(update, context, t("roles.list.empty"), [nav_buttons(t, HOME, HOME)])
        return
    lines, buttons = [], []
    for n, grant in enumerate(shown.grants, 1):
        words = _describe(t, grant)
        lines.append(t("roles.list.line", n=n, **words))
        label = t("roles.button.revoke", n=n, name=words["name"])
        data = ROLES_CODE.data("revoke", grant.id)
        buttons.append([InlineKeyboardButton(label, callback_data=data)])
    more = functools.partial(ROLES_CODE.data, "page")
    buttons.extend(page_rows(t, shown.page, shown.pages, more, back=HOME, home=HOME))
    title = t("roles.list.title", page=shown.page + 1, pages=shown.pages)
    text = "\n\n".join([title, "\n".join(lines), t("roles.list.hint")])
    await show_screen(update, context, text, buttons)


async def _confirm_screen(update: Update, context: TongxinContext, grant_id: int) -> None:
    t = context.t
    scopes = await current_scopes(context)
    grant = await run(context, revocation_preview, scopes=scopes, grant_id=grant_id)
    yes = ROLES_CODE.data("confirm", grant.id)
    buttons: Buttons = [  # keeping the role comes first: a destructive choice is never first
        [InlineKeyboardButton(t("roles.revoke.no"), callback_data=FIRST_PAGE)],
        [InlineKeyboardButton(t("roles.revoke.yes"), callback_data=yes)],
        nav_buttons(t, FIRST_PAGE, HOME),
    ]
    await show_screen(update, context, t("roles.revoke.confirm", **_describe(t, grant)), buttons)


async def _revoke(update: Update, context: TongxinContext, grant_id: int) -> None:
    t = context.t
    actor = me(context)
    scopes = await current_scopes(context)
    grant = await run(context, revoke, actor=actor, scopes=scopes, grant_id=grant_id)
    logger.info("person %s revoked grant %s", actor.id, grant.id)
    buttons: Buttons = [nav_buttons(t, FIRST_PAGE, HOME)]
    await show_screen(update, context, t("roles.revoked", **_describe(t, grant)), buttons)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    """This flow's handlers: /roles and its inline taps."""
    return [CommandHandler("roles", roles_command), tap_handler(ROLES_CODE, on_roles_tap)]
