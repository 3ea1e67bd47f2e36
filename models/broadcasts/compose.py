"""Writing a broadcast: when it goes, the preview with its head count, and creating it.

``create_broadcast`` checks the notice, the topic and the author's right to address the
audience, counts the recipients, and stores the broadcast: PENDING_APPROVAL (with a request to
each admin who may approve) when the author's town requires a second person, else SCHEDULED.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts.audiences import (
    AudienceLabel,
    audience_label,
    audience_town,
    count_audience,
)
from models.broadcasts.notices import request_approval
from models.broadcasts.rules import EmptyAudience, clean_notice
from models.broadcasts.tables import Broadcast, BroadcastStatus
from models.core.audit import record_audit
from models.core.authz import Action, Scope, require
from models.core.base import utcnow
from models.core.errors import NotFound
from models.core.people import NOTICE_TOPICS, Person
from models.core.places import Town

# When to send: now, or at SEND_HOUR tomorrow / the day after (local time).
WHEN_KEYS = ("now", "tomorrow", "after")
SEND_HOUR = time(9, 0)


def send_time(when: str, tz: tzinfo) -> datetime:
    """The moment to send: now, or 9:00 local time tomorrow / the day after."""
    if when not in WHEN_KEYS[1:]:
        return utcnow()
    days = 1 if when == "tomorrow" else 2
    local = datetime.now(tz).date() + timedelta(days=days)
    return datetime.combine(local, SEND_HOUR, tzinfo=tz)


@dataclass(frozen=True)
class Preview:
    """Who the notice would reach: the audience, how many, how many muted its topic."""

    audience: AudienceLabel
    recipients: int
    skipped_opt_out: int


async def preview_broadcast(
    session: AsyncSession, *, audience_kind: str, audience_value: str | None, topic: str
) -> Preview:
    """The head count for an audience and topic (``EmptyAudience`` when nobody would get it)."""
    counted = await count_audience(session, audience_kind, audience_value, topic)
    if counted.recipients == 0:
        raise EmptyAudience()
    label = await audience_label(session, audience_kind, audience_value)
    return Preview(label, counted.recipients, counted.skipped_opt_out)


async def create_broadcast(
    session: AsyncSession,
    *,
    person: Person,
    scopes: AbstractSet[Scope],
    text: str,
    topic: str,
    audience_kind: str,
    audience_value: str | None,
    send_at: datetime,
    approval_towns: Collection[str],
    admin_ids: Iterable[int],
    tz: tzinfo,
    photo_file_id: str | None = None,
) -> Broadcast:
    """Create a broadcast; it waits for approval (admins are asked) when the town requires it."""
    text = clean_notice(text, photo_file_id)
    if topic not in NOTICE_TOPICS:
        raise NotFound()
    require(scopes, Action.BROADCAST, await audience_town(session, audience_kind, audience_value))
    counted = await count_audience(session, audience_kind, audience_value, topic)
    if counted.recipients == 0:
        raise EmptyAudience()
    town = await session.get(Town, person.town_id) if person.town_id else None
    needs_approval = town is not None and town.code.upper() in {c.upper() for c in approval_towns}
    status = BroadcastStatus.PENDING_APPROVAL if needs_approval else BroadcastStatus.SCHEDULED
    broadcast = Broadcast(
        author_id=person.id,
        town_id=person.town_id,
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
        person.id,
        "broadcast.create",
        "broadcast",
        broadcast.id,
        status=status.value,
        audience=audience_kind,
        value=audience_value,
        topic=topic,
        recipients=counted.recipients,
    )
    if needs_approval:
        await request_approval(
            session, broadcast=broadcast, author=person, admin_ids=admin_ids, tz=tz
        )
    return broadcast
