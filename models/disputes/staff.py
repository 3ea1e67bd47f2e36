"""Staff settings: a mediator's own duty switch (/duty), which mediators take which categories,
the town's mediators' group chat (/linkgroup), and the counts town admins may see."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Role, Scope, can
from models.core.base import row_id, upsert_insert, utcnow
from models.core.errors import NotAllowed
from models.core.groups import find_group
from models.core.people import Person
from models.disputes.access import may_count
from models.disputes.errors import NotAMediator
from models.disputes.routing import is_town_mediator, policy_of
from models.disputes.tables import Category, CategoryRoute, DisputeCase, MediatorDuty, TownPolicy


async def set_duty(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], on: bool
) -> bool:
    """Switch one's own duty on or off (mediators only); returns the new state."""
    if not any(s.role in (Role.MEDIATOR, Role.MEDIATION_HEAD) for s in scopes):
        raise NotAllowed()
    pid = row_id(person)
    insert = upsert_insert(session, MediatorDuty).values(
        person_id=pid, on_duty=on, changed_at=utcnow()
    )
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["person_id"], set_={"on_duty": on, "changed_at": utcnow()}
        )
    )
    await record_audit(session, pid, "dispute.duty", "person", pid, on=on)
    return on


async def on_duty(session: AsyncSession, *, person: Person) -> bool:
    """Whether the mediator is on duty (no switch yet: on)."""
    row = await session.get(MediatorDuty, row_id(person))
    return row is None or row.on_duty


async def set_routes(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    town_id: int,
    category: Category,
    mediator_ids: Iterable[int],
) -> list[int]:
    """Set which mediators of the town take ``category`` (none: all of them); admins only."""
    if not can(scopes, Action.ROLES_MANAGE, town_id):
        raise NotAllowed()
    chosen = sorted(set(mediator_ids))
    for mid in chosen:
        if not await is_town_mediator(session, mid, town_id):
            raise NotAMediator()
    await session.execute(
        delete(CategoryRoute).where(
            col(CategoryRoute.town_id) == town_id, col(CategoryRoute.category) == category.value
        )
    )
    session.add_all(
        CategoryRoute(town_id=town_id, category=category.value, mediator_id=m) for m in chosen
    )
    await session.flush()
    await record_audit(
        session,
        person.id,
        "dispute.routes",
        "town",
        town_id,
        category=category.value,
        n=len(chosen),
    )
    return chosen


async def link_group(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], town_id: int, chat_id: int
) -> TownPolicy:
    """Make a group the bot is in the town's mediators' group (its admins only)."""
    if not can(scopes, Action.ROLES_MANAGE, town_id):
        raise NotAllowed()
    group = await find_group(session, chat_id)
    if group is None or not group.active:
        raise NotAllowed()
    policy = await session.get(TownPolicy, town_id)
    if policy is None:
        policy = TownPolicy(town_id=town_id)
        session.add(policy)
    policy.group_id = group.id
    await session.flush()
    await record_audit(session, person.id, "dispute.link_group", "town", town_id, group=group.id)
    return policy


async def set_policy(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], town_id: int, **timings: int
) -> TownPolicy:
    """Change the town's SLA timings (any of ``TownPolicy``'s number fields); admins only."""
    if not can(scopes, Action.ROLES_MANAGE, town_id):
        raise NotAllowed()
    allowed = set(TownPolicy.model_fields) - {"town_id", "group_id"}
    if set(timings) - allowed or any(int(v) < 1 for v in timings.values()):
        raise ValueError(f"not SLA timings: {sorted(timings)}")
    policy = await session.get(TownPolicy, town_id)
    if policy is None:
        policy = await policy_of(session, town_id)
        session.add(policy)
    for key, value in timings.items():
        setattr(policy, key, int(value))
    await session.flush()
    await record_audit(session, person.id, "dispute.policy", "town", town_id, **timings)
    return policy


async def town_counts(
    session: AsyncSession, *, scopes: Iterable[Scope], town_id: int
) -> dict[str, int]:
    """How many of the town's cases are in each status: the counts admins may see."""
    if not may_count(scopes, town_id):
        raise NotAllowed()
    rows = await session.execute(
        select(col(DisputeCase.status), func.count())
        .where(col(DisputeCase.lead_town_id) == town_id)
        .group_by(col(DisputeCase.status))
    )
    return {str(status): int(n) for status, n in rows.all()}
