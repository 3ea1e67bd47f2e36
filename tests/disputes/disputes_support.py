"""Shared set-up for the disputes model tests: a cast of residents and staff of both towns,
their scopes, and a one-call report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.context import Services
from models.core.authz import Role, Scope, grant_role, scopes_of
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.core.places import Town
from models.disputes import Category, Parties, Receipt, Report, report_case
from tests.factories import make_person

ADMIN_IDS: list[int] = []


@dataclass
class Cast:
    """People by key: residents ``d_res``/``q_res``, mediators ``d_med``/``d_med2``/``q_med``,
    heads ``d_head``/``q_head``, admins ``d_admin``/``q_admin``."""

    ids: dict[str, int]
    towns: dict[str, int]


ROLES: dict[str, tuple[int, str, str, Role | None]] = {
    "d_res": (7001, "D", "d-changjiang", None),
    "d_res2": (7002, "D", "d-hongmei", None),
    "q_res": (7003, "Q", "q-xinglong", None),
    "d_med": (7011, "D", "d-changjiang", Role.MEDIATOR),
    "d_med2": (7012, "D", "d-hongmei", Role.MEDIATOR),
    "q_med": (7013, "Q", "q-xinglong", Role.MEDIATOR),
    "d_head": (7021, "D", "d-changjiang", Role.MEDIATION_HEAD),
    "q_head": (7022, "Q", "q-xinglong", Role.MEDIATION_HEAD),
    "d_admin": (7031, "D", "d-changjiang", Role.ADMIN),
    "q_admin": (7032, "Q", "q-xinglong", Role.ADMIN),
}
NAMES = {
    "d_res": "李大爷",
    "d_res2": "王阿姨",
    "q_res": "张奶奶",
    "d_med": "陈调解",
    "d_med2": "周调解",
    "q_med": "刘调解",
    "d_head": "黄主任",
    "q_head": "吴主任",
    "d_admin": "管理员甲",
    "q_admin": "管理员乙",
}
PHONES = {"d_res": "13912345678", "d_res2": "13812345678", "q_res": "13712345678"}


async def make_cast(services: Services) -> Cast:
    """Every person of ``ROLES``, onboarded, with their grant in their own town."""
    towns: dict[str, int] = {}
    async with services.sessions() as session:
        for row in (await session.execute(select(Town))).scalars():
            towns[row.code] = row.id or 0
    ids: dict[str, int] = {}
    for key, (tg, town, community, role) in ROLES.items():
        person = await make_person(
            services.sessions, tg, town, community, name=NAMES[key], phone=PHONES.get(key)
        )
        ids[key] = person.id or 0
        if role is not None:
            async with services.sessions() as session, session.begin():
                await grant_role(session, person.id or 0, role, towns[town])
    return Cast(ids, towns)


async def person_and_scopes(session: AsyncSession, person_id: int) -> tuple[Person, set[Scope]]:
    """The person's row and their scopes now."""
    person = await session.get(Person, person_id)
    if person is None:
        raise LookupError(person_id)
    return person, await scopes_of(session, person, ADMIN_IDS)


async def file_report(
    services: Services,
    reporter_id: int,
    *,
    parties: Parties = Parties.SAME_COMMUNITY,
    anonymous: bool = False,
    consent: bool = True,
    category: Category = Category.NOISE,
    description: str = "楼上每天半夜拖椅子，声音很大。",
    now: datetime | None = None,
    **extra: Any,
) -> Receipt:
    """Report a case as ``reporter_id`` and commit it."""
    async with services.sessions() as session, session.begin():
        person, _ = await person_and_scopes(session, reporter_id)
        report = Report(
            category=category,
            parties=parties,
            description=description,
            anonymous=anonymous,
            cross_border_consent=consent,
            **extra,
        )
        return await report_case(session, person=person, report=report, now=now)


async def outbox_rows(services: Services, key_part: str = "") -> list[OutboxMessage]:
    """Outbox rows whose dedupe key contains ``key_part``, oldest first."""
    async with services.sessions() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if key_part:
            query = query.where(col(OutboxMessage.dedupe_key).contains(key_part))
        return list((await session.execute(query)).scalars())
