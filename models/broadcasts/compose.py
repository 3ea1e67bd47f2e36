"""Writing a broadcast: when it goes, the preview with its head count, and creating it.

Both intersect the audience with the author's scope first (``models.broadcasts.reach``), so the
head count the author sees is the one that will be sent. ``create_broadcast`` checks the notice
and the topic, counts the recipients, and stores the broadcast with the towns it reaches:
PENDING_APPROVAL (with a request to each admin who may approve) while a town it reaches requires
a second person, else SCHEDULED.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts.audiences import AudienceLabel, audience_label, count_audience
from models.broadcasts.notices import request_approval
from models.broadcasts.reach import audience_reach, reach_rows, towns_to_approve
from models.broadcasts.rules import EmptyAudience, clean_notice
from models.broadcasts.tables import Broadcast, BroadcastStatus
from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import utcnow
from models.core.errors import NotFound
from models.core.people import NOTICE_TOPICS, Person

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
    session: AsyncSession,
    *,
    scopes: AbstractSet[Scope],
    audience_kind: str,
    audience_value: str | None,
    topic: str,
) -> Preview:
    """The head count for an audience within the author's towns (``EmptyAudience``: nobody)."""
    reach = await audience_reach(session, scopes=scopes, kind=audience_kind, value=audience_value)
    counted = await count_audience(session, audience_kind, audience_value, topic, towns=reach)
    if counted.recipients == 0:
        raise EmptyAudience()
    label = await audience_label(session, audience_kind, audience_value, reach=reach)
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
    """Create a broadcast to the audience within the author's towns (approval asked if due)."""
    text = clean_notice(text, photo_file_id)
    if topic not in NOTICE_TOPICS:
        raise NotFound()
    reach = await audience_reach(session, scopes=scopes, kind=audience_kind, value=audience_value)
    counted = await count_audience(session, audience_kind, audience_value, topic, towns=reach)
    if counted.recipients == 0:
        raise EmptyAudience()
    waiting = await towns_to_approve(session, reach, approval_towns)
    status = BroadcastStatus.PENDING_APPROVAL if waiting else BroadcastStatus.SCHEDULED
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
    if broadcast.id is None:  # why: a flushed row has its id
        raise NotFound()
    session.add_all(reach_rows(broadcast.id, reach, waiting))
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
        towns=sorted(reach),
        waiting=sorted(waiting),
    )
    if waiting:
        await request_approval(
            session, broadcast=broadcast, author=person, admin_ids=admin_ids, tz=tz
        )
    return broadcast
