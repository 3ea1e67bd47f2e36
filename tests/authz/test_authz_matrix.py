"""Authorisation matrix: every privileged command and callback × every role.

The table ``MATRIX`` is the data: later issues add rows (e.g. ``/broadcast``) and the coverage
tests below fail until every guarded handler and every Action has one.

The cast (``populate``) is built once per process into a database snapshot; every case starts
from its own fresh copy of it (tests/databases.py), with its own Application.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select
from sqlmodel import col
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.app import build_services
from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_day
from models.booking.calendar import TOWNS_TZ
from models.broadcasts import create_broadcast
from models.core.audit import AuditLog
from models.core.authz import PERMISSIONS, Action, Role, RoleGrant, grant_role, scopes_of
from models.core.base import utcnow
from models.core.people import find_person
from models.core.places import Town
from models.roles.invites import Invite
from tests.conftest import ADMIN_ID, make_settings
from tests.databases import Databases
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

ROLES = ("unregistered", "resident", "volunteer", "mediator", "town_admin_d", "global_admin")
ADMINS = frozenset({"town_admin_d", "global_admin"})
GLOBAL = frozenset({"global_admin"})
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
# Actions whose commands arrive with later issues; a row replaces the entry when they do.
AWAITING_FEATURE = frozenset({Action.CASE_HANDLE, Action.STATS_VIEW})
BROADCASTERS = ADMINS | {"volunteer"}
NOTICE = "矩阵测试通知"
Expect = Callable[[Translator], str]
LINK = "https://t.me/tongxin_bot?start=inv_"


def text_of(msgid: str, **params: Any) -> Expect:
    """Expect the translated message (with role/town ids translated too)."""

    def expect(t: Translator) -> str:
        words = {
            k: t(v) if isinstance(v, str) and v.startswith("roles.") else v
            for k, v in params.items()
        }
        return t(msgid, **words)

    return expect


def literal(value: str) -> Expect:
    """Expect a fixed fragment."""
    return lambda _t: value


def checkin_empty(t: Translator) -> str:
    """Expect /checkin's "nothing to check in today"."""
    return t("checkin.empty", day=format_day(datetime.now(TOWNS_TZ).date(), t.language))


@dataclass(frozen=True)
class Row:
    """One privileged entry point: a command or callback data (``{grant:<key>}`` filled in)."""

    name: str
    kind: str  # "command" | "callback"
    payload: str
    action: Action
    allowed: frozenset[str]
    expect: Expect
    expect_by_role: dict[str, Expect] = field(default_factory=dict)
    writes: frozenset[str] = frozenset()  # roles for which the request changes the DB
    scope_refusal: str = "error.not_allowed"  # what admins outside ``allowed`` are told


