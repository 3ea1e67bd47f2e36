"""The "你们提的建议，我们这样做了" notice: a town's action items done lately, sent to its
residents as an ordinary broadcast (``models.broadcasts.create_broadcast``), so the broadcasts
domain's rules hold: the author needs the broadcast right in that town, towns that require
approval hold it for their admins, opted-out residents are skipped, delivery is reported.

Decision: the notice lists the town's items marked done in the last ``PERIOD_DAYS`` (about the
span between two meetings), then its suggestions adopted in that time with what was done (the
admin's words, with the suggestion's number, so its sender recognises it; never the sender's
words or name); the composer sees it whole and confirms before it goes. The
heading is written in the composer's language (a broadcast is words someone wrote).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.broadcasts import Broadcast, create_broadcast
from models.core.authz import Scope
from models.core.base import utcnow
from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.core.places import Town
from models.governance.ratings import PERIOD_DAYS
from models.governance.tables import ActionItem, ActionStatus
from models.governance.tables.suggestions import Suggestion, SuggestionStatus

TOPIC = "services"  # residents who muted service notices are not sent it


class NothingDone(DomainError):
    """No action item of the town was marked done lately."""

    message_id = "governance.notice.error.nothing"


@dataclass(frozen=True)
class DoneNotice:
    """The notice's words and the town it goes to."""

    town: Town
    text: str
    items: int


async def done_notice(
    session: AsyncSession, *, town_id: int, heading: str, now: datetime | None = None
) -> DoneNotice:
    """The notice for ``town_id``: the heading, then one line per item done lately."""
    town = await session.get(Town, town_id)
    if town is None:
        raise NotFound()
    since = (now or utcnow()) - timedelta(days=PERIOD_DAYS)
    query = (
        select(col(ActionItem.text))
        .where(
            col(ActionItem.town_id) == town_id,
            col(ActionItem.status) == ActionStatus.DONE.value,
            col(ActionItem.done_at) >= since,
        )
        .order_by(col(ActionItem.done_at), col(ActionItem.id))
    )
    done = [f"✅ {text}" for text in (await session.execute(query)).scalars()]
    adopted = (
        select(col(Suggestion.outcome), col(Suggestion.number))
        .where(
            col(Suggestion.town_id) == town_id,
            col(Suggestion.status) == SuggestionStatus.ADOPTED.value,
            col(Suggestion.decided_at) >= since,
        )
        .order_by(col(Suggestion.decided_at), col(Suggestion.id))
    )
    done += [f"💡 {outcome}（{number}）" for outcome, number in await session.execute(adopted)]
    if not done:
        raise NothingDone()
    return DoneNotice(town, "\n".join([heading, *done]), len(done))


async def send_done_notice(
    session: AsyncSession,
    *,
    person: Person,
    scopes: frozenset[Scope],
    town_id: int,
    heading: str,
    approval_towns: Collection[str],
    admin_ids: Iterable[int],
    tz: tzinfo,
) -> Broadcast:
    """Broadcast the notice to the town's residents now (or once approved, where required)."""
    notice = await done_notice(session, town_id=town_id, heading=heading)
    return await create_broadcast(
        session,
        person=person,
        scopes=scopes,
        text=notice.text,
        topic=TOPIC,
        audience_kind="town",
        audience_value=notice.town.code,
        send_at=utcnow(),
        approval_towns=approval_towns,
        admin_ids=admin_ids,
        tz=tz,
    )
