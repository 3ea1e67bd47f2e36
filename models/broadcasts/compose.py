"""Volunteer broadcasts: a notice, an audience, optional approval, and a delivery report.

Life: ``create_broadcast`` (PENDING_APPROVAL when the author's town requires a second person,
else SCHEDULED) → ``approve`` / ``reject`` by an admin of that town who is not the author →
``start_due_broadcasts`` (one outbox row per recipient, SENDING) → DONE when no message is left
in flight (``models.broadcasts.sending``). ``cancel_broadcast`` stops it at any point before the
end. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from collections.abc import Set as AbstractSet
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from models.broadcasts.audiences import audience_town, count_audience
from models.core.audit import record_audit
from models.core.authz import Action, Role, RoleGrant, Scope, admin_towns, require
from models.core.base import UTCDateTime, utcnow
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.outbox import OutboxKind, OutboxMessage, cancel, enqueue, message_payload
from models.core.people import NOTICE_TOPICS, Person
from models.core.places import Town

# Limits leave room for the header residents see above the notice.
TEXT_MAX = 3500
CAPTION_MAX = 900


class BroadcastStatus(StrEnum):
    """A broadcast's life: approval (when required), scheduled, sending, then an end."""

    PENDING_APPROVAL = "pending_approval"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class Broadcast(SQLModel, table=True):
    """One notice to an audience; its messages are outbox rows carrying ``broadcast_id``."""

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    town_id: int | None = Field(default=None, foreign_key="town.id")
    text: str = Field(max_length=4096)
    photo_file_id: str | None = Field(default=None, max_length=256)
    topic: str = Field(default="events", max_length=32)
    audience_kind: str = Field(max_length=24)
    audience_value: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=20, index=True)
    send_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str | None = Field(default=None, max_length=500)
    recipients: int = 0
    skipped_opt_out: int = 0
    progress_message_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


ACTIVE = (BroadcastStatus.PENDING_APPROVAL, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)


class OwnBroadcast(DomainError):
    """Two-person rule: the author cannot approve (or reject) their own broadcast."""

    message_id = "broadcast.error.own"


class AlreadyDecided(DomainError):
    """The broadcast is no longer waiting for approval."""

    message_id = "broadcast.error.decided"


class NotCancellable(DomainError):
    """The broadcast has already ended."""

    message_id = "broadcast.error.finished"


class EmptyAudience(DomainError):
    """Nobody would receive the notice."""

    message_id = "broadcast.error.empty"


class NoticeInvalid(DomainError):
    """The notice is empty or too long (``max`` characters)."""

    message_id = "broadcast.error.text"


def _may_decide(scopes: Iterable[Scope], town_id: int | None) -> bool:
    """Whether the scopes are an admin's of ``town_id`` (global admins decide for both towns)."""
    towns = admin_towns(scopes)
    return towns is None or (town_id is not None and town_id in towns)


def _check_text(text: str, photo_file_id: str | None) -> str:
    text = text.strip()
    limit = CAPTION_MAX if photo_file_id else TEXT_MAX
    if not text or len(text) > limit:
        raise NoticeInvalid(max=limit)
    return text


async def create_broadcast(
    session: AsyncSession,
    author: Person,
    scopes: AbstractSet[Scope],
    *,
    text: str,
    topic: str,
    audience_kind: str,
    audience_value: str | None,
    send_at: datetime,
    approval_towns: Collection[str],
    photo_file_id: str | None = None,
) -> Broadcast:
    """Create a broadcast; it waits for approval when the author's town requires it."""
    text = _check_text(text, photo_file_id)
    if topic not in NOTICE_TOPICS:
        raise NotFound()
    require(scopes, Action.BROADCAST, await audience_town(session, audience_kind, audience_value))
    counted = await count_audience(session, audience_kind, audience_value, topic)
    if counted.recipients == 0:
        raise EmptyAudience()
    town = await session.get(Town, author.town_id) if author.town_id else None
    needs_approval = town is not None and town.code.upper() in {c.upper() for c in approval_towns}
    status = BroadcastStatus.PENDING_APPROVAL if needs_approval else BroadcastStatus.SCHEDULED
    broadcast = Broadcast(
        author_id=author.id,
        town_id=author.town_id,
        text=text,
        photo_file_id=photo_file_id,
        topic=topic,
        audience_kind=audience_kind,
        audience_value=audience_value,
        status=status.value,
        send_at=send_at,
        recipients=counted.recipients,
        skipped_opt_out=counted.skipped_opt_out,
    )
    session.add(broadcast)
    await session.flush()
    await record_audit(
        session,
        author.id,
        "broadcast.create",
        "broadcast",
        broadcast.id,
        status=status.value,
        audience=audience_kind,
        value=audience_value,
        topic=topic,
        recipients=counted.recipients,
    )
    return broadcast


