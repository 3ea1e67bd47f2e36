"""The concerned town's admins' queue of suggestions: the open ones oldest first, one opened
(never naming an anonymous sender), a reply to the resident, and the decision (adopted with
what was done, or not adopted with why), which is taken once: a conditional update decides.

Every outcome reaches the resident through the outbox (msgid + params, in their language).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Scope, can, holds
from models.core.base import N_, row_id, utcnow
from models.core.errors import NotAllowed
from models.core.outbox import OutboxKind, message_payload, notify
from models.core.people import Person
from models.core.places import Town
from models.governance.suggestion_errors import (
    SuggestionDecided,
    SuggestionEmpty,
    SuggestionNotFound,
    SuggestionTooLong,
)
from models.governance.suggestions import about_names
from models.governance.tables.suggestions import (
    ANSWER_MAX,
    Subject,
    Suggestion,
    SuggestionReply,
    SuggestionStatus,
)

PER_PAGE = 6
NOTICE = {
    "reply": N_("suggest.notice.reply"),
    SuggestionStatus.ADOPTED: N_("suggest.notice.adopted"),
    SuggestionStatus.NOT_ADOPTED: N_("suggest.notice.not_adopted"),
}


@dataclass(frozen=True)
class QueueLine:
    """One open suggestion in the queue (no sender, no words: those are on its screen)."""

    id: int
    number: str
    subject: Subject
    about_zh: str
    about_en: str
    created_at: datetime


@dataclass(frozen=True)
class Queue:
    """A page of the open suggestions of the admin's towns."""

    lines: list[QueueLine]
    page: int
    total: int
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class StaffSuggestion:
    """One suggestion as its town's admin sees it; ``sender`` is None when anonymous."""

    id: int
    number: str
    subject: Subject
    about_zh: str
    about_en: str
    town_zh: str
    town_en: str
    text: str
    voice_file_id: str | None
    sender: str | None
    anonymous: bool
    status: SuggestionStatus
    outcome: str | None
    replies: tuple[str, ...]
    created_at: datetime


def _towns(scopes: Iterable[Scope], towns: Iterable[int]) -> list[int]:
    scopes = list(scopes)
    return [t for t in towns if can(scopes, Action.SUGGESTION_HANDLE, t)]


async def open_suggestions(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], page: int = 0
) -> Queue:
    """The open suggestions of the towns this admin handles, oldest first, a page at a time."""
    scopes = list(scopes)
    if not holds(scopes, Action.SUGGESTION_HANDLE):
        raise NotAllowed()
    every = (await session.execute(select(col(Town.id)))).scalars()
    towns = _towns(scopes, (town for town in every if town is not None))
    where = (
        col(Suggestion.status) == SuggestionStatus.OPEN.value,
        col(Suggestion.town_id).in_(towns),
    )
    total = int((await session.execute(select(func.count()).where(*where))).scalar_one())
    page = max(0, min(page, max(0, (total - 1) // PER_PAGE)))
    query = (
        select(Suggestion)
        .where(*where)
        .order_by(col(Suggestion.created_at), col(Suggestion.id))
        .offset(page * PER_PAGE)
        .limit(PER_PAGE)
    )
    lines = []
    for row in (await session.execute(query)).scalars():
        zh, en = await about_names(session, row)
        lines.append(
            QueueLine(row_id(row), row.number, Subject(row.subject), zh, en, row.created_at)
        )
    return Queue(lines, page, total)


async def _reachable(
    session: AsyncSession, scopes: Iterable[Scope], suggestion_id: int
) -> Suggestion:
    """The suggestion, if the admin handles its town (else the same refusal as a forged id)."""
    row = await session.get(Suggestion, suggestion_id)
    if row is None or not can(list(scopes), Action.SUGGESTION_HANDLE, row.town_id):
        raise SuggestionNotFound()
    return row


async def staff_suggestion(
    session: AsyncSession, *, person: Person, scopes: Iterable[Scope], suggestion_id: int
) -> StaffSuggestion:
    """One suggestion for its town's admin: the words, the voice note's id, the replies so far."""
    row = await _reachable(session, scopes, suggestion_id)
    zh, en = await about_names(session, row)
    town = await session.get(Town, row.town_id)
    sender = None
    if not row.anonymous and row.person_id is not None:
        who = await session.get(Person, row.person_id)
        sender = who.display_name if who is not None else None
    replies = await session.execute(
        select(col(SuggestionReply.text))
        .where(col(SuggestionReply.suggestion_id) == row.id)
        .order_by(col(SuggestionReply.id))
    )
    return StaffSuggestion(
        id=row_id(row),
        number=row.number,
        subject=Subject(row.subject),
        about_zh=zh,
        about_en=en,
        town_zh=town.name_zh if town else "",
        town_en=town.name_en if town else "",
        text=row.text,
        voice_file_id=row.voice_file_id,
        sender=sender,
        anonymous=row.anonymous,
        status=SuggestionStatus(row.status),
        outcome=row.outcome,
        replies=tuple(replies.scalars()),
        created_at=row.created_at,
    )


def _answer(text: str) -> str:
    words = text.strip()
    if not words:
        raise SuggestionEmpty()
    if len(words) > ANSWER_MAX:
        raise SuggestionTooLong(max=ANSWER_MAX)
    return words


async def _tell(session: AsyncSession, row: Suggestion, msgid: str, key: str, text: str) -> bool:
    resident = await session.get(Person, row.person_id) if row.person_id else None
    payload = message_payload(msgid, number=row.number, text=text)
    dedupe = f"suggestion:{row_id(row)}:{key}"
    return await notify(session, resident, OutboxKind.STATUS, payload, dedupe_key=dedupe)


async def reply_to_suggestion(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    suggestion_id: int,
    text: str,
) -> str:
    """Pass the admin's words to the resident (as often as needed, while it is open)."""
    row = await _reachable(session, scopes, suggestion_id)
    words = _answer(text)
    if row.status != SuggestionStatus.OPEN.value:
        raise SuggestionDecided()
    reply = SuggestionReply(suggestion_id=row_id(row), author_id=person.id, text=words)
    session.add(reply)
    await session.flush()
    await _tell(session, row, NOTICE["reply"], f"reply{row_id(reply)}", words)
    await record_audit(session, person.id, "suggestion.replied", "suggestion", row_id(row))
    return row.number


async def decide_suggestion(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    suggestion_id: int,
    adopted: bool,
    text: str,
    now: datetime | None = None,
) -> str:
    """Adopted with what was done, or not adopted with why; once (a second decision is refused)."""
    row = await _reachable(session, scopes, suggestion_id)
    words = _answer(text)
    status = SuggestionStatus.ADOPTED if adopted else SuggestionStatus.NOT_ADOPTED
    decided = await session.execute(
        update(Suggestion)
        .where(
            col(Suggestion.id) == row.id,
            col(Suggestion.status) == SuggestionStatus.OPEN.value,
        )
        .values(
            status=status.value, outcome=words, decided_by=person.id, decided_at=now or utcnow()
        )
        .returning(col(Suggestion.id))
    )
    if decided.scalar_one_or_none() is None:
        raise SuggestionDecided()
    await session.refresh(row)
    await _tell(session, row, NOTICE[status], "decided", words)
    await record_audit(
        session, person.id, "suggestion.decided", "suggestion", row_id(row), status=status.value
    )
    return row.number
