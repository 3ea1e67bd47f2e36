"""Open screens as the outbox pump sees them: who is in the middle of a flow right now.

The bot keeps its UI state in ``ptb_state`` (``bot/persistence.py``): one ``conversation`` row
per open screen, keyed ``name:[chat, user]``, and each person's ``user_data``, where the kit
stamps when they last did anything (``SEEN_KEY``) and what the screen it asked last showed
(``SCREEN_KEY``: the question's text and its reply keyboard). The pump may run in another
process (``tongxin worker``), so it reads these rows rather than the bot's memory; they are at
most one persistence flush (about a second) behind.

A question sent by message (a reminder, an offer: ``models.core.questions``) replaces the
open screen while it is live. Its reply keyboard stays on screen under a notice (notices
bring none) and a typed number still answers it, so it is neither held for nor asked again;
but the flow's question it replaced is no longer on screen, so that one is not asked again.

A notice that lands while a person is mid-flow buries the question being asked under it. The
pump uses :func:`open_screens` to hold a non-urgent notice until the person leaves the flow (a
few minutes at most), and to ask the question again after a notice it sends anyway.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.people import Person
from models.core.questions import PendingQuestion
from models.core.runtime import PtbState

SEEN_KEY = "seen_at"  # user_data: when the person last did anything (POSIX seconds)
# user_data: what the kit's last screen showed (handlers.kit.screens keeps it under this key),
# among it {"text": …, "rows": …} of the question asked (``reply_keyboard`` makes the keyboard).
SCREEN_KEY = "shown"
SCREEN_IDLE = timedelta(minutes=30)  # an open screen closes after this long without an answer


@dataclass(frozen=True)
class OpenScreen:
    """A flow's question on a person's screen: its text and reply keyboard (a Bot API dict)."""

    person_id: int
    chat_id: int
    text: str
    keyboard: dict[str, Any] | None


def reply_keyboard(rows: Iterable[Iterable[str | dict[str, Any]]]) -> dict[str, Any]:
    """A screen's reply keyboard in its Bot API form, from its rows of labels (a button with
    more than a label, e.g. "share my number", is kept as its Bot API dict)."""
    keyboard = [[{"text": b} if isinstance(b, str) else b for b in row] for row in rows]
    return {"is_persistent": True, "keyboard": keyboard, "resize_keyboard": True}


def _keyboard(screen: dict[str, Any]) -> dict[str, Any] | None:
    rows = screen.get("rows")
    if isinstance(rows, list):
        return reply_keyboard(rows)
    keyboard = screen.get("keyboard")  # kept whole by the kit before 2026-12-03
    return keyboard if isinstance(keyboard, dict) else None


def _seen(data: dict[str, Any], tz: Any) -> datetime | None:
    stamp = data.get(SEEN_KEY)
    return datetime.fromtimestamp(stamp, tz) if isinstance(stamp, int | float) else None


def _conversation_of(chat_id: int, user_id: int) -> ColumnElement[bool]:
    key = json.dumps([chat_id, user_id])
    return (col(PtbState.kind) == "conversation") & col(PtbState.key).like(f"%:{key}")


async def _people(session: AsyncSession, person_ids: set[int]) -> dict[int, tuple[int, int]]:
    """Telegram user id → (person id, chat id)."""
    rows = await session.execute(
        select(col(Person.id), col(Person.tg_user_id), col(Person.chat_id)).where(
            col(Person.id).in_(person_ids),
            col(Person.tg_user_id).is_not(None),
            col(Person.chat_id).is_not(None),
        )
    )
    return {
        int(tg): (int(pid), int(chat))
        for pid, tg, chat in rows.all()
        if pid is not None and tg is not None and chat is not None  # the query's own filter
    }


async def _user_data(session: AsyncSession, tg_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = await session.execute(
        select(PtbState).where(
            col(PtbState.kind) == "user_data", col(PtbState.key).in_([str(tg) for tg in tg_ids])
        )
    )
    return {int(r.key): r.data for r in rows.scalars() if isinstance(r.data, dict)}


async def open_screens(
    session: AsyncSession, person_ids: set[int], *, now: datetime
) -> dict[int, OpenScreen]:
    """The people among ``person_ids`` with a flow's question on screen, and that question.

    On screen: a conversation of theirs is open, they did something within ``SCREEN_IDLE`` (a
    longer-idle screen closes at their next message anyway), the kit kept the question, and no
    live question sent by message has replaced it.
    """
    ids = await _people(session, person_ids) if person_ids else {}
    if not ids:
        return {}
    data = await _user_data(session, ids)
    seen = {tg: _seen(d, now.tzinfo) for tg, d in data.items()}
    by_person = {pid: tg for tg, (pid, _chat) in ids.items()}
    asked = await session.execute(
        select(PendingQuestion).where(col(PendingQuestion.person_id).in_(list(by_person)))
    )
    replaced = {
        q.person_id for q in asked.scalars() if q.live(now, seen.get(by_person[q.person_id]))
    }
    candidates: dict[int, OpenScreen] = {}
    for tg, user_data in data.items():
        pid, chat = ids[tg]
        last, screen = seen.get(tg), user_data.get(SCREEN_KEY)
        if pid in replaced or last is None or now - last > SCREEN_IDLE:
            continue
        if isinstance(screen, dict):
            text = str(screen.get("text") or "")
            candidates[tg] = OpenScreen(pid, chat, text, _keyboard(screen))
    if not candidates:
        return {}
    clauses = [_conversation_of(s.chat_id, tg) for tg, s in candidates.items()]
    keys = (await session.execute(select(col(PtbState.key)).where(or_(*clauses)))).scalars()
    open_chats = {json.loads(key[key.index(":[") + 1 :])[0] for key in keys}
    return {s.person_id: s for s in candidates.values() if s.chat_id in open_chats}