async def approvers(
    session: AsyncSession, broadcast: Broadcast, admin_ids: Iterable[int]
) -> list[Person]:
    """Admins who may approve: of the broadcast's town or of both, reachable, not the author."""
    granted = select(RoleGrant.person_id).where(
        col(RoleGrant.role) == Role.ADMIN.value,
        col(RoleGrant.revoked_at).is_(None),
        or_(col(RoleGrant.town_id).is_(None), col(RoleGrant.town_id) == broadcast.town_id),
    )
    query = (
        select(Person)
        .where(
            or_(col(Person.id).in_(granted), col(Person.tg_user_id).in_(list(admin_ids))),
            col(Person.id) != broadcast.author_id,
            col(Person.onboarded_at).is_not(None),
            col(Person.reachable).is_(True),
            col(Person.chat_id).is_not(None),
        )
        .order_by(col(Person.id))
    )
    return list((await session.execute(query)).scalars())


async def get_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    """One broadcast; NotFound otherwise."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound()
    return broadcast


async def _decide(
    session: AsyncSession,
    broadcast_id: int,
    actor: Person,
    scopes: AbstractSet[Scope],
    approved: bool,
) -> Broadcast:
    broadcast = await get_broadcast(session, broadcast_id)
    if not _may_decide(scopes, broadcast.town_id):
        raise NotAllowed()
    if broadcast.author_id == actor.id:
        raise OwnBroadcast()
    new = BroadcastStatus.SCHEDULED if approved else BroadcastStatus.REJECTED
    now = utcnow()
    done = await session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status) == BroadcastStatus.PENDING_APPROVAL.value,
        )
        .values(status=new.value, approved_by=actor.id, decided_at=now)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided()
    await session.refresh(broadcast)
    action = "broadcast.approve" if approved else "broadcast.reject"
    await record_audit(session, actor.id, action, "broadcast", broadcast_id)
    author = await session.get(Person, broadcast.author_id) if broadcast.author_id else None
    if author is not None and author.chat_id is not None:
        msgid = "broadcast.approved.author" if approved else "broadcast.rejected.author"
        await enqueue(
            session,
            chat_id=author.chat_id,
            person_id=author.id,
            kind=OutboxKind.STATUS,
            payload=message_payload(msgid, id=broadcast_id),
            dedupe_key=f"bc:{broadcast_id}:decision",
        )
    return broadcast


async def approve(
    session: AsyncSession, broadcast_id: int, actor: Person, scopes: AbstractSet[Scope]
) -> Broadcast:
    """An admin of the town (not the author) approves; the author is told. Audited."""
    return await _decide(session, broadcast_id, actor, scopes, approved=True)


async def reject(
    session: AsyncSession, broadcast_id: int, actor: Person, scopes: AbstractSet[Scope]
) -> Broadcast:
    """An admin of the town (not the author) rejects; the author is told. Audited."""
    return await _decide(session, broadcast_id, actor, scopes, approved=False)


def may_cancel(broadcast: Broadcast, actor: Person, scopes: Iterable[Scope]) -> bool:
    """The author, or an admin of the broadcast's town, may cancel it."""
    return broadcast.author_id == actor.id or _may_decide(scopes, broadcast.town_id)


async def cancel_broadcast(
    session: AsyncSession, broadcast_id: int, actor: Person, scopes: AbstractSet[Scope]
) -> int:
    """Stop a broadcast that has not ended; its pending messages are cancelled (how many)."""
    broadcast = await get_broadcast(session, broadcast_id)
    if not may_cancel(broadcast, actor, scopes):
        raise NotFound()
    was = broadcast.status
    # A broadcast cancelled while sending is finished by the job once its in-flight messages
    # settle (it sends the delivery report then); before sending there is nothing to wait for.
    finished = None if was == BroadcastStatus.SENDING.value else utcnow()
    done = await session.execute(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status).in_([s.value for s in ACTIVE]),
        )
        .values(status=BroadcastStatus.CANCELLED.value, finished_at=finished)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise NotCancellable()
    stopped = await cancel(
        session, col(OutboxMessage.broadcast_id) == broadcast_id, reason="broadcast cancelled"
    )
    await session.refresh(broadcast)
    await record_audit(
        session, actor.id, "broadcast.cancel", "broadcast", broadcast_id, was=was, stopped=stopped
    )
    return stopped


async def history(session: AsyncSession, author: Person, limit: int = 8) -> list[Broadcast]:
    """The author's latest broadcasts, newest first."""
    query = (
        select(Broadcast)
        .where(col(Broadcast.author_id) == author.id)
        .order_by(col(Broadcast.created_at).desc(), col(Broadcast.id).desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())
