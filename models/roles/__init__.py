"""Roles and invites: one-use invite links to a role in a town, and managing the grants.

Who may do what is decided in ``models.core.authz`` (every domain asks there); this package
hands roles out (invites) and takes them back (revocation, with a notice to the person).
"""

from models.roles.codes import INVITE_CODE, ROLES_CODE
from models.roles.grants import (
    GRANTS_PER_PAGE,
    GrantsPage,
    GrantView,
    get_grant,
    grants_page,
    list_grants,
    revocation_preview,
    revoke,
    revoke_grant,
)
from models.roles.invites import (
    INVITE_TTL,
    CreatedInvite,
    Invite,
    InviteTowns,
    RedeemedInvite,
    create_invite,
    create_invite_link,
    invite_towns,
    redeem,
    redeem_invite,
)

__all__ = [
    "GRANTS_PER_PAGE",
    "INVITE_CODE",
    "INVITE_TTL",
    "ROLES_CODE",
    "CreatedInvite",
    "GrantView",
    "GrantsPage",
    "Invite",
    "InviteTowns",
    "RedeemedInvite",
    "create_invite",
    "create_invite_link",
    "get_grant",
    "grants_page",
    "invite_towns",
    "list_grants",
    "redeem",
    "redeem_invite",
    "revocation_preview",
    "revoke",
    "revoke_grant",
]
