"""Roles and invites: /invite makes one-use links (``/start inv_…``), /roles revokes grants."""

from telegram.ext import BaseHandler

from handlers.kit import DeepLink, Feature, Wiring
from handlers.roles import grants, invites


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [*invites.handlers(wiring), *grants.handlers(wiring)]


FEATURE = Feature(
    name="roles",
    handlers=_handlers,
    deep_links=[DeepLink("inv_", invites.redeem_invite_code)],
)

__all__ = ["FEATURE"]
