"""Who a case goes to: each town's disputes settings, its mediators on duty by category, its
head of mediation and its admins, and its linked mediators' group chat."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Role, RoleGrant
from models.core.groups import BotGroup
from models.core.people import Person
from models.disputes.access import case_towns
from models.disputes.tables import CategoryRoute, DisputeCase, MediatorDuty, TownPolicy


async def policy_of(session: AsyncSession, town_id: int) -> TownPolicy:
    """The town's disputes settings (the defaults, unsaved, when none were set)."""
    return await session.get(TownPolicy, town_id) or TownPolicy(town_id=town_id)


async def staff_of(session: AsyncSession, town_id: int, role: Role) -> list[Person]:
    """People holding ``role`` in the town or in both towns, by id."""
    query = (
        select(Person)
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(
            col(RoleGrant.role) == role.value,
            col(RoleGrant.revoked_at).is_(None),
            or_(col(RoleGrant.town_id) == town_id, col(RoleGrant.town_id).is_(None)),
        )
        .distinct()
        .order_by(col(Person.id))
    )
    return list((await session.execute(query)).scalars())


async def is_town_mediator(session: AsyncSession, person_id: int, town_id: int) -> bool:
    """Whether the person is a mediator (or head of mediation) of the town."""
    query = select(RoleGrant.id).where(
        col(RoleGrant.person_id) == person_id,
        col(RoleGrant.role).in_([Role.MEDIATOR.value, Role.MEDIATION_HEAD.value]),
        col(RoleGrant.revoked_at).is_(None),
        or_(col(RoleGrant.town_id) == town_id, col(RoleGrant.town_id).is_(None)),
    )
    return (await session.execute(query)).first() is not None


async def duty_mediators(session: AsyncSession, town_id: int, category: str) -> list[Person]:
    """The town's mediators on duty who take ``category`` (all of them when none is routed)."""
    mediators = await staff_of(session, town_id, Role.MEDIATOR)
    routed = set(
        (
            await session.execute(
                select(col(CategoryRoute.mediator_id)).where(
                    col(CategoryRoute.town_id) == town_id, col(CategoryRoute.category) == category
                )
            )
        ).scalars()
    )
    off = set(
        (
            await session.execute(
                select(col(MediatorDuty.person_id)).where(col(MediatorDuty.on_duty).is_(False))
            )
        ).scalars()
    )
    return [m for m in mediators if (not routed or m.id in routed) and m.id not in off]


async def group_chat_of(session: AsyncSession, town_id: int) -> int | None:
    """The chat id of the town's linked mediators' group, while the bot is still in it."""
    policy = await session.get(TownPolicy, town_id)
    if policy is None or policy.group_id is None:
        return None
    group = await session.get(BotGroup, policy.group_id)
    return group.chat_id if group is not None and group.active else None


@dataclass(frozen=True)
class Recipients:
    """Who a case alert goes to: people (by town) and group chats."""

    people: list[tuple[Person, int]]  # (mediator, the town they are alerted for)
    groups: list[tuple[int, int]]  # (group chat id, town)


async def alert_recipients(session: AsyncSession, case: DisputeCase) -> Recipients:
    """The on-duty mediators (by category) and linked groups of every town the case involves."""
    people: list[tuple[Person, int]] = []
    groups: list[tuple[int, int]] = []
    seen: set[int | None] = set()
    for town in sorted(case_towns(case)):
        for mediator in await duty_mediators(session, town, case.category):
            if mediator.id not in seen:
                seen.add(mediator.id)
                people.append((mediator, town))
        chat = await group_chat_of(session, town)
        if chat is not None:
            groups.append((chat, town))
    return Recipients(people, groups)
