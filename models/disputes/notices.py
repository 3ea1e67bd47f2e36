"""Every message the disputes domain sends by itself, as outbox rows (msgid + params).

Alerts to staff name the case's number, category, town and a short summary of what was
written; never who reported it (staff see that, when not anonymous, by opening the case).
Alerts are urgent: they ignore quiet hours. Each has a dedupe key naming the case, the level
and the recipient, so an alert is never queued twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Role
from models.core.base import N_, row_id
from models.core.outbox import (
    OutboxKind,
    Outgoing,
    bilingual_param,
    enqueue_all,
    inline_keyboard,
    message_param,
    message_payload,
    notify,
)
from models.core.people import Person
from models.core.places import Town
from models.disputes.codes import CASE
from models.disputes.labels import category_label, status_label
from models.disputes.routing import alert_recipients, staff_of
from models.disputes.tables import DisputeCase

SUMMARY_CHARS = 60
ALERT_MSGIDS = {0: N_("disputes.alert.new"), 1: N_("disputes.alert.again")}


def summary_of(case: DisputeCase) -> str:
    """The first words of the description (what was written; never who wrote it)."""
    text = " ".join(case.description.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


async def case_params(session: AsyncSession, case: DisputeCase) -> dict[str, Any]:
    """The parameters every staff notice about a case shares."""
    town = await session.get(Town, case.lead_town_id)
    return {
        "number": case.number,
        "category": message_param(category_label(case.category)),
        "town": bilingual_param(town.name_zh, town.name_en) if town else "—",
        "summary": summary_of(case) or message_param(N_("disputes.alert.no_text")),
        "joint": message_param(
            N_("disputes.alert.joint_yes") if case.joint else N_("disputes.alert.joint_no")
        ),
    }


async def alert(session: AsyncSession, case: DisputeCase, level: int) -> int:
    """Alert the on-duty mediators and the linked groups of every town involved (level 0: the
    first alert, 1: again); returns how many messages were queued."""
    cid = row_id(case)
    params = await case_params(session, case)
    payload = message_payload(ALERT_MSGIDS[level], **params)
    private = {
        **payload,
        "reply_markup": inline_keyboard(
            [("disputes.button.accept", CASE.data("acc", cid))],
            [
                ("disputes.button.view", CASE.data("view", cid)),
                ("disputes.button.transfer", CASE.data("tr", cid)),
            ],
        ),
    }
    group = {
        **payload,
        "reply_markup": inline_keyboard([("disputes.button.accept", CASE.data("acc", cid))]),
    }
    recipients = await alert_recipients(session, case)
    messages = [
        Outgoing(
            chat_id=person.chat_id,
            person_id=person.id,
            kind=OutboxKind.CASE_ALERT,
            payload=private,
            dedupe_key=f"dispute:{cid}:alert{level}:p{person.id}",
            urgent=True,
        )
        for person, _town in recipients.people
        if person.chat_id is not None
    ]
    messages += [
        Outgoing(
            chat_id=chat,
            kind=OutboxKind.CASE_ALERT,
            payload=group,
            dedupe_key=f"dispute:{cid}:alert{level}:g{chat}",
            urgent=True,
        )
        for chat, _town in recipients.groups
    ]
    return await enqueue_all(session, messages)


async def _tell_staff(
    session: AsyncSession, people: list[Person], case: DisputeCase, msgid: str, key: str
) -> int:
    cid = row_id(case)
    payload = {
        **message_payload(msgid, **await case_params(session, case)),
        "reply_markup": inline_keyboard([("disputes.button.view", CASE.data("view", cid))]),
    }
    sent = 0
    for person in people:
        dedupe = f"dispute:{cid}:{key}:p{person.id}"
        sent += await notify(
            session, person, OutboxKind.CASE_ALERT, payload, dedupe_key=dedupe, urgent=True
        )
    return sent


async def escalate_to_head(session: AsyncSession, case: DisputeCase) -> int:
    """Tell the lead town's head(s) of mediation that the case waits for a mediator."""
    heads = await staff_of(session, case.lead_town_id, Role.MEDIATION_HEAD)
    return await _tell_staff(session, heads, case, N_("disputes.escalated.head"), "esc2")


async def escalate_to_admins(session: AsyncSession, case: DisputeCase) -> int:
    """Tell both towns' admins that the case has waited a day: its number and category only."""
    admins: dict[int | None, Person] = {}
    for town in (await _all_towns(session)) or [case.lead_town_id]:
        for person in await staff_of(session, town, Role.ADMIN):
            admins[person.id] = person
    cid = row_id(case)
    payload = message_payload(
        N_("disputes.escalated.admins"),
        number=case.number,
        category=message_param(category_label(case.category)),
    )
    sent = 0
    for person in admins.values():
        sent += await notify(
            session,
            person,
            OutboxKind.CASE_ALERT,
            payload,
            dedupe_key=f"dispute:{cid}:esc3:p{person.id}",
            urgent=True,
        )
    return sent


async def _all_towns(session: AsyncSession) -> list[int]:
    return [t for t in (await session.execute(select(col(Town.id)))).scalars() if t is not None]


async def nudge(session: AsyncSession, case: DisputeCase, stamp: str) -> int:
    """Remind the case's mediator that it has had no update for a while (once per quiet spell)."""
    people = [p for p in [await _person(session, case.assignee_id)] if p is not None]
    return await _tell_staff(session, people, case, N_("disputes.nudge"), f"nudge{stamp}")


async def tell_handling(
    session: AsyncSession,
    case: DisputeCase,
    msgid: str,
    key: str,
    *,
    only: int | None = None,
    **params: Any,
) -> int:
    """Tell the case's assignee and co-mediator (or ``only`` that person) something about it;
    ``key`` dedupes."""
    cid = row_id(case)
    payload = {
        **message_payload(msgid, **(await case_params(session, case)), **params),
        "reply_markup": inline_keyboard([("disputes.button.view", CASE.data("view", cid))]),
    }
    sent = 0
    people = {only} if only is not None else {case.assignee_id, case.co_mediator_id} - {None}
    for pid in people:
        person = await _person(session, pid)
        dedupe = f"dispute:{cid}:{key}:p{pid}"
        sent += await notify(session, person, OutboxKind.STATUS, payload, dedupe_key=dedupe)
    return sent


async def tell_reporter(
    session: AsyncSession, case: DisputeCase, key: str, note: str | None = None
) -> int:
    """Tell the reporter (and the proxy who reported for them) where the case is now, in plain
    words, with the mediator's public note when there is one."""
    msgid = N_("disputes.notice.status_note") if note else N_("disputes.notice.status")
    params: dict[str, Any] = {
        "number": case.number,
        "status": message_param(status_label(case.status)),
    }
    if note:
        params["note"] = note
    payload = message_payload(msgid, **params)
    sent = 0
    for pid in dict.fromkeys([case.reporter_id, case.proxy_id]):
        person = await _person(session, pid)
        dedupe = f"dispute:{row_id(case)}:{key}:r{pid}"
        sent += await notify(session, person, OutboxKind.STATUS, payload, dedupe_key=dedupe)
    return sent


async def _person(session: AsyncSession, person_id: int | None) -> Person | None:
    return await session.get(Person, person_id) if person_id is not None else None
