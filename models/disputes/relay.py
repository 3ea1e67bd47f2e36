"""The relay: the mediator and the reporter write to each other through the bot, in text, voice
or photos, each message naming the case. Neither sees the other's Telegram identity or phone;
an anonymous reporter is "anonymous" to the mediator too (their name never enters the payload).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import N_, row_id, utcnow
from models.core.errors import DomainError
from models.core.outbox import (
    OutboxKind,
    inline_keyboard,
    message_param,
    message_payload,
    notify,
)
from models.core.people import Person
from models.disputes.access import CaseAction, Viewer, authorised_case
from models.disputes.codes import CASE
from models.disputes.errors import DescriptionTooLong, EmptyReport
from models.disputes.labels import ANONYMOUS
from models.disputes.lifecycle import touch
from models.disputes.tables import NOTE_MAX, OPEN, CaseStatus, RelayDirection, RelayMessage

KINDS = ("text", "voice", "photo")


class RelayClosed(DomainError):
    """The case is closed (or nobody has taken it yet): there is no one to relay to."""

    message_id = "disputes.error.relay_closed"


@dataclass(frozen=True)
class Relayed:
    """A relayed message: its row id and the case's number."""

    message_id: int
    number: str


def _check(kind: str, text: str, file_id: str | None) -> str:
    body = (text or "").strip()
    if kind not in KINDS or (kind != "text" and not file_id) or (kind == "text" and not body):
        raise EmptyReport()
    if len(body) > NOTE_MAX:
        raise DescriptionTooLong(max=NOTE_MAX)
    return body


def _payload(msgid: str, number: str, name: Any, kind: str, text: str, file_id: str | None,
             case_id: int) -> dict[str, Any]:  # fmt: skip
    payload: dict[str, Any] = {
        **message_payload(msgid, number=number, name=name, text=text),
        "reply_markup": inline_keyboard([("disputes.button.reply", CASE.data("reply", case_id))]),
    }
    if kind in ("photo", "voice") and file_id:
        payload[kind] = file_id
    return payload


async def relay_to_reporter(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    kind: str,
    text: str = "",
    file_id: str | None = None,
    now: datetime | None = None,
) -> Relayed:
    """The assignee or co-mediator writes to the reporter (and the proxy who reported)."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.RELAY_TO_REPORTER)
    body = _check(kind, text, file_id)
    if CaseStatus(case.status) not in OPEN or case.reporter_id is None:
        raise RelayClosed()
    row = RelayMessage(
        case_id=case_id, sender_id=viewer.person_id, recipient_id=case.reporter_id,
        direction=RelayDirection.TO_REPORTER.value, kind=kind, text=body, file_id=file_id,
        created_at=now,
    )  # fmt: skip
    session.add(row)
    await touch(session, case, now)
    name = person.display_name or message_param(N_("disputes.mediator"))
    payload = _payload(
        N_("disputes.relay.from_mediator"), case.number, name, kind, body, file_id, case_id
    )
    for pid in dict.fromkeys([case.reporter_id, case.proxy_id]):
        target = await session.get(Person, pid) if pid is not None else None
        key = f"dispute:{case_id}:relay{row_id(row)}:r{pid}"
        await notify(session, target, OutboxKind.STATUS, payload, dedupe_key=key)
    await record_audit(session, viewer.person_id, "dispute.relay", "dispute_case", case_id)
    return Relayed(row_id(row), case.number)


async def relay_to_mediator(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    case_id: int,
    kind: str,
    text: str = "",
    file_id: str | None = None,
    now: datetime | None = None,
) -> Relayed:
    """The reporter writes to the case's mediators; named only when not anonymous."""
    now = now or utcnow()
    viewer = Viewer.of(person, scopes)
    case = await authorised_case(session, viewer, case_id, CaseAction.RELAY_TO_MEDIATOR)
    body = _check(kind, text, file_id)
    handling = [pid for pid in (case.assignee_id, case.co_mediator_id) if pid is not None]
    if CaseStatus(case.status) not in OPEN or not handling:
        raise RelayClosed()
    row = RelayMessage(
        case_id=case_id, sender_id=viewer.person_id, recipient_id=handling[0],
        direction=RelayDirection.TO_MEDIATOR.value, kind=kind, text=body, file_id=file_id,
        created_at=now,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    reporter = await session.get(Person, case.reporter_id) if case.reporter_id else None
    shown = None if case.anonymous or reporter is None else reporter.display_name
    name = shown or message_param(ANONYMOUS)
    payload = _payload(
        N_("disputes.relay.from_reporter"), case.number, name, kind, body, file_id, case_id
    )
    for pid in handling:
        target = await session.get(Person, pid)
        key = f"dispute:{case_id}:relay{row_id(row)}:m{pid}"
        await notify(session, target, OutboxKind.STATUS, payload, dedupe_key=key)
    return Relayed(row_id(row), case.number)
