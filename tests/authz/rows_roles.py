"""The authz matrix's rows for roles: /invite and /roles with their buttons."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS, GLOBAL
from tests.authz.authz_rows import Row, literal, text_of

LINK = "https://t.me/tongxin_bot?start=inv_"

ROLE_ROWS: tuple[Row, ...] = (
    Row(
        "/invite",
        "command",
        "/invite",
        Action.INVITE_CREATE,
        ADMINS,
        text_of("roles.invite.choose_role"),
    ),
    Row(
        "/roles",
        "command",
        "/roles",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of("roles.list.title", page=1, pages=1),
    ),
    Row(
        "inv:start",
        "callback",
        "inv:start",
        Action.INVITE_CREATE,
        ADMINS,
        text_of("roles.invite.choose_role"),
    ),
    Row(
        "inv:role:volunteer",
        "callback",
        "inv:role:volunteer",
        Action.INVITE_CREATE,
        ADMINS,
        text_of("roles.invite.choose_town", role="roles.role.volunteer"),
        expect_by_role={"town_admin_d": literal(LINK)},  # own town chosen automatically
        writes=frozenset({"town_admin_d"}),
    ),
    Row(
        "inv:role:admin",
        "callback",
        "inv:role:admin",
        Action.INVITE_CREATE,
        GLOBAL,
        text_of("roles.invite.choose_town", role="roles.role.admin"),
    ),
    Row(
        "inv:role:forged",
        "callback",
        "inv:role:resident",
        Action.INVITE_CREATE,
        frozenset(),
        literal(""),
    ),
    Row(
        "inv:town:mediator:D",
        "callback",
        "inv:town:mediator:D",
        Action.INVITE_CREATE,
        ADMINS,
        literal(LINK),
        writes=ADMINS,
    ),
    Row(
        "inv:town:volunteer:Q",
        "callback",
        "inv:town:volunteer:Q",
        Action.INVITE_CREATE,
        GLOBAL,
        literal(LINK),
        writes=GLOBAL,
    ),
    Row(
        "inv:town:admin:D",
        "callback",
        "inv:town:admin:D",
        Action.INVITE_CREATE,
        GLOBAL,
        literal(LINK),
        writes=GLOBAL,
    ),
    Row(
        "inv:town:bad-town",
        "callback",
        "inv:town:volunteer:X",
        Action.INVITE_CREATE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row("inv:home", "callback", "inv:home", Action.INVITE_CREATE, ADMINS, text_of("home.prompt")),
    Row(
        "roles:page",
        "callback",
        "roles:page:0",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of("roles.list.title", page=1, pages=1),
    ),
    Row(
        "roles:home", "callback", "roles:home", Action.ROLES_MANAGE, ADMINS, text_of("home.prompt")
    ),
    Row(
        "roles:revoke:D-volunteer",
        "callback",
        "roles:revoke:{grant:d_volunteer}",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of(
            "roles.revoke.confirm", name="志愿者小李", role="roles.role.volunteer", town="崇明区D镇"
        ),
    ),
    Row(
        "roles:revoke:Q-volunteer",
        "callback",
        "roles:revoke:{grant:q_volunteer}",
        Action.ROLES_MANAGE,
        GLOBAL,
        text_of(
            "roles.revoke.confirm", name="志愿者老周", role="roles.role.volunteer", town="启东市Q镇"
        ),
        scope_refusal="error.not_found",
    ),
    Row(
        "roles:confirm:D-mediator",
        "callback",
        "roles:confirm:{grant:d_mediator}",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of("roles.revoked", name="调解员老张", role="roles.role.mediator", town="崇明区D镇"),
        writes=ADMINS,
    ),
    Row(
        "roles:confirm:town-admin",
        "callback",
        "roles:confirm:{grant:town_admin_d}",
        Action.ROLES_MANAGE,
        GLOBAL,
        text_of("roles.revoked", name="镇管理员陈", role="roles.role.admin", town="崇明区D镇"),
        writes=GLOBAL,
        scope_refusal="error.not_found",
    ),
    Row(
        "roles:revoke:forged",
        "callback",
        "roles:revoke:999999",
        Action.ROLES_MANAGE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row(
        "roles:confirm:huge",
        "callback",
        "roles:confirm:99999999999999999999",
        Action.ROLES_MANAGE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
)
