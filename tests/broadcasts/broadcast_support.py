"""Helpers for broadcast tests: many people at once, staff with scopes, notices, and the flow.

The model tests create notices and pretend the pump delivered them; the flow tests compose them
through the bot and run the broadcast job.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import col

from bot.context import Services
from jobs.broadcasts import ProgressBoard, tick
from models.broadcasts import Broadcast, create_broadcast
from models.core.audit import AuditLog
from models.core.authz import Role, Scope, grant_role, scopes_of
from models.core.base import utcnow
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.people import NotificationOptOut, Person
from models.core.places import Community, Town
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

BULK_BASE = 500_000


async def bulk_people(
    services: Services,
    n: int,
    *,
    town: str = "D",
    community: str = "d-changjiang",
    muted: dict[str, int] | None = None,
    unreachable: int = 0,
    not_onboarded: int = 0,
    start: int = BULK_BASE,
) -> list[int]:
    """Insert ``n`` onboarded persons in one statement; every k-th mutes a topic, etc."""
    now = utcnow()
    async with services.sessions() as session, session.begin():
        town_id = (
            await session.execute(select(col(Town.id)).where(col(Town.code) == town))
        ).scalar_one()
        community_id = (
            await session.execute(select(col(Community.id)).where(col(Community.code) == community))
        ).scalar_one()
        rows: list[dict[str, Any]] = [
            {
                "tg_user_id": start + i,
                "chat_id": start + i,
                "display_name": f"居民{i}",
                "town_id": town_id,
                "community_id": community_id,
                "language": "zh_CN" if i % 2 else "en",
                "elder_mode": True,
                "consent_at": now,
                "reachable": i >= unreachable,
                "onboarded_at": None if unreachable <= i < unreachable + not_onboarded else now,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ]
        await session.execute(insert(Person), rows)
        ids = list(
            (
                await session.execute(
                    select(col(Person.id))
                    .where(col(Person.tg_user_id) >= start, col(Person.tg_user_id) < start + n)
                    .order_by(col(Person.tg_user_id))
                )
            ).scalars()
        )
        opt_outs = [
            {"person_id": pid, "topic": topic}
            for topic, every in (muted or {}).items()
            for index, pid in enumerate(ids)
            if index % every == 0
        ]
        if opt_outs:
            await session.execute(insert(NotificationOptOut), opt_outs)
    return [int(i) for i in ids if i is not None]


async def staff(
    services: Services, tg_id: int, role: Role, town: str = "D", community: str = "d-changjiang"
) -> tuple[Person, set[Scope]]:
    """An onboarded person holding ``role`` in ``town`` (global admin: ADMIN_ID), with scopes."""
    person = await make_person(services.sessions, tg_id, town_code=town, community_code=community)
    async with services.sessions() as session, session.begin():
        town_id = (
            await session.execute(select(col(Town.id)).where(col(Town.code) == town))
        ).scalar_one()
        if tg_id != ADMIN_ID:
            assert person.id is not None
            await grant_role(session, person.id, role, town_id)
        scopes = await scopes_of(session, person, services.settings.admin_ids)
    return person, scopes


async def create(services: Services, author: Person, scopes: set[Scope], **kw: Any) -> Broadcast:
    """Create a broadcast with sensible defaults."""
    args: dict[str, Any] = {
        "text": "明天上午9点，红梅学苑有知青文化讲座。",
        "topic": "events",
        "audience_kind": "all",
        "audience_value": None,
        "send_at": utcnow(),
        "approval_towns": [],
        "admin_ids": services.settings.admin_ids,
        "tz": services.settings.tz,
    }
    args.update(kw)
    async with services.sessions() as session, session.begin():
        return await create_broadcast(session, person=author, scopes=scopes, **args)


async def outbox_rows(services: Services, broadcast_id: int) -> list[OutboxMessage]:
    """The broadcast's outbox rows."""
    async with services.sessions() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.broadcast_id) == broadcast_id)
        return list((await session.execute(query)).scalars())


async def settle(services: Services, broadcast_id: int, status: OutboxStatus, n: int) -> None:
    """Pretend the pump delivered ``n`` pending rows with ``status``."""
    async with services.sessions() as session, session.begin():
        ids = select(col(OutboxMessage.id)).where(
            col(OutboxMessage.broadcast_id) == broadcast_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING.value,
        )
        ids = ids.order_by(col(OutboxMessage.id)).limit(n)
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids.scalar_subquery()))
            .values(status=status.value)
        )


async def audit_actions(services: Services, broadcast_id: int) -> list[str]:
    """Audit actions about one broadcast, in order."""
    async with services.sessions() as session:
        query = (
            select(col(AuditLog.action))
            .where(
                col(AuditLog.subject_type) == "broadcast", col(AuditLog.subject_id) == broadcast_id
            )
            .order_by(col(AuditLog.id))
        )
        return list((await session.execute(query)).scalars())


# -- through the bot --------------------------------------------------------------------------
VOLUNTEER = 8001


async def broadcasts(services: Services) -> list[Broadcast]:
    """Every broadcast, oldest first."""
    async with services.sessions() as session:
        query = select(Broadcast).order_by(col(Broadcast.id))
        return list((await session.execute(query)).scalars())


async def audit(services: Services) -> list[str]:
    """Every broadcast audit action, in order."""
    async with services.sessions() as session:
        query = (
            select(col(AuditLog.action))
            .where(col(AuditLog.action).like("broadcast.%"))
            .order_by(col(AuditLog.id))
        )
        return list((await session.execute(query)).scalars())


async def job(harness: BotHarness, board: ProgressBoard) -> None:
    """One run of the broadcast job."""
    assert harness.app is not None
    await tick(harness.services, harness.app.bot, board)


def texts(messages: list[Message]) -> list[str]:
    """Text or caption of each message."""
    return [str(m.get("text") or m.get("caption") or "") for m in messages]


async def compose(user: SimUser, notice: str, *, photo: bool = False) -> list[Message]:
    """/broadcast, then the notice (text or photo with caption)."""
    await user.send("/broadcast")
    if photo:
        return await user._act(user.state.send_photo(user.id, b"\xff\xd8\xff-poster", notice))
    return await user.send(notice)
