"""The authz matrix's cast and how it acts: a person per role, forged taps, what may change.

``populate`` builds the cast once per process (one person per role in D town, a Q-town
volunteer, a notice waiting for approval); ``forge_tap`` sends callback data the way a client
could forge it; ``snapshot`` counts what a privileged request could change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.broadcasts import create_broadcast
from models.core.audit import AuditLog
from models.core.authz import Role, RoleGrant, grant_role, scopes_of
from models.core.base import utcnow
from models.core.people import find_person
from models.core.places import Town
from models.roles.invites import Invite
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import Message, SimUser

ROLES = ("unregistered", "resident", "volunteer", "mediator", "town_admin_d", "global_admin")
ADMINS = frozenset({"town_admin_d", "global_admin"})
GLOBAL = frozenset({"global_admin"})
BROADCASTERS = ADMINS | {"volunteer"}
USER_IDS = {
    "unregistered": 7001,
    "resident": 7002,
    "volunteer": 7003,
    "mediator": 7004,
    "town_admin_d": 7005,
    "global_admin": ADMIN_ID,
}
ROLE_OF = {
    "unregistered": None,
    "resident": Role.RESIDENT,
    "volunteer": Role.VOLUNTEER,
    "mediator": Role.MEDIATOR,
    "town_admin_d": Role.ADMIN,
    "global_admin": Role.ADMIN,
}
Q_VOLUNTEER_ID = 7010
NOTICE = "矩阵测试通知"


async def forge_tap(user: SimUser, data: str) -> list[Message]:
    """Tap ``data`` as if it were a button under the bot's latest message (forgeable by clients)."""
    state = user.state
    chat = state.get_user_chat(user.id, None)
    rec = next(r for r in reversed(chat.messages.values()) if r["from_bot"] and not r["deleted"])
    query_id = str(4_000_000_000_000 + state.next_id())
    state.callback_queries[query_id] = {
        "id": query_id,
        "user_id": user.id,
        "message_id": rec["message_id"],
        "data": data,
        "answered": False,
    }
    query = {
        "id": query_id,
        "from": dict(state.users[user.id]),
        "message": state.tg_message(rec),
        "chat_instance": "42",
        "data": data,
    }
    return await user._act(state.emit({"callback_query": query}))


async def populate(services: Services) -> dict[str, int]:
    """The cast: one person per role (D town), a Q-town volunteer; returns grant ids by key."""
    sessions = services.sessions
    grants: dict[str, int] = {}
    async with sessions() as session:
        towns = {t.code: t.id for t in (await session.execute(select(Town))).scalars()}
    people = {
        "resident": ("居民王阿姨", None, "D"),
        "volunteer": ("志愿者小李", Role.VOLUNTEER, "D"),
        "mediator": ("调解员老张", Role.MEDIATOR, "D"),
        "town_admin_d": ("镇管理员陈", Role.ADMIN, "D"),
        "global_admin": ("总管理员", None, "D"),
    }
    keys = {"volunteer": "d_volunteer", "mediator": "d_mediator", "town_admin_d": "town_admin_d"}
    for who, (name, role, town) in people.items():
        person = await make_person(sessions, USER_IDS[who], name=name)
        if role is not None:
            assert person.id is not None
            async with sessions() as session, session.begin():
                grant = await grant_role(session, person.id, role, towns[town])
            assert grant.id is not None
            grants[keys[who]] = grant.id
    q_person = await make_person(
        sessions, Q_VOLUNTEER_ID, town_code="Q", community_code="q-xinglong", name="志愿者老周"
    )
    assert q_person.id is not None
    async with sessions() as session, session.begin():
        grant = await grant_role(session, q_person.id, Role.VOLUNTEER, towns["Q"])
    assert grant.id is not None
    grants["q_volunteer"] = grant.id
    grants["broadcast"] = await _pending_broadcast(services)
    grants["town_D"], grants["town_Q"] = towns["D"] or 0, towns["Q"] or 0  # /mediation's rows
    return grants


async def _pending_broadcast(services: Services) -> int:
    """A notice by the D volunteer, waiting for a D admin's approval."""
    async with services.sessions() as session, session.begin():
        author = await find_person(session, USER_IDS["volunteer"])
        assert author is not None
        scopes = await scopes_of(session, author, services.settings.admin_ids)
        broadcast = await create_broadcast(
            session,
            person=author,
            scopes=scopes,
            text=NOTICE,
            topic="events",
            audience_kind="all",
            audience_value=None,
            send_at=utcnow(),
            approval_towns=["D"],
            admin_ids=services.settings.admin_ids,
            tz=services.settings.tz,
        )
    assert broadcast.id is not None
    return broadcast.id


async def snapshot(services: Services) -> tuple[int, int, int]:
    """What a privileged action could change: invites, active grants, audit rows."""
    async with services.sessions() as session:

        async def count(model: type, *where: Any) -> int:
            query = select(func.count()).select_from(model).where(*where)
            return int((await session.execute(query)).scalar_one())

        return (
            await count(Invite),
            await count(RoleGrant, col(RoleGrant.revoked_at).is_(None)),
            await count(AuditLog),
        )
