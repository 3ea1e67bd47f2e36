"""A town's disputes settings as its admins see and change them in the bot (/mediation): the SLA
timings, one typed number at a time, and which mediators take which category.

Every use case checks the town first (``Action.ROLES_MANAGE`` there: the town's admins, and
admins of both towns), so a forged tap naming the other town changes nothing; the handler then
audits the refusal (``record_settings_refusal``). Changes go through ``staff.set_policy`` and
``staff.set_routes``, which audit them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Role, Scope, can
from models.core.base import N_
from models.core.csvfile import TextInvalid, parse_int
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.people import Person
from models.core.places import Town
from models.disputes.routing import policy_of, staff_of
from models.disputes.staff import set_policy, set_routes
from models.disputes.tables import Category, CategoryRoute, TownPolicy


@dataclass(frozen=True)
class Timing:
    """One SLA timing: its unit (hours, minutes, days) and the range an admin may type."""

    unit: str
    low: int
    high: int


# In the order the screen lists them; the keys are ``TownPolicy`` columns.
TIMINGS: dict[str, Timing] = {
    "first_response_hours": Timing("hours", 1, 168),
    "realert_minutes": Timing("minutes", 10, 2880),
    "head_minutes": Timing("minutes", 10, 10080),
    "admins_minutes": Timing("minutes", 10, 20160),
    "nudge_days": Timing("days", 1, 60),
    "chase_hours": Timing("hours", 1, 168),
    "followup_days": Timing("days", 1, 90),
    "retention_days": Timing("days", 30, 3650),
    "proxy_answer_hours": Timing("hours", 1, 336),
}
CATEGORIES = frozenset(c.value for c in Category)
# Escalation levels go up in this order, so their times must too.
ESCALATION = ("realert_minutes", "head_minutes", "admins_minutes")


class TimingInvalid(DomainError):
    """The typed text is not a whole number from ``low`` to ``high``."""

    message_id = N_("disputes_settings.error.number")


class TimingsOutOfOrder(DomainError):
    """Re-alert, then head of mediation, then admins: each later than the one before."""

    message_id = N_("disputes_settings.error.order")


@dataclass(frozen=True)
class TownSettings:
    """What the settings screens show: the town, its timings, its mediators and its routes."""

    town: Town
    policy: TownPolicy
    mediators: list[tuple[int, str]]  # (person id, name) of the town's mediators
    routes: dict[Category, list[int]]  # the mediators chosen per category (none: all of them)


async def managed_towns(session: AsyncSession, *, scopes: Iterable[Scope]) -> list[Town]:
    """The towns whose disputes settings the person may change (NotAllowed: none)."""
    scopes = list(scopes)
    towns = (await session.execute(select(Town).order_by(col(Town.id)))).scalars()
    found = [t for t in towns if can(scopes, Action.ROLES_MANAGE, t.id)]
    if not found:
        raise NotAllowed()
    return found


async def town_settings(
    session: AsyncSession, *, scopes: Iterable[Scope], town_id: int
) -> TownSettings:
    """The town's settings as its admin sees them; NotAllowed for a town out of reach."""
    if not can(scopes, Action.ROLES_MANAGE, town_id):
        raise NotAllowed()
    town = await session.get(Town, town_id)
    if town is None:
        raise NotFound()
    mediators = [
        (p.id, p.display_name or "—")
        for p in await staff_of(session, town_id, Role.MEDIATOR)
        if p.id is not None
    ]
    rows = await session.execute(select(CategoryRoute).where(col(CategoryRoute.town_id) == town_id))
    routes: dict[Category, list[int]] = {c: [] for c in Category}
    for route in rows.scalars():
        if route.category in CATEGORIES:
            routes[Category(route.category)].append(route.mediator_id)
    return TownSettings(town, await policy_of(session, town_id), mediators, routes)


async def change_timing(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    town_id: int,
    key: str,
    text: str | None,
) -> TownSettings:
    """Set one timing from what the admin typed; ``TimingInvalid`` or ``TimingsOutOfOrder``
    (nothing changed) when it cannot be used."""
    scopes = list(scopes)
    if not can(scopes, Action.ROLES_MANAGE, town_id):
        raise NotAllowed()
    timing = TIMINGS.get(key)
    if timing is None:
        raise NotFound()
    try:
        value = parse_int(text or "", timing.low, timing.high)
    except TextInvalid as exc:
        raise TimingInvalid(low=timing.low, high=timing.high) from exc
    policy = await policy_of(session, town_id)
    levels = [value if k == key else getattr(policy, k) for k in ESCALATION]
    if key in ESCALATION and levels != sorted(set(levels)):
        raise TimingsOutOfOrder()
    await set_policy(session, person=person, scopes=scopes, town_id=town_id, **{key: value})
    return await town_settings(session, scopes=scopes, town_id=town_id)


async def choose_route(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    town_id: int,
    category: str,
    mediator_id: int | None,
) -> TownSettings:
    """One mediator chosen for (or taken off) ``category``; None: all mediators take it again."""
    scopes = list(scopes)
    if not can(scopes, Action.ROLES_MANAGE, town_id):
        raise NotAllowed()
    if category not in CATEGORIES:
        raise NotFound()
    current = await town_settings(session, scopes=scopes, town_id=town_id)
    # a mediator who has since lost the role drops out of the routes with this change
    chosen = set(current.routes[Category(category)]) & {mid for mid, _ in current.mediators}
    if mediator_id is None:
        chosen = set()
    elif mediator_id in chosen:
        chosen.discard(mediator_id)
    else:
        chosen.add(mediator_id)
    await set_routes(
        session,
        person=person,
        scopes=scopes,
        town_id=town_id,
        category=Category(category),
        mediator_ids=chosen,
    )
    return await town_settings(session, scopes=scopes, town_id=town_id)


async def record_settings_refusal(
    session: AsyncSession, *, person: Person, town_id: int, op: str
) -> None:
    """Audit a refused change of a town's disputes settings (a forged tap); run it after."""
    await record_audit(session, person.id, "dispute.settings_refused", "town", town_id, op=op)
