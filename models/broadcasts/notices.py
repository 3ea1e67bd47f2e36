"""What broadcasts send on their own: the notice itself, approval requests, decisions, reports.

Every message is an outbox row with a message id and its parameters, rendered in the
recipient's language when sent. The author's words are a parameter (``text``) of the notice's
message id, never glued to anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.broadcasts.audiences import AudienceLabel, audience_label
from models.broadcasts.codes import APPROVAL_QUESTION
from models.broadcasts.progress import Progress
from models.broadcasts.reach import reached_towns
from models.broadcasts.tables import Broadcast, BroadcastStatus, BroadcastTown, TownApproval
from models.core.authz import Role, RoleGrant
from models.core.base import N_, utcnow
from models.core.outbox import (
    OutboxKind,
    bilingual_param,
    message_param,
    message_payload,
    notify,
)
from models.core.people import Person
from models.core.questions import QUESTION, question

logger = logging.getLogger(__name__)

NOTICE_MSGID = "broadcast.notice"


def notice_payload(broadcast: Broadcast) -> dict[str, Any]:
    """What each resident receives: the notice under a short header, with the photo if any."""
    payload = message_payload(NOTICE_MSGID, text=broadcast.text)
    if broadcast.photo_file_id:
        payload["photo"] = broadcast.photo_file_id
    return payload


def audience_param(label: AudienceLabel) -> dict[str, Any]:
    """The audience in words (全体居民, 崇明区D镇的居民 …), in the recipient's language."""
    name: object = label.value or ""
    if label.kind == "topic":
        name = message_param(f"topic.{label.value}")
    elif label.place is not None:
        name = bilingual_param(label.place.name_zh, label.place.name_en)
    if label.within is not None:
        town = bilingual_param(label.within.name_zh, label.within.name_en)
        return message_param(f"broadcast.audience.{label.kind}.in", name=name, town=town)
    return message_param(f"broadcast.audience.{label.kind}.of", name=name)


def _saved_id(broadcast: Broadcast) -> int:
    if broadcast.id is None:
        raise ValueError("a broadcast is saved (flushed) before its notices are built")
    return broadcast.id


def _when_param(broadcast: Broadcast, tz: tzinfo) -> dict[str, Any]:
    if broadcast.send_at <= utcnow():
        return message_param("broadcast.when.on_approval")
    local = broadcast.send_at.astimezone(tz)
    return message_param("broadcast.when.at", date=local.strftime("%Y-%m-%d %H:%M"))


async def approvers(
    session: AsyncSession, broadcast: Broadcast, admin_ids: Iterable[int]
) -> list[Person]:
    """Reachable admins of a waiting town (or of both towns) who are not the author."""
    waiting = select(col(BroadcastTown.town_id)).where(
        col(BroadcastTown.broadcast_id) == broadcast.id,
        col(BroadcastTown.approval) == TownApproval.WAITING.value,
    )
    granted = select(RoleGrant.person_id).where(
        col(RoleGrant.role) == Role.ADMIN.value,
        col(RoleGrant.revoked_at).is_(None),
        or_(col(RoleGrant.town_id).is_(None), col(RoleGrant.town_id).in_(waiting)),
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


async def request_approval(
    session: AsyncSession,
    *,
    broadcast: Broadcast,
    author: Person,
    admin_ids: Iterable[int],
    tz: tzinfo,
) -> int:
    """Ask each admin of a waiting town (not the author); how many asked.

    The request is a question, the admin's current screen once delivered: "1 ✅ 同意发送 /
    2 ❌ 不同意" on its own reply keyboard (rejecting is never choice 1, and only its number or
    label picks it; it asks why next). Answered in ``handlers.broadcasts.asked``.
    """
    broadcast_id = _saved_id(broadcast)
    reach = await reached_towns(session, broadcast_id)
    label = await audience_label(
        session, broadcast.audience_kind, broadcast.audience_value, reach=reach
    )
    payload = message_payload(
        "broadcast.approval.request",
        plural="recipients",
        id=broadcast_id,
        author=author.display_name or message_param("broadcast.unnamed"),
        audience=audience_param(label),
        recipients=broadcast.recipients,
        when=_when_param(broadcast, tz),
        notice=message_param(NOTICE_MSGID, text=broadcast.text),
    )
    if broadcast.photo_file_id:
        payload["photo"] = broadcast.photo_file_id
    payload[QUESTION] = question(
        APPROVAL_QUESTION,
        broadcast_id,
        ("ok", N_("broadcast.approve"), N_("broadcast.words.approve")),
        ("no", N_("broadcast.reject")),
    )
    asked = 0
    for admin in await approvers(session, broadcast, admin_ids):
        key = f"bc:{broadcast_id}:approve:{admin.id}"
        asked += await notify(session, admin, OutboxKind.APPROVAL, payload, dedupe_key=key)
    if not asked:
        logger.warning("broadcast %s waits for approval but no admin can approve it", broadcast_id)
    return asked


async def _tell_author(
    session: AsyncSession, broadcast: Broadcast, payload: dict[str, Any], what: str
) -> None:
    author = await session.get(Person, broadcast.author_id) if broadcast.author_id else None
    key = f"bc:{broadcast.id}:{what}"
    await notify(session, author, OutboxKind.STATUS, payload, dedupe_key=key)


async def tell_decision(
    session: AsyncSession, broadcast: Broadcast, *, approved: bool, reason: str | None = None
) -> None:
    """Tell the author their broadcast was approved (and will be sent) or rejected (and why)."""
    if approved:
        payload = message_payload("broadcast.approved.author", id=broadcast.id)
    elif reason is None:  # rejected by a button sent before rejections asked why
        payload = message_payload("broadcast.rejected.author", id=broadcast.id)
    else:
        payload = message_payload(
            "broadcast.rejected.author.reason", id=broadcast.id, reason=reason
        )
    await _tell_author(session, broadcast, payload, "decision")


def report_payload(broadcast: Broadcast, done: Progress) -> dict[str, Any]:
    """The delivery report to the author."""
    if broadcast.status == BroadcastStatus.CANCELLED.value:
        return message_payload(
            "broadcast.report.cancelled",
            plural="total",
            id=broadcast.id,
            total=broadcast.recipients,
            sent=done.sent,
            unreachable=done.unreachable,
            failed=done.failed,
            skipped=broadcast.skipped_opt_out,
            cancelled=done.cancelled,
        )
    return message_payload(
        "broadcast.report",
        id=broadcast.id,
        total=broadcast.recipients,
        sent=done.sent,
        unreachable=done.unreachable,
        failed=done.failed,
        skipped=broadcast.skipped_opt_out,
        cancelled=done.cancelled,
    )


async def send_report(session: AsyncSession, broadcast: Broadcast, done: Progress) -> None:
    """Enqueue the delivery report to the author (once)."""
    await _tell_author(session, broadcast, report_payload(broadcast, done), "report")
