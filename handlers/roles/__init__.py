"""Roles and invites: /invite makes one-use links (``/start inv_…``), /roles revokes grants."""

from telegram.ext import BaseHandler

from handlers.kit import DeepLink, Feature, Wiring
from handlers.roles import grants, invites, redeem
from models.roles import INVITE_CODE, ROLES_CODE


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [*invites.handlers(wiring), *grants.handlers(wiring)]


FEATURE = Feature(
    name="roles",
    handlers=_handlers,
    deep_links=[DeepLink(invites.LINK_PREFIX, redeem.redeem_invite_code)],
    callbacks=[ROLES_CODE, INVITE_CODE],
)

__all__ = ["FEATURE"]
