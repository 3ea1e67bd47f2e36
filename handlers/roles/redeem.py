"""``/start inv_<code>``: a registered resident opens an invite link and gets its role.

Onboarding keeps a link opened mid-registration and follows it once the person has finished
(the registry routes ``inv_`` here: ``handlers/roles/__init__.py``).
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import TongxinContext
from handlers.kit import error_text, main_menu_keyboard, me, registered, reply, run
from models.core.errors import DomainError
from models.roles import redeem

logger = logging.getLogger(__name__)


async def redeem_invite_code(update: Update, context: TongxinContext, code: str) -> None:
    """Redeem ``/start inv_<code>`` for the person talking and say what happened."""
    # Decided first: a refused use case reloads the person, who may have vanished meanwhile.
    menu = main_menu_keyboard(context) if registered(context.person) else None
    try:
        redeemed = await run(context, redeem, person=me(context), code=code)
    except DomainError as error:
        logger.info("invite refused: %s", type(error).__name__)
        await reply(update, context, error_text(context, error), menu)
        return
    logger.info("person %s redeemed an invite as %s", me(context).id, redeemed.role.value)
    town = redeemed.town.name(context.t.language) if redeemed.town else ""
    text = context.t(f"roles.redeemed.{redeemed.role}", town=town)
    await reply(update, context, text, main_menu_keyboard(context))
