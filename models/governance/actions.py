"""Action items: the joint meeting's decisions, each with an owner from the committee, a town
and a due day; owners are nudged once a day while one is overdue, until it is marked done.

An item belongs to the latest meeting that has started (recorded after it, as the secretary
writes up the decisions). The owner or a secretary/admin marks it done (a conditional update:
done twice is done once). A nudge's dedupe key holds the day, so a restart never sends a
second one that day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Scope, holds
from models.core.base import TOWNS_TZ, utcnow
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.outbox import OutboxKind, bilingual_param, message_payload, notify
from models.core.people import Person
from models.core.places import Town
from models.governance.meetings import committee
from models.governance.tables import ACTION_TEXT_MAX, ActionItem, ActionStatus, JointMeeting

logger = logging.getLogger(__name__)


class NoMeetingYet(DomainError):
    """No meeting has taken place yet to record decisions of."""

    message_id = "governance.action.error.no_meeting"


class DueInPast(DomainError):
    """The due day has already passed."""

    message_id = "governance.action.error.past"


class NotInCommittee(DomainError):
    """The owner must be a committee member or secretary."""

    message_id = "governance.action.error.owner"


class ActionTextInvalid(DomainError):
    """The decision's words are empty or too long."""

    message_id = "governance.action.error.text"


@dataclass(frozen=True)
class ActionView:
    """An action item with its owner's and town's names."""

    item: ActionItem
    owner_name: str
    town: Town


def _day_param(day: date) -> dict[str, str]:
    return bilingual_param(f"{day.month}月{day.day}日", day.strftime("%-d %b %Y"))


async def _view(session: AsyncSession, item: ActionItem) -> ActionView:
    owner = await session.get(Person, item.owner_id) if item.owner_id else None
    town = await session.get(Town, item.town_id)
    if town is None:
        raise NotFound()
    return ActionView(item, (owner.display_name or "") if owner else "", town)


async def record_action(
    session: AsyncSession,
    *,
    person: Person,
    scopes: frozenset[Scope],
    text: str,
    owner_id: int,
    town_id: int,
    due_on: date,
    now: datetime | None = None,
) -> ActionView:
    """Record a decision of the latest meeting held; secretaries and admins."""
    if not holds(scopes, Action.MEETING_MANAGE):
        raise NotAllowed()
    now = now or utcnow()
    text = " ".join(text.split())
    if not text or len(text) > ACTION_TEXT_MAX:
        raise ActionTextInvalid()
    if due_on < now.astimezone(TOWNS_TZ).date():
        raise DueInPast()
    if owner_id not in {p.id for p in await committee(session)}:
        raise NotInCommittee()
    if await session.get(Town, town_id) is None:
        raise NotFound()
    meeting = (
        (
            await session.execute(
                select(JointMeeting)
                .where(col(JointMeeting.starts_at) <= now, col(JointMeeting.status) != "cancelled")
                .order_by(col(JointMeeting.starts_at).desc())
            )
        )
        .scalars()
        .first()
    )
    if meeting is None or meeting.id is None:
        raise NoMeetingYet()
    item = ActionItem(
        meeting_id=meeting.id,
        text=text,
        owner_id=owner_id,
        town_id=town_id,
        due_on=due_on,
        created_by_id=person.id,
    )
    session.add(item)
    await session.flush()
    await record_audit(session, person.id, "action.record", "governance_action_item", item.id)
    return await _view(session, item)


async def open_actions(
    session: AsyncSession, *, person: Person, scopes: frozenset[Scope]
) -> list[ActionView]:
    """Open items by due day: the person's own, or every one for a secretary or admin."""
    query = select(ActionItem).where(col(ActionItem.status) == ActionStatus.OPEN.value)
    if not holds(scopes, Action.MEETING_MANAGE):
        query = query.where(col(ActionItem.owner_id) == person.id)
    query = query.order_by(col(ActionItem.due_on), col(ActionItem.id))
    return [await _view(session, item) for item in (await session.execute(query)).scalars()]


async def mark_done(
    session: AsyncSession, *, person: Person, scopes: frozenset[Scope], item_id: int
) -> ActionView:
    """Mark an item done: its owner, a secretary or an admin (done twice is done once)."""
    item = await session.get(ActionItem, item_id)
    if item is None:
        raise NotFound()
    if item.owner_id != person.id and not holds(scopes, Action.MEETING_MANAGE):
        raise NotAllowed()
    now = utcnow()
    result = await session.execute(
        update(ActionItem)
        .where(col(ActionItem.id) == item_id, col(ActionItem.status) == ActionStatus.OPEN.value)
        .values(status=ActionStatus.DONE.value, done_at=now)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        await record_audit(session, person.id, "action.done", "governance_action_item", item_id)
    await session.refresh(item)
    return await _view(session, item)


async def nudge_overdue(session: AsyncSession, now: datetime) -> int:
    """Remind each owner of their overdue open items, once a day each; how many were queued."""
    today = now.astimezone(TOWNS_TZ).date()
    query = (
        select(ActionItem, Person)
        .join(Person, col(Person.id) == col(ActionItem.owner_id))
        .where(col(ActionItem.status) == ActionStatus.OPEN.value, col(ActionItem.due_on) < today)
        .order_by(col(ActionItem.id))
    )
    added = 0
    for item, owner in (await session.execute(query)).all():
        payload = message_payload(
            "governance.action.overdue", text=item.text, due=_day_param(item.due_on)
        )
        key = f"action-nudge:{item.id}:{today.isoformat()}"
        added += await notify(session, owner, OutboxKind.REMINDER, payload, dedupe_key=key)
    if added:
        logger.info("%s overdue action items nudged", added)
    return added