MATRIX: tuple[Row, ...] = (
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
    Row(
        "/broadcast",
        "command",
        "/broadcast",
        Action.BROADCAST,
        BROADCASTERS,
        text_of("broadcast.ask_text"),
    ),
    Row(
        "/broadcasts",
        "command",
        "/broadcasts",
        Action.BROADCAST,
        BROADCASTERS,
        text_of("broadcast.history.title"),
    ),
    Row(
        "bc:list",
        "callback",
        "bc:list",
        Action.BROADCAST,
        BROADCASTERS,
        text_of("broadcast.history.title"),
    ),
    Row("bc:home", "callback", "bc:home", Action.BROADCAST, BROADCASTERS, text_of("home.prompt")),
    Row(
        "bc:cancel",
        "callback",
        "bc:cancel:{grant:broadcast}",
        Action.BROADCAST,
        BROADCASTERS,  # the author, or an admin of the town
        literal(NOTICE),
    ),
    Row(
        "bc:stop",
        "callback",
        "bc:stop:{grant:broadcast}",
        Action.BROADCAST,
        BROADCASTERS,
        literal("已取消"),
        writes=BROADCASTERS,
    ),
    Row(
        "bc:ok",
        "callback",
        "bc:ok:{grant:broadcast}",
        Action.BROADCAST,
        ADMINS,  # a volunteer (here: the author) may not approve
        literal("您已同意发送通知"),
        writes=ADMINS,
    ),
    Row(
        "bc:no",
        "callback",
        "bc:no:{grant:broadcast}",
        Action.BROADCAST,
        ADMINS,
        literal("您没有同意通知"),
        writes=ADMINS,
    ),
    Row(
        "bc:ok:forged",
        "callback",
        "bc:ok:999999",
        Action.BROADCAST,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row(
        "bc:stop:huge",
        "callback",
        "bc:stop:99999999999999999999",
        Action.BROADCAST,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row(
        "/approvals",
        "command",
        "/approvals",
        Action.VENUE_MANAGE,
        ADMINS,
        text_of("approvals.empty"),
    ),
    Row("ap:home", "callback", "ap:home", Action.VENUE_MANAGE, ADMINS, text_of("home.prompt")),
    Row("ap:ok:forged", "callback", "ap:ok:999999", Action.VENUE_MANAGE, frozenset(), literal("")),
    Row("ap:no:forged", "callback", "ap:no:999999", Action.VENUE_MANAGE, frozenset(), literal("")),
    Row(
        "/noshows",
        "command",
        "/noshows",
        Action.VENUE_MANAGE,
        ADMINS,
        lambda t: t.n("noshows.empty", 90, days=90),
    ),
    Row("/checkin", "command", "/checkin", Action.CHECK_IN, BROADCASTERS, checkin_empty),
    Row("ci:list", "callback", "ci:list:0", Action.CHECK_IN, BROADCASTERS, checkin_empty),
    Row("ci:home", "callback", "ci:home", Action.CHECK_IN, BROADCASTERS, text_of("home.prompt")),
    Row("ci:s:forged", "callback", "ci:s:999999:0", Action.CHECK_IN, frozenset(), literal("")),
    Row("ci:b:forged", "callback", "ci:b:999999:0", Action.CHECK_IN, frozenset(), literal("")),
    # /venues: demo ids are stable (seeding order): centres d=1, q=2; d-canteen=2, q-hall=5.
    Row(
        "/venues",
        "command",
        "/venues",
        Action.VENUE_MANAGE,
        ADMINS,
        text_of("venues_admin.list.centres"),
        expect_by_role={"town_admin_d": literal("🏢 D镇社区党群服务中心")},  # one centre
    ),
    Row(
        "va:list",
        "callback",
        "va:list",
        Action.VENUE_MANAGE,
        ADMINS,
        text_of("venues_admin.list.centres"),
        expect_by_role={"town_admin_d": literal("🏢 D镇社区党群服务中心")},
    ),
    Row("va:c:D", "callback", "va:c:1", Action.VENUE_MANAGE, ADMINS, literal("🏢 D镇社区党群")),
    Row("va:c:Q", "callback", "va:c:2", Action.VENUE_MANAGE, GLOBAL, literal("🏢 Q镇党群")),
    Row("va:v:D", "callback", "va:v:2", Action.VENUE_MANAGE, ADMINS, literal("🏢 长者助餐点")),
    Row("va:v:Q", "callback", "va:v:5", Action.VENUE_MANAGE, GLOBAL, literal("🏢 多功能大厅")),
    Row(
        "va:t:D",
        "callback",
        "va:t:2:appr",
        Action.VENUE_MANAGE,
        ADMINS,
        literal("✅ 已保存：「需要管理员审批」现在是「是」。"),
        writes=ADMINS,
    ),
    Row(
        "va:t:Q",
        "callback",
        "va:t:5:other",
        Action.VENUE_MANAGE,
        GLOBAL,
        literal("✅ 已保存：「另一个镇的居民可以预约」"),
        writes=GLOBAL,
    ),
    Row("va:n:D", "callback", "va:n:2:cap", Action.VENUE_MANAGE, ADMINS, literal("（现在是 40）")),
    Row("va:n:Q", "callback", "va:n:5:cap", Action.VENUE_MANAGE, GLOBAL, literal("（现在是 1）")),
    Row("va:tx:D", "callback", "va:tx:2:az", Action.VENUE_MANAGE, ADMINS, literal("地址（中文）")),
    Row("va:home", "callback", "va:home", Action.VENUE_MANAGE, ADMINS, text_of("home.prompt")),
    Row(
        "va:so:forged",
        "callback",
        "va:so:99999999:1",
        Action.VENUE_MANAGE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row(
        "va:v:huge",
        "callback",
        "va:v:99999999999999999999",
        Action.VENUE_MANAGE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
)


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


CAST = "authz-cast"


@pytest.fixture
async def cast(databases: Databases, pinned_now: datetime) -> dict[str, int]:
    """The grant ids of the cast, which ``populate`` puts in a snapshot once per process
    (a second before the run's instant: every case then acts a moment after it was made)."""

    async def build(url: str) -> dict[str, int]:
        services = build_services(make_settings(url))
        try:
            with time_machine.travel(pinned_now - timedelta(seconds=1), tick=True):
                return await populate(services)
        finally:
            await services.engine.dispose()

    grants: dict[str, int] = await databases.snapshot(CAST, build)
    return dict(grants)


@pytest.fixture
async def database_url(tmp_path: Path, databases: Databases, cast: dict[str, int]) -> str:
    """Every case starts from its own copy of the cast's snapshot: none sees another's writes."""
    return await databases.fresh(tmp_path, CAST)


def _fill(payload: str, grants: dict[str, int]) -> str:
    for key, value in grants.items():
        payload = payload.replace(f"{{grant:{key}}}", str(value))
    return payload


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.name)
async def test_matrix(
    harness: BotHarness, services: Services, cast: dict[str, int], row: Row, role: str
) -> None:
    grants = cast
    t = services.i18n.translator("zh_CN")
    user = harness.user(USER_IDS[role])
    await user.send("/help")  # the message forged taps hang on
    before = await snapshot(services)
    payload = _fill(row.payload, grants)
    answers_before = len(user.state.callback_answers(user.id))

    if row.kind == "command":
        await user.send(payload)
    else:
        await forge_tap(user, payload)

    after = await snapshot(services)
    answers = user.state.callback_answers(user.id)[answers_before:]
    if row.kind == "callback":
        assert len(answers) == 1, "every tap is answered exactly once"
    if role in row.allowed:
        expected = row.expect_by_role.get(role, row.expect)(t)
        assert expected in user.last_text()
        if role in row.writes:
            assert after != before and after[2] == before[2] + 1  # one audit row per change
        else:
            assert after == before
        return
    assert after == before, "a refused request changes nothing"
    if role == "unregistered":
        assert user.last_text() == t("error.not_registered")
        return
    has_action = ROLE_OF[role] in PERMISSIONS[row.action]
    refusal = t(row.scope_refusal if has_action else "error.not_allowed")
    if row.kind == "callback":
        assert answers[0]["text"] == refusal and answers[0]["show_alert"]
        assert user.last_text() == t("help.text")  # the tapped message was left alone
    else:
        assert user.last_text() == refusal


def _walk(handler: BaseHandler) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    if isinstance(handler, ConversationHandler):
        nested = [*handler.entry_points, *handler.fallbacks]
        nested += [h for hs in handler.states.values() for h in hs]
        return [h for n in nested for h in _walk(n)]
    return [handler]


def test_every_guarded_handler_and_action_has_rows(harness: BotHarness) -> None:
    assert harness.app is not None
    guarded: list[tuple[BaseHandler, Action]] = []  # type: ignore[type-arg,unused-ignore]
    for group in harness.app.handlers.values():
        for handler in (h for top in group for h in _walk(top)):
            action = getattr(handler.callback, "required_action", None)
            if action is not None:
                guarded.append((handler, action))
    assert guarded, "no guarded handlers found: is @requires still tagging them?"
    commands = {r.payload.lstrip("/").split()[0] for r in MATRIX if r.kind == "command"}
    callbacks = [r.payload for r in MATRIX if r.kind == "callback"]
    for handler, action in guarded:
        if isinstance(handler, CommandHandler):
            assert handler.commands & commands, f"add a matrix row for /{sorted(handler.commands)}"
        elif isinstance(handler, CallbackQueryHandler):
            pattern = handler.pattern
            assert isinstance(pattern, re.Pattern)
            assert any(pattern.match(data) for data in callbacks), f"add a row for {pattern}"
        assert action not in AWAITING_FEATURE, f"{action} is built now: add its matrix rows"
    covered = {row.action for row in MATRIX}
    for action in PERMISSIONS:
        assert action in covered or action in AWAITING_FEATURE, f"no matrix row for {action}"
    assert set(PERMISSIONS) == set(Action)
